// Benchmark: routes cost little. One `loopgate serve` on a mock upstream, measured in rounds with
// no routes and with 20 enabled routes of which none matches a plain chat request, switched between
// rounds through the app's own routing settings (they apply without a restart). One process for
// both: two processes differ by a few percent on their own (heap layout, JIT), more than the routes
// cost. A warm-up round of each, then pairs of rounds, the order swapped every pair, each started
// once the server is quiet; the median of the pairs' throughput ratios is the result (target: 0.95).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouteSetting } from '../../shared/routes.js';
import { CLI_PATH } from '../helpers/cli.js';
import { signIn, uiValue } from '../helpers/ui-events.js';
import { cpuSeconds, launch, type Launched } from './processes.js';
import { wrk } from './wrk.js';
import { median } from './stats.js';

const PAIRS = 8;
const SECONDS = 3;
const CONNECTIONS = 32;
const MASTER_KEY = 'sk-bench';
export const ROUTES_RATIO_TARGET = 0.95;
const BODY = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'benchmark me please' }] });

/** 20 routes a plain chat request to `bench` matches none of: rules and scenarios, each evaluated. */
const TWENTY_ROUTES: RouteSetting[] = [
  ...Array.from({ length: 12 }, (_, n): RouteSetting => ({ name: `team-${n}`, when: [{ kind: 'header', name: 'x-team', op: 'equals', value: `t${n}` }], to: 'bench', enabled: true })),
  ...Array.from({ length: 4 }, (_, n): RouteSetting => ({ name: `model-${n}`, when: [{ kind: 'model', pattern: `other-${n}-*` }], to: 'bench', enabled: true })),
  { name: 'background', when: [{ kind: 'background' }], to: 'bench', enabled: true },
  { name: 'think', when: [{ kind: 'thinking' }], to: 'bench', enabled: true },
  { name: 'tools', when: [{ kind: 'has_tools', value: true }], to: 'bench', enabled: true },
  { name: 'streamed', when: [{ kind: 'stream', value: true }], to: 'bench', enabled: true },
];

export interface RoutesResult {
  noneRps: number;
  twentyRps: number;
  /** Throughput with 20 non-matching routes over none: the median of the pairs'. */
  ratio: number;
  /** Each pair's ratio, to show the spread. */
  pairs: number[];
}

/** Waits (at most 5 s) until the server used no more than 10 ms of CPU in 250 ms: the round before has written its logs. */
async function quiet(server: Launched): Promise<void> {
  for (let tries = 0; tries < 20; tries++) {
    const before = cpuSeconds(server.pid);
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (cpuSeconds(server.pid) - before <= 0.01) return;
  }
}

/** The routes in force are the ones measured: a request naming a team takes its route, the bench's own request none. */
async function expectRoute(origin: string, headers: Record<string, string>, route: string): Promise<void> {
  const response = await fetch(`${origin}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json', ...headers }, body: BODY });
  await response.arrayBuffer();
  const took = response.headers.get('x-loopgate-route');
  if (response.status !== 200 || took !== route) throw new Error(`the routes bench expected route ${route}, got ${response.status} ${took}`);
}

export async function benchRoutes(): Promise<RoutesResult> {
  const upstream = await launch(process.execPath, ['--import', 'tsx', 'tests/bench/upstream-server.ts']);
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-bench-routes-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `model_list:\n  - model_name: bench\n    litellm_params:\n      model: openai/mock-gpt\n      api_base: ${upstream.url}/v1\ngeneral_settings:\n  master_key: ${MASTER_KEY}\n`);
  const server = await launch(process.execPath, [CLI_PATH, 'serve', '--config', config, '--port', '0', '--data-dir', dir]);
  try {
    const cookie = await signIn(server.url, MASTER_KEY);
    const useRoutes = async (routes: RouteSetting[]): Promise<void> => {
      const current = await uiValue(server.url, cookie, 'routing.get', {});
      const { source: _source, configFileHasSettings: _file, ...settings } = current;
      await uiValue(server.url, cookie, 'routing.update', { ...settings, routes });
    };
    const load = { path: '/v1/chat/completions', headers: { authorization: `Bearer ${MASTER_KEY}` }, body: BODY };
    const measure = async (routes: RouteSetting[]): Promise<number> => {
      await useRoutes(routes);
      await quiet(server);
      return (await wrk(server.url, load, CONNECTIONS, SECONDS)).rps;
    };
    // Both code paths JIT-compiled before anything counts.
    await measure([]);
    await measure(TWENTY_ROUTES);
    await expectRoute(server.url, { 'x-team': 't3' }, 'team-3');
    await expectRoute(server.url, {}, 'default');
    const rps: Record<'none' | 'twenty', number[]> = { none: [], twenty: [] };
    for (let pair = 0; pair < PAIRS; pair++) {
      // Adjacent rounds, the order swapped each pair: a slower moment of the shared machine falls on both alike.
      for (const which of pair % 2 === 0 ? (['none', 'twenty'] as const) : (['twenty', 'none'] as const)) {
        rps[which].push(await measure(which === 'none' ? [] : TWENTY_ROUTES));
      }
    }
    const pairs = rps.twenty.map((value, pair) => value / rps.none[pair]!);
    return { noneRps: median(rps.none), twentyRps: median(rps.twenty), ratio: median(pairs), pairs };
  } finally {
    for (const launched of [server, upstream]) launched.child.kill('SIGTERM');
  }
}
