// Benchmark: months of use stay small. The same 10,000 keys and daily totals with an empty
// request log and with 1,000,000 log rows, side by side: per-request latency, RSS and key-store snapshot time as
// ratios; and start-up (until /health/liveliness answers) on an empty data dir, on the big one,
// and on the big one after kill -9, against the absolute targets.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { MemoryLogger } from '../../electron/core/logger.js';
import { SNAPSHOT_FILE } from '../../electron/store/database.js';
import { openStore } from '../../electron/store/index.js';
import { CLI_PATH, tempDir } from '../helpers/cli.js';
import { buildDataDir } from './big-data-dir.js';
import { launch } from './processes.js';
import { middle } from './stats.js';

const KEYS = 10_000;
const LOG_ROWS = 1_000_000;
const STARTS = 3;
const LATENCY_REQUESTS = 300;
/** Generated dirs are kept between runs for a day (building the big one takes a minute). */
const CACHE = join(tmpdir(), `loopgate-bench-history-${KEYS}-${LOG_ROWS}`);
const CACHE_MAX_AGE_MS = 86_400_000;
const BODY = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'benchmark me please' }] });

export interface HistorySizeResult {
  latencyRatio: number;
  rssRatio: number;
  snapshotRatio: number;
  emptyLogRssMb: number;
  fullLogRssMb: number;
  emptyLogSnapshotMs: number;
  fullLogSnapshotMs: number;
  snapshotBytes: number;
  startupEmptyMs: number;
  startupFullMs: number;
  startupAfterKillMs: number;
}

async function cachedDir(name: string, withLog: boolean): Promise<string> {
  const dir = join(CACHE, name);
  const marker = join(dir, 'bench-complete');
  if (existsSync(marker) && Date.now() - statSync(marker).mtimeMs < CACHE_MAX_AGE_MS) return dir;
  await rm(dir, { recursive: true, force: true });
  await buildDataDir({ keys: KEYS, requests: LOG_ROWS, withLog, dir });
  writeFileSync(marker, '');
  return dir;
}

/** Spawns `loopgate serve` and waits until /health/liveliness answers 200; returns the time that took. */
async function serve(dir: string, config: string): Promise<{ child: ChildProcess; url: string; startMs: number }> {
  const started = performance.now();
  const { child, url } = await launch(process.execPath, [CLI_PATH, 'serve', '--config', config, '--port', '0', '--data-dir', dir], process.env, 'tail');
  for (;;) {
    const answer = await request(`${url}/health/liveliness`).catch(() => null);
    await answer?.body.dump();
    if (answer?.statusCode === 200) return { child, url, startMs: performance.now() - started };
  }
}

function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function chat(url: string): Promise<number> {
  const started = performance.now();
  const answer = await request(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-bench', 'content-type': 'application/json' }, body: BODY });
  await answer.body.dump();
  if (answer.statusCode !== 200) throw new Error(`chat answered ${answer.statusCode}`);
  return performance.now() - started;
}

function rssMb(pid: number | undefined): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

/** Median time of a key-store snapshot (what every periodic save costs) for a data dir. */
async function snapshotMs(dir: string): Promise<{ ms: number; bytes: number }> {
  const store = await openStore(dir, new MemoryLogger());
  try {
    const samples: number[] = [];
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      await store.database.snapshot();
      samples.push(performance.now() - started);
    }
    return { ms: middle(samples), bytes: statSync(join(dir, SNAPSHOT_FILE)).size };
  } finally {
    await store.close();
  }
}

async function startupMs(dir: string, config: string, crash: boolean): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    if (crash) {
      // Leave what kill -9 leaves: a lock, journal records past the snapshot, a log segment without its summary.
      const running = await serve(dir, config);
      for (let n = 0; n < 20; n++) await chat(running.url);
      await request(`${running.url}/key/generate`, { method: 'POST', headers: { authorization: 'Bearer sk-bench', 'content-type': 'application/json' }, body: '{}' }).then((answer) => answer.body.dump());
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      await stop(running.child, 'SIGKILL');
    }
    const started = await serve(dir, config);
    samples.push(started.startMs);
    await stop(started.child);
  }
  return middle(samples);
}

export async function benchHistorySize(): Promise<HistorySizeResult> {
  const upstream = await launch(process.execPath, ['--import', 'tsx', 'tests/bench/upstream-server.ts']);
  const configDir = tempDir('loopgate-bench-config-');
  const config = join(configDir, 'config.yaml');
  writeFileSync(config, `model_list:\n  - model_name: bench\n    litellm_params:\n      model: openai/mock-gpt\n      api_base: ${upstream.url}/v1\ngeneral_settings:\n  master_key: sk-bench\n`);
  try {
    const emptyLog = await cachedDir('empty-log', false);
    const fullLog = await cachedDir('full-log', true);
    const snapshots = { empty: await snapshotMs(emptyLog), full: await snapshotMs(fullLog) };

    const a = await serve(emptyLog, config);
    const b = await serve(fullLog, config);
    const latency = { empty: [] as number[], full: [] as number[] };
    let rss = { empty: 0, full: 0 };
    try {
      for (let i = 0; i < 200; i++) await Promise.all([chat(a.url), chat(b.url)]);
      // Alternating, one request at a time: the same machine state for both.
      for (let i = 0; i < LATENCY_REQUESTS; i++) {
        latency.empty.push(await chat(a.url));
        latency.full.push(await chat(b.url));
      }
      rss = { empty: rssMb(a.child.pid), full: rssMb(b.child.pid) };
    } finally {
      await stop(a.child);
      await stop(b.child);
    }
    const startupEmptyMs = await startupMs(tempDir('loopgate-bench-empty-'), config, false);
    const startupFullMs = await startupMs(fullLog, config, false);
    const startupAfterKillMs = await startupMs(fullLog, config, true);
    return {
      latencyRatio: middle(latency.full) / middle(latency.empty),
      rssRatio: rss.full / rss.empty,
      snapshotRatio: snapshots.full.ms / snapshots.empty.ms,
      emptyLogRssMb: rss.empty,
      fullLogRssMb: rss.full,
      emptyLogSnapshotMs: snapshots.empty.ms,
      fullLogSnapshotMs: snapshots.full.ms,
      snapshotBytes: snapshots.full.bytes,
      startupEmptyMs,
      startupFullMs,
      startupAfterKillMs,
    };
  } finally {
    upstream.child.kill('SIGTERM');
  }
}

/** Prints the results with their targets; returns the targets missed. */
export function reportHistorySize(result: HistorySizeResult): string[] {
  const failures: string[] = [];
  const ratio = (name: string, value: number, limit: number): void => {
    console.log(`  ${name.padEnd(34)} ratio ${value.toFixed(2)} (limit ${limit})`);
    if (value > limit) failures.push(`${name}: ${value.toFixed(2)}x with 1M log rows vs an empty log (limit ${limit}x)`);
  };
  const absolute = (name: string, ms: number, limit: number): void => {
    console.log(`  ${name.padEnd(34)} ${ms.toFixed(0)} ms (target < ${limit} ms)`);
    if (ms >= limit) failures.push(`${name}: ${ms.toFixed(0)} ms (target < ${limit} ms)`);
  };
  console.log(`\nHistory: ${KEYS.toLocaleString('en')} keys, empty request log vs ${LOG_ROWS.toLocaleString('en')} rows:`);
  ratio(`chat p50 (${LATENCY_REQUESTS} sequential)`, result.latencyRatio, 1.15);
  ratio(`RSS (${result.emptyLogRssMb.toFixed(0)} vs ${result.fullLogRssMb.toFixed(0)} MB)`, result.rssRatio, 1.15);
  ratio(`key-store snapshot (${result.emptyLogSnapshotMs.toFixed(1)} vs ${result.fullLogSnapshotMs.toFixed(1)} ms)`, result.snapshotRatio, 1.25);
  console.log(`  key-store snapshot size            ${(result.snapshotBytes / 1e6).toFixed(1)} MB`);
  console.log('Start-up, until /health/liveliness answers (median of 3):');
  absolute('empty data dir', result.startupEmptyMs, 1_000);
  absolute('10,000 keys + 1M log rows', result.startupFullMs, 2_000);
  absolute('the same after kill -9', result.startupAfterKillMs, 2_000);
  return failures;
}
