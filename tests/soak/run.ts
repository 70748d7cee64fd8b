// A bounded soak, loopback only, that stops itself: `npx tsx tests/soak/run.ts` (about three
// minutes; SOAK_SECONDS to change). Not part of `npm test`.
//
// A real `loopgate serve` (plain Node, its own process) in front of a mock upstream that speaks
// every provider family. Workers send mixed streamed and plain traffic on every dialect to every
// family; others abort streams half-way, edit keys, and the upstream fails for a few seconds
// now and then. Half-way the gateway is killed with SIGKILL and restarted on the same data dir.
// It passes when: memory after the traffic is within 15% of its level after warm-up (measured
// after the restart), no error happened that the soak did not provoke, and the spend and tokens
// recorded for the traffic key equal the usage the mock reported.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../bench/processes.js';
import { startTolerantUpstream, type TolerantUpstream } from '../helpers/mock-tolerant.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOTAL_S = Number(process.env.SOAK_SECONDS ?? 180);
const WARM_UP_S = Math.min(20, TOTAL_S / 9);
const KILL_AT_S = TOTAL_S * 0.4;
const WORKERS = 6;
/**
 * Each traffic worker's pause between requests: about 100 requests a second in all, a busy
 * laptop. Unpaced (SOAK_THINK_MS=0) the gateway takes ~800 a second, and the request log's rows,
 * which live in the in-memory database by design, grow memory by ~0.75 KiB per request.
 */
const THINK_MS = Number(process.env.SOAK_THINK_MS ?? 40);
const MASTER = 'sk-soak-master';
const PRICE = { input: 0.000001, output: 0.000002 };
const FAMILIES = ['m-openai', 'm-azure', 'm-anthropic', 'm-gemini', 'm-bedrock'] as const;
const ABORT_GROUP = 'm-abort';

interface Stats {
  sent: number;
  ok: number;
  streamed: number;
  aborted: number;
  provoked: number;
  unprovoked: string[];
}

function log(message: string): void {
  process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function configYaml(upstream: string): string {
  const price = `, input_cost_per_token: ${PRICE.input}, output_cost_per_token: ${PRICE.output}`;
  return `model_list:
  - model_name: m-openai
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream}/v1, api_key: sk-up${price} }
  - model_name: m-azure
    litellm_params: { model: azure/soak-deployment, api_base: ${upstream}, api_key: sk-up, api_version: 2024-10-21${price} }
  - model_name: m-anthropic
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: ${upstream}, api_key: sk-up${price} }
  - model_name: m-gemini
    litellm_params: { model: gemini/gemini-2.5-flash, api_base: ${upstream}/v1beta, api_key: sk-up${price} }
  - model_name: m-bedrock
    litellm_params: { model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0, api_base: ${upstream}, aws_access_key_id: AKIDSOAK, aws_secret_access_key: soak, aws_region_name: us-east-1${price} }
  - model_name: ${ABORT_GROUP}
    litellm_params: { model: openai/abort-model, api_base: ${upstream}/v1, api_key: sk-up${price} }
router_settings:
  num_retries: 0
  allowed_fails: 1000000
general_settings:
  master_key: ${MASTER}
`;
}

class GatewayProcess {
  child: ChildProcess | null = null;
  errorLines: string[] = [];

  constructor(
    private readonly configFile: string,
    private readonly dataDir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'electron/cli.ts'), 'serve', '--config', this.configFile, '--data-dir', this.dataDir, '--port', String(this.port)], {
      cwd: ROOT,
      env: { ...process.env, LOOPGATE_DATA_DIR: this.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let pending = '';
    child.stderr.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (/"level":"error"/.test(line)) this.errorLines.push(line.slice(0, 500));
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the gateway did not start within 30 s')), 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Loopgate listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`the gateway exited with ${code} during start-up`)));
    });
  }

  rssMiB(): number {
    const kib = Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(this.child!.pid)])
        .toString()
        .trim(),
    );
    return kib / 1024;
  }

  kill9(): Promise<void> {
    const child = this.child!;
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  stop(): Promise<number | null> {
    const child = this.child!;
    return new Promise((resolve) => {
      // A graceful stop waits for in-flight requests; with no traffic left it should be quick.
      const look = setTimeout(() => log('still stopping after 3 s, with no traffic left'), 3_000);
      child.once('exit', (code) => {
        clearTimeout(look);
        resolve(code);
      });
      child.kill('SIGTERM');
    });
  }
}

// --- traffic ---------------------------------------------------------------------------------

type Dialect = 'chat' | 'completions' | 'embeddings' | 'messages' | 'count_tokens' | 'responses';

function requestFor(dialect: Dialect, model: string, stream: boolean, n: number): { path: string; body: unknown } {
  const text = `soak request ${n}`;
  switch (dialect) {
    case 'chat':
      return { path: '/v1/chat/completions', body: { model, stream, ...(stream ? { stream_options: { include_usage: true } } : {}), messages: [{ role: 'user', content: text }] } };
    case 'completions':
      return { path: '/v1/completions', body: { model, stream, ...(stream ? { stream_options: { include_usage: true } } : {}), prompt: text } };
    case 'embeddings':
      return { path: '/v1/embeddings', body: { model, input: text } };
    case 'messages':
      return { path: '/v1/messages', body: { model, stream, max_tokens: 50, messages: [{ role: 'user', content: text }] } };
    case 'count_tokens':
      return { path: '/v1/messages/count_tokens', body: { model, messages: [{ role: 'user', content: text }] } };
    case 'responses':
      return { path: '/v1/responses', body: { model, stream, input: text } };
  }
}

/** Embeddings and legacy completions exist only on OpenAI-shaped upstreams. */
function pick(n: number): { dialect: Dialect; model: string; stream: boolean } {
  const dialects: Dialect[] = ['chat', 'messages', 'responses', 'count_tokens', 'completions', 'embeddings'];
  const dialect = dialects[n % dialects.length]!;
  const openaiOnly = dialect === 'completions' || dialect === 'embeddings';
  const families = openaiOnly ? FAMILIES.slice(0, 2) : FAMILIES;
  const model = families[Math.floor(n / dialects.length) % families.length]!;
  const stream = dialect !== 'embeddings' && dialect !== 'count_tokens' && (n >> 1) % 2 === 0;
  return { dialect, model, stream };
}

/** Windows of injected upstream failure (and the router's reaction to them), as [from, to] ms. */
const failureWindows: Array<[number, number]> = [];
const provoked = (from: number, to: number): boolean => failureWindows.some(([start, end]) => from <= end + 1_000 && to >= start);

async function trafficWorker(gateway: () => GatewayProcess, key: string, stats: Stats, running: () => boolean, id: number): Promise<void> {
  let n = id * 1000;
  while (running()) {
    const { dialect, model, stream } = pick(n++);
    const { path, body } = requestFor(dialect, model, stream, n);
    const from = Date.now();
    stats.sent++;
    try {
      const response = await fetch(`${gateway().url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      const complete = !stream || /\[DONE\]|message_stop|response\.completed/.test(text);
      // A stream that failed after it started still says 200; its error event says otherwise.
      if (response.ok && complete && !/"error":\s*\{|"type":\s*"error"|event: error/.test(text)) {
        stats.ok++;
        if (stream) stats.streamed++;
      } else if (provoked(from, Date.now())) stats.provoked++;
      else stats.unprovoked.push(`${dialect} ${model} stream=${stream}: ${response.status} ${text.slice(0, 300)}`);
    } catch (error) {
      if (provoked(from, Date.now())) stats.provoked++;
      else stats.unprovoked.push(`${dialect} ${model} stream=${stream}: ${String(error)}`);
    }
    if (THINK_MS > 0) await sleep(THINK_MS);
  }
}

async function abortWorker(gateway: () => GatewayProcess, key: string, stats: Stats, running: () => boolean): Promise<void> {
  while (running()) {
    const controller = new AbortController();
    try {
      const response = await fetch(`${gateway().url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: ABORT_GROUP, stream: true, messages: [{ role: 'user', content: 'abort me' }] }),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      stats.aborted++;
    } catch (error) {
      if ((error as Error).name !== 'AbortError') stats.unprovoked.push(`abort worker: ${String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function manage(gateway: GatewayProcess, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function keyEditor(gateway: () => GatewayProcess, trafficKey: string, stats: Stats, running: () => boolean): Promise<number> {
  let edits = 0;
  while (running()) {
    try {
      const gw = gateway();
      const expect = (what: string, answer: { status: number; body: unknown }): void => {
        if (answer.status !== 200) stats.unprovoked.push(`key edit ${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
      };
      expect('update', await manage(gw, 'POST', '/key/update', { key: trafficKey, key_alias: `traffic-${edits}`, metadata: { edit: edits } }));
      const made = await manage(gw, 'POST', '/key/generate', { key_alias: `churn-${edits}`, models: ['m-openai'], max_budget: 10 });
      expect('generate', made);
      expect('block', await manage(gw, 'POST', '/key/block', { key: made.body.key }));
      expect('unblock', await manage(gw, 'POST', '/key/unblock', { key: made.body.key }));
      expect('delete', await manage(gw, 'POST', '/key/delete', { keys: [made.body.key] }));
      expect('list', await manage(gw, 'GET', '/key/list?return_full_object=true'));
      edits++;
    } catch (error) {
      stats.unprovoked.push(`key editor: ${String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return edits;
}

// --- the run ---------------------------------------------------------------------------------

async function main(): Promise<void> {
  const upstream: TolerantUpstream = await startTolerantUpstream({ chunkDelayMs: 3 });
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-soak-'));
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, configYaml(upstream.url));
  let gateway = new GatewayProcess(configFile, join(dir, 'data'), await freePort());
  await gateway.start();
  log(`gateway on ${gateway.url}, upstream on ${upstream.url}, ${TOTAL_S} s`);

  const trafficKey = String((await manage(gateway, 'POST', '/key/generate', { key_alias: 'traffic' })).body.key);
  const abortKey = String((await manage(gateway, 'POST', '/key/generate', { key_alias: 'aborts' })).body.key);
  const stats: Stats = { sent: 0, ok: 0, streamed: 0, aborted: 0, provoked: 0, unprovoked: [] };
  const started = Date.now();
  const elapsed = (): number => (Date.now() - started) / 1000;
  let paused = false;
  let done = false;
  const running = (): boolean => !done && !paused;
  const current = (): GatewayProcess => gateway;

  // Each group of workers restarts after a pause (the kill); run() resolves when all have stopped.
  const run = (): Promise<unknown> =>
    Promise.all([...Array.from({ length: WORKERS }, (_, i) => trafficWorker(current, trafficKey, stats, running, i)), abortWorker(current, abortKey, stats, running), keyEditor(current, trafficKey, stats, running)]);

  // Upstream failures: three seconds every 25 s.
  const failures = setInterval(() => {
    const from = Date.now();
    upstream.setFailing(503);
    setTimeout(() => {
      upstream.setFailing(null);
      failureWindows.push([from, Date.now()]);
    }, 3_000);
    failureWindows.push([from, from + 3_000]);
  }, 25_000);

  let workers = run();
  await sleep(KILL_AT_S * 1000);
  // Quiesce, let the batched usage reach the journal (flushed every second), then kill -9.
  paused = true;
  await workers;
  await sleep(2_500);
  const rssBeforeKill = gateway.rssMiB();
  await gateway.kill9();
  log(`killed -9 at ${elapsed().toFixed(0)} s (rss ${rssBeforeKill.toFixed(0)} MiB); restarting on the same data dir`);
  gateway = new GatewayProcess(configFile, join(dir, 'data'), gateway.port);
  const restartedAt = Date.now();
  await gateway.start();
  log(`restarted in ${Date.now() - restartedAt} ms`);
  paused = false;
  workers = run();

  await sleep(WARM_UP_S * 1000);
  const warm = gateway.rssMiB();
  log(`post-warm-up rss ${warm.toFixed(1)} MiB`);
  const samples: number[] = [];
  while (elapsed() < TOTAL_S - 5) {
    await sleep(5_000);
    samples.push(gateway.rssMiB());
    log(
      `t=${elapsed().toFixed(0)} s rss ${samples.at(-1)!.toFixed(1)} MiB sent ${stats.sent} ok ${stats.ok} streamed ${stats.streamed} aborted ${stats.aborted} provoked ${stats.provoked} unprovoked ${stats.unprovoked.length}`,
    );
  }
  clearInterval(failures);
  upstream.setFailing(null);
  done = true;
  await workers;
  log(`traffic stopped at ${elapsed().toFixed(0)} s`);
  await sleep(5_000);
  const final = gateway.rssMiB();

  // What the key recorded against what the mock reported for that key's traffic (every model but the abort group's).
  const info = (await manage(gateway, 'GET', `/key/info?key=${trafficKey}`)).body.info as { usage: { total_tokens: number; total_cost: number; total_requests: number } };
  let prompt = 0;
  let completion = 0;
  for (const [model, tally] of upstream.reportedByModel) {
    if (model === 'abort-model') continue;
    prompt += tally.prompt;
    completion += tally.completion;
  }
  const expectedSpend = prompt * PRICE.input + completion * PRICE.output;
  const stoppingAt = Date.now();
  const stopCode = await gateway.stop();
  log(`graceful stop took ${Date.now() - stoppingAt} ms`);
  await upstream.close();

  const growth = (final - warm) / warm;
  const spendOk = Math.abs(info.usage.total_cost - expectedSpend) <= 1e-9 * Math.max(1, expectedSpend) + 1e-12;
  const tokensOk = info.usage.total_tokens === prompt + completion;
  const memoryOk = growth <= 0.15;
  const errorsOk = stats.unprovoked.length === 0 && gateway.errorLines.length === 0;
  log('--- results ---');
  log(`requests sent ${stats.sent}, answered ${stats.ok} (streamed ${stats.streamed}), aborted streams ${stats.aborted}, failures during injected upstream errors ${stats.provoked} (mock injected ${upstream.injected})`);
  log(`memory: post-warm-up ${warm.toFixed(1)} MiB, end ${final.toFixed(1)} MiB (${(growth * 100).toFixed(1)}%; max during run ${Math.max(...samples).toFixed(1)} MiB) → ${memoryOk ? 'ok' : 'FAIL'}`);
  log(
    `usage: mock reported ${prompt} prompt + ${completion} completion tokens (per-token prices → $${expectedSpend.toFixed(6)}); key recorded ${info.usage.total_tokens} tokens, $${info.usage.total_cost.toFixed(6)} → ${tokensOk && spendOk ? 'ok' : 'FAIL'}`,
  );
  log(`errors: ${stats.unprovoked.length} unprovoked client-side, ${gateway.errorLines.length} error lines in the gateway log → ${errorsOk ? 'ok' : 'FAIL'}`);
  for (const line of [...stats.unprovoked, ...gateway.errorLines].slice(0, 10)) log(`  ${line}`);
  log(`gateway stopped with exit code ${stopCode}`);
  const passed = memoryOk && tokensOk && spendOk && errorsOk && stopCode === 0;
  log(passed ? 'SOAK PASSED' : 'SOAK FAILED');
  process.exit(passed ? 0 : 1);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Never outlive the bound, whatever happens.
setTimeout(
  () => {
    log('SOAK FAILED: still running past its bound');
    process.exit(2);
  },
  (TOTAL_S + 90) * 1000,
).unref();

void main().catch((error: unknown) => {
  log(`SOAK FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
