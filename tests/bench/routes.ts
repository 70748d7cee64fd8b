// Benchmark: routes cost little. Two `loopgate serve` on one mock upstream, one with 20 enabled
// routes of which none matches a plain chat request, one with none; wrk alternates between them
// (a warm-up round each, then 6 rounds, the order swapped every round, each measurement started once
// both servers are quiet) and the median of the rounds' throughput ratios is the result (target: 0.95).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH } from '../helpers/cli.js';
import { cpuSeconds, launch, type Launched } from './processes.js';
import { wrk } from './wrk.js';

const RUNS = 6;
const SECONDS = 4;
const CONNECTIONS = 32;
export const ROUTES_RATIO_TARGET = 0.95;
const BODY = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'benchmark me please' }] });

/** 20 routes a plain chat request to `bench` matches none of: rules and scenarios, each evaluated. */
function routes(): string {
  const rows = [
    ...Array.from({ length: 12 }, (_, n) => `{ name: team-${n}, when: [{ kind: header, name: x-team, op: equals, value: t${n} }], to: bench }`),
    ...Array.from({ length: 4 }, (_, n) => `{ name: model-${n}, when: [{ kind: model, pattern: 'other-${n}-*' }], to: bench }`),
    '{ name: background, when: [{ kind: background }], to: bench }',
    '{ name: think, when: [{ kind: thinking }], to: bench }',
    '{ name: tools, when: [{ kind: has_tools, value: true }], to: bench }',
    '{ name: streamed, when: [{ kind: stream, value: true }], to: bench }',
  ];
  return `router_settings:\n  routes:\n${rows.map((row) => `    - ${row}\n`).join('')}`;
}

async function serve(upstream: string, extra: string): Promise<Launched> {
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-bench-routes-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `model_list:\n  - model_name: bench\n    litellm_params:\n      model: openai/mock-gpt\n      api_base: ${upstream}/v1\ngeneral_settings:\n  master_key: sk-bench\n${extra}`);
  return launch(process.execPath, [CLI_PATH, 'serve', '--config', config, '--port', '0', '--data-dir', dir]);
}

export interface RoutesResult {
  noneRps: number;
  twentyRps: number;
  /** Throughput with 20 non-matching routes over none. */
  ratio: number;
}

/** Waits (at most 5 s) until no server used more than 10 ms of CPU in 250 ms: the one measured before has written its logs. */
async function quiet(servers: Launched[]): Promise<void> {
  for (let tries = 0; tries < 20; tries++) {
    const before = servers.map((server) => cpuSeconds(server.pid));
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (servers.every((server, n) => cpuSeconds(server.pid) - before[n]! <= 0.01)) return;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? (sorted[middle - 1]! + sorted[middle]!) / 2 : sorted[Math.floor(middle)]!;
}

export async function benchRoutes(): Promise<RoutesResult> {
  const upstream = await launch(process.execPath, ['--import', 'tsx', 'tests/bench/upstream-server.ts']);
  const none = await serve(upstream.url, '');
  const twenty = await serve(upstream.url, routes());
  try {
    const load = { path: '/v1/chat/completions', headers: { authorization: 'Bearer sk-bench' }, body: BODY };
    const rps: Record<'none' | 'twenty', number[]> = { none: [], twenty: [] };
    // Both JIT-compiled before anything counts.
    for (const server of [none, twenty]) await wrk(server.url, load, CONNECTIONS, SECONDS);
    for (let run = 0; run < RUNS; run++) {
      // Alternating, the order swapped each round, so a slower moment of a shared machine falls on both alike.
      const order = run % 2 === 0 ? (['none', 'twenty'] as const) : (['twenty', 'none'] as const);
      for (const which of order) {
        await quiet([none, twenty]);
        rps[which].push((await wrk((which === 'none' ? none : twenty).url, load, CONNECTIONS, SECONDS)).rps);
      }
    }
    const ratio = median(rps.twenty.map((value, run) => value / rps.none[run]!));
    return { noneRps: median(rps.none), twentyRps: median(rps.twenty), ratio };
  } finally {
    for (const launched of [twenty, none, upstream]) launched.child.kill('SIGTERM');
  }
}
