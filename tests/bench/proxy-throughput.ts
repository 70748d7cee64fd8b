// Benchmark: Loopgate's throughput against a bare undici proxy, both in front of the same
// mock upstream, each in its own process, measured alternately in one run. Loopgate does its
// real work on every request (auth, routing, accounting, metrics, logs); the ratio says what
// that costs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { CLI_PATH, PROJECT_ROOT } from '../helpers/cli.js';

const CONNECTIONS = 32;
const DURATION_MS = 4_000;
const ROUNDS = 3;
const BODY = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'benchmark me please' }] });

function launch(command: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

/** Requests per second with CONNECTIONS requests always in flight, for DURATION_MS. */
async function measure(origin: string, path: string, headers: Record<string, string>): Promise<number> {
  const pool = new Pool(origin, { connections: CONNECTIONS, pipelining: 1 });
  let done = 0;
  let failed = 0;
  const deadline = Date.now() + DURATION_MS;
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const response = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: BODY });
      await response.body.dump();
      if (response.statusCode === 200) done++;
      else failed++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = (Date.now() - started) / 1000;
  await pool.close();
  if (failed > 0) throw new Error(`${failed} requests failed against ${origin}`);
  return done / seconds;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** CPU seconds a process has used (user + system), from /proc on Linux; null elsewhere. */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export async function benchProxyThroughput(): Promise<{ bareRps: number; loopgateRps: number; ratio: number; bareCpuUs: number; loopgateCpuUs: number }> {
  // `node --import tsx` rather than the tsx launcher, so the pid measured is the server itself.
  const upstream = await launch(process.execPath, ['--import', 'tsx', 'tests/bench/upstream-server.ts']);
  const bare = await launch(process.execPath, ['--import', 'tsx', 'tests/bench/bare-proxy.ts', upstream.url]);
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-bench-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `model_list:\n  - model_name: bench\n    litellm_params:\n      model: openai/mock-gpt\n      api_base: ${upstream.url}/v1\ngeneral_settings:\n  master_key: sk-bench\n`);
  const loopgate = await launch(process.execPath, [CLI_PATH, 'serve', '--config', config, '--port', '0', '--data-dir', dir]);
  try {
    // Warm both (JIT, keep-alive connections) before measuring.
    await measure(bare.url, '/v1/chat/completions', {});
    await measure(loopgate.url, '/v1/chat/completions', { authorization: 'Bearer sk-bench' });
    const bareRuns: number[] = [];
    const loopgateRuns: number[] = [];
    const cpu = { bare: 0, loopgate: 0, bareRequests: 0, loopgateRequests: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      let before = cpuSeconds(bare.child.pid);
      const bareRps = await measure(bare.url, '/v1/chat/completions', {});
      cpu.bare += (cpuSeconds(bare.child.pid) ?? 0) - (before ?? 0);
      cpu.bareRequests += (bareRps * DURATION_MS) / 1000;
      bareRuns.push(bareRps);
      before = cpuSeconds(loopgate.child.pid);
      const loopgateRps = await measure(loopgate.url, '/v1/chat/completions', { authorization: 'Bearer sk-bench' });
      cpu.loopgate += (cpuSeconds(loopgate.child.pid) ?? 0) - (before ?? 0);
      cpu.loopgateRequests += (loopgateRps * DURATION_MS) / 1000;
      loopgateRuns.push(loopgateRps);
    }
    const bareRps = median(bareRuns);
    const loopgateRps = median(loopgateRuns);
    return {
      bareRps,
      loopgateRps,
      ratio: loopgateRps / bareRps,
      // CPU per request inside each proxy process: the overhead itself, apart from contention.
      bareCpuUs: (cpu.bare / cpu.bareRequests) * 1e6,
      loopgateCpuUs: (cpu.loopgate / cpu.loopgateRequests) * 1e6,
    };
  } finally {
    for (const child of [loopgate.child, bare.child, upstream.child]) child.kill('SIGTERM');
  }
}
