// Benchmark: the upstream direct, a bare undici proxy, Loopgate and Portkey's gateway, side by
// side in one run, each in its own process in front of the same mock upstream, for three
// workloads: chat, streamed chat, and Anthropic Messages translated to the OpenAI-style upstream.
// Loopgate does its real work on every request (a virtual key with limits, routing, accounting,
// metrics, logs). Load comes from wrk (see wrk.ts); one-connection latency and time to first
// byte from a sequential undici loop, where the loop's own cost does not matter.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import { CLI_PATH } from '../helpers/cli.js';
import { cpuSeconds, freePort, launch, rssMb, type Launched } from './processes.js';
import { wrk, type Load, type WrkResult } from './wrk.js';
import { middle } from './stats.js';

export type TargetName = 'direct' | 'bare' | 'loopgate' | 'portkey';
export type WorkloadName = 'chat' | 'stream' | 'messages';

const CONNECTIONS = 32;
const LOAD_SECONDS = 4;
const ROUNDS = 3;
const SINGLE_SECONDS = 3;
const SETTLE_MS = 30_000;

export interface Cell {
  /** Requests per second at 32 connections, median of the rounds. */
  rps: number;
  /** The slowest round's: a stall or a collapse shows here, whatever the median says. */
  minRps: number;
  p50Ms32: number;
  p99Ms32: number;
  p50Ms1: number;
  p99Ms1: number;
  /** CPU time per request inside the proxy process (null for the upstream itself). */
  cpuUsPerRequest: number | null;
  non2xx: number;
  socketErrors: number;
  /** Streams only: time to first body byte and to the last, at one connection (medians), and chunks per stream. */
  ttfbMs?: number;
  streamMs?: number;
  chunks?: number;
}

interface Memory {
  idleMb: number;
  warmMb: number;
  peakMb: number;
  afterMb: number;
}

export interface CompareResult {
  cells: Partial<Record<WorkloadName, Partial<Record<TargetName, Cell | string>>>>;
  memory: Partial<Record<TargetName, Memory>>;
}

const CHAT_BODY = { model: 'bench', messages: [{ role: 'user', content: 'benchmark me please' }] };
const BODIES: Record<WorkloadName, { path: string; body: string }> = {
  chat: { path: '/v1/chat/completions', body: JSON.stringify(CHAT_BODY) },
  stream: { path: '/v1/chat/completions', body: JSON.stringify({ ...CHAT_BODY, stream: true }) },
  messages: { path: '/v1/messages', body: JSON.stringify({ ...CHAT_BODY, max_tokens: 64 }) },
};

interface Target {
  name: TargetName;
  process: Launched;
  headers: Record<string, string>;
  /** Whose CPU and memory count (the upstream's own numbers are not a proxy's). */
  measured: boolean;
}

async function startAll(): Promise<{ targets: Target[]; stop: () => void }> {
  // `node --import tsx` rather than the tsx launcher, so the pid measured is the server itself.
  const upstream = await launch(process.execPath, ['--import', 'tsx', 'tests/bench/upstream-server.ts']);
  const bare = await launch(process.execPath, ['--import', 'tsx', 'tests/bench/bare-proxy.ts', upstream.url]);
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-bench-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `model_list:\n  - model_name: bench\n    litellm_params:\n      model: openai/mock-gpt\n      api_base: ${upstream.url}/v1\ngeneral_settings:\n  master_key: sk-bench\n`);
  const loopgate = await launch(process.execPath, [CLI_PATH, 'serve', '--config', config, '--port', '0', '--data-dir', dir]);
  // Portkey's start-server takes --port=N and prints http://localhost:N; the upstream is named per request.
  const portkey = await launch(process.execPath, ['node_modules/@portkey-ai/gateway/build/start-server.js', `--port=${await freePort()}`, '--headless'], {
    ...process.env,
    NODE_ENV: 'production',
  });
  const key = await virtualKey(loopgate.url);
  const targets: Target[] = [
    { name: 'direct', process: upstream, headers: {}, measured: false },
    { name: 'bare', process: bare, headers: {}, measured: true },
    { name: 'loopgate', process: loopgate, headers: { authorization: `Bearer ${key}` }, measured: true },
    {
      name: 'portkey',
      process: portkey,
      headers: { authorization: 'Bearer sk-bench', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstream.url}/v1` },
      measured: true,
    },
  ];
  return { targets, stop: () => [portkey, loopgate, bare, upstream].forEach((launched) => launched.child.kill('SIGTERM')) };
}

/** A virtual key with limits, so admission, limits and accounting run on every request. */
export async function virtualKey(origin: string): Promise<string> {
  const response = await fetch(`${origin}/key/generate`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-bench', 'content-type': 'application/json' },
    body: JSON.stringify({ key_alias: 'bench', rpm_limit: 100_000_000, tpm_limit: 1_000_000_000, max_parallel_requests: 1_000, max_budget: 1_000_000 }),
  });
  const body = (await response.json()) as { key?: string };
  if (!response.ok || !body.key) throw new Error(`could not create the bench key: ${response.status} ${JSON.stringify(body)}`);
  return body.key;
}

function load(target: Target, workload: WorkloadName): Load {
  return { ...BODIES[workload], headers: target.headers };
}

/** One request, to see whether a target serves a workload at all (Portkey lacks some). */
async function probe(target: Target, workload: WorkloadName): Promise<string | null> {
  const { path, body } = BODIES[workload];
  const response = await fetch(`${target.process.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...target.headers }, body });
  const text = await response.text();
  return response.ok ? null : `answers ${response.status}: ${text.slice(0, 80)}`;
}

/**
 * One connection, one request at a time, from an undici loop: wrk's latency histogram is not
 * trustworthy at one connection, and at one request in flight the loop's own cost is not in
 * the way. Latency to the end of each answer; for streams also to its first body byte.
 */
async function sequential(target: Target, workload: WorkloadName): Promise<{ latencyMs: number[]; ttfbMs: number[]; chunks: number[]; failed: number }> {
  const client = new Client(target.process.url, { pipelining: 1 });
  const out = { latencyMs: [] as number[], ttfbMs: [] as number[], chunks: [] as number[], failed: 0 };
  const { path, body } = BODIES[workload];
  const deadline = performance.now() + SINGLE_SECONDS * 1000;
  try {
    while (performance.now() < deadline) {
      const started = performance.now();
      const response = await client.request({ method: 'POST', path, headers: { 'content-type': 'application/json', ...target.headers }, body });
      let first = 0;
      let chunks = 0;
      for await (const _chunk of response.body) {
        if (chunks++ === 0) first = performance.now() - started;
      }
      out.latencyMs.push(performance.now() - started);
      out.ttfbMs.push(first);
      out.chunks.push(chunks);
      if (response.statusCode < 200 || response.statusCode > 299) out.failed++;
    }
  } finally {
    await client.close();
  }
  return out;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function measureCell(target: Target, workload: WorkloadName): Promise<Cell> {
  const rounds: WrkResult[] = [];
  let cpu = 0;
  let requests = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const before = cpuSeconds(target.process.pid);
    const result = await wrk(target.process.url, load(target, workload), CONNECTIONS, LOAD_SECONDS);
    cpu += cpuSeconds(target.process.pid) - before;
    requests += result.requests;
    rounds.push(result);
  }
  const single = await sequential(target, workload);
  const typical = rounds.find((round) => round.rps === middle(rounds.map((r) => r.rps)))!;
  const cell: Cell = {
    rps: typical.rps,
    minRps: Math.min(...rounds.map((round) => round.rps)),
    p50Ms32: typical.p50Ms,
    p99Ms32: typical.p99Ms,
    p50Ms1: percentile(single.latencyMs, 50),
    p99Ms1: percentile(single.latencyMs, 99),
    cpuUsPerRequest: target.measured ? (cpu / requests) * 1e6 : null,
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0) + single.failed,
    socketErrors: rounds.reduce((sum, r) => sum + r.socketErrors, 0),
  };
  if (workload === 'stream') {
    cell.ttfbMs = middle(single.ttfbMs);
    cell.streamMs = middle(single.latencyMs);
    cell.chunks = middle(single.chunks);
  }
  return cell;
}

export async function benchProxies(log: (line: string) => void): Promise<CompareResult> {
  const { targets, stop } = await startAll();
  const result: CompareResult = { cells: {}, memory: {} };
  const peaks = new Map<TargetName, number>();
  const sampler = setInterval(() => {
    for (const target of targets) peaks.set(target.name, Math.max(peaks.get(target.name) ?? 0, rssMb(target.process.pid)));
  }, 250);
  try {
    const idle = new Map(targets.map((target) => [target.name, rssMb(target.process.pid)]));
    // Which target serves which workload (Loopgate alone translates Messages; the bare proxy cannot).
    const plan = new Map<WorkloadName, Target[]>();
    for (const workload of ['chat', 'stream', 'messages'] as const) {
      const cells: Partial<Record<TargetName, Cell | string>> = {};
      result.cells[workload] = cells;
      const serving: Target[] = [];
      for (const target of targets) {
        if (workload === 'messages' && (target.name === 'direct' || target.name === 'bare')) {
          cells[target.name] = 'n/a (no translation)';
          continue;
        }
        const refused = await probe(target, workload);
        if (refused) cells[target.name] = refused;
        else serving.push(target);
      }
      plan.set(workload, serving);
    }
    // Warm-up: JIT and keep-alive connections, every workload on every target, then the memory baseline.
    for (const [workload, serving] of plan) for (const target of serving) await wrk(target.process.url, load(target, workload), CONNECTIONS, 2);
    const warm = new Map(targets.map((target) => [target.name, rssMb(target.process.pid)]));
    peaks.clear();
    for (const [workload, serving] of plan) {
      for (const target of serving) {
        const cell = await measureCell(target, workload);
        result.cells[workload]![target.name] = cell;
        log(`  ${workload.padEnd(8)} ${target.name.padEnd(8)} ${cell.rps.toFixed(0).padStart(6)} req/s  non-2xx ${cell.non2xx}`);
      }
    }
    const peak = new Map(peaks);
    log(`  waiting ${SETTLE_MS / 1000} s for memory to settle`);
    await sleep(SETTLE_MS);
    for (const target of targets) {
      if (!target.measured) continue;
      result.memory[target.name] = { idleMb: idle.get(target.name)!, warmMb: warm.get(target.name)!, peakMb: peak.get(target.name)!, afterMb: rssMb(target.process.pid) };
    }
    return result;
  } finally {
    clearInterval(sampler);
    stop();
  }
}
