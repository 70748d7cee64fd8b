// The `loopgate` bin as a user runs it: built output, real process, real signals.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe, tempDir, writeConfig, type RunningCli } from '../helpers/cli.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let upstream: MockUpstream;

beforeAll(async () => {
  upstream = await startMockOpenAI({ apiKey: 'sk-from-env' });
});

afterAll(async () => {
  await upstream?.close();
});

function configFor(extra = ''): string {
  return `
model_list:
  - model_name: gpt-test
    litellm_params:
      model: openai/mock-gpt
      api_base: ${upstream.apiBase}
      api_key: os.environ/MOCK_UPSTREAM_KEY
  - model_name: slow-test
    litellm_params:
      model: openai/pause-stream
      api_base: ${upstream.apiBase}
      api_key: os.environ/MOCK_UPSTREAM_KEY
general_settings:
  master_key: sk-cli-master
${extra}`;
}

/** Stops a running server with `signal` (a clean exit) and returns the warnings it logged. */
async function warningsOnStop(cli: RunningCli, signal: NodeJS.Signals): Promise<string[]> {
  cli.signal(signal);
  expect(await cli.exit).toBe(0);
  return cli
    .stderr()
    .split('\n')
    .filter((line) => line.includes('"level":"warn"'));
}

describe('npx loopgate serve', () => {
  it('prints one listening line, serves the openai client, and stops on Ctrl-C', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, configFor());
    const cli = await startServe(['--config', config, '--port', '0', '--data-dir', dir], { MOCK_UPSTREAM_KEY: 'sk-from-env' }, true);
    const client = new OpenAI({ apiKey: 'sk-cli-master', baseURL: `${cli.url}/v1`, maxRetries: 0 });
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['gpt-test', 'slow-test']);
    const answer = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi there' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello from mock: hi there');
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let args = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(JSON.parse(args)).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(usage?.total_tokens).toBeGreaterThan(0);
    expect((await client.completions.create({ model: 'gpt-test', prompt: 'go' })).choices[0]?.text).toBe(' completed: go');
    expect((await client.embeddings.create({ model: 'gpt-test', input: 'x' })).data[0]?.embedding).toHaveLength(3);
    cli.signal('SIGINT');
    await cli.exit; // npm exec itself dies by the signal; the gateway's own exit code is checked below
    expect(cli.stderr()).toContain('SIGINT received');
    expect(cli.stdout()).toMatch(/^Loopgate listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  });

  it('finishes in-flight streams on SIGTERM, then exits 0', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, configFor());
    const cli = await startServe(['--config', config, '--port', '0', '--data-dir', dir], { MOCK_UPSTREAM_KEY: 'sk-from-env' });
    const client = new OpenAI({ apiKey: 'sk-cli-master', baseURL: `${cli.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'slow-test',
      messages: [{ role: 'user', content: 'finish me' }],
      stream: true,
    });
    await expect.poll(() => upstream.pausedStreams).toBe(1);
    // Twice at once, as npm passing on a Ctrl-C the terminal already sent: still one graceful stop.
    cli.signal('SIGTERM');
    cli.signal('SIGTERM');
    await expect.poll(() => cli.stderr()).toContain('SIGTERM received');
    // Draining: no new connections are accepted...
    await expect(fetch(`${cli.url}/health/liveliness`)).rejects.toThrow();
    // ...but the stream in flight completes in full.
    upstream.releaseStreams();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from mock: finish me');
    expect(await cli.exit).toBe(0);
  });

  it('exits within 2 s of SIGTERM with a never-used connection open, and the data dir opens again at once', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, configFor());
    const args = ['--config', config, '--port', '0', '--data-dir', dir];
    const cli = await startServe(args, { MOCK_UPSTREAM_KEY: 'sk-from-env' });
    // A browser's preconnect: connected, and never a byte.
    const target = new URL(cli.url);
    const silent = connect(Number(target.port), target.hostname);
    silent.on('error', () => undefined);
    const silentClosed = new Promise<void>((resolve) => silent.on('close', () => resolve()));
    try {
      await new Promise((resolve) => silent.once('connect', resolve));
      // Answered on a later connection: the server has accepted the silent one by now.
      expect((await fetch(`${cli.url}/health/liveliness`)).status).toBe(200);
      cli.signal('SIGTERM');
      const code = await Promise.race([cli.exit, new Promise((resolve) => setTimeout(() => resolve('still running after 2 s'), 2_000))]);
      expect(code).toBe(0);
      await silentClosed;
    } finally {
      silent.destroy();
      if (cli.child.exitCode === null) cli.signal('SIGKILL');
    }
    // The lock is gone: a new gateway on the same data dir starts at once (not "in use by another Loopgate").
    const again = await startServe(args, { MOCK_UPSTREAM_KEY: 'sk-from-env' });
    expect((await fetch(`${again.url}/health/liveliness`)).status).toBe(200);
    again.signal('SIGTERM');
    expect(await again.exit).toBe(0);
  });

  it('lists unsupported settings in one warning and still starts', async () => {
    const dir = tempDir();
    const config = writeConfig(
      dir,
      configFor(`router_settings:
  enable_pre_call_checks: true
litellm_settings:
  success_callback: ["langfuse"]
`),
    );
    const cli = await startServe(['--config', config, '--port', '0', '--data-dir', dir], { MOCK_UPSTREAM_KEY: 'sk-from-env' });
    const warnings = await warningsOnStop(cli, 'SIGINT');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('router_settings.enable_pre_call_checks');
    expect(warnings[0]).toContain('litellm_settings.success_callback');
  });

  it('generates and keeps a master key in the data dir when none is configured', async () => {
    const dir = tempDir();
    const cli = await startServe(['--port', '0'], { LOOPGATE_DATA_DIR: dir, LOOPGATE_MASTER_KEY: '' });
    const unauthorised = await fetch(`${cli.url}/v1/models`);
    expect(unauthorised.status).toBe(401);
    cli.signal('SIGTERM');
    expect(await cli.exit).toBe(0);
    expect(cli.stderr()).toContain(`${dir}/master-key`);
  });

  it('lets `loopgate keys` find a gateway started with --port 0 through its data dir', async () => {
    const dir = tempDir();
    const cli = await startServe(['--config', writeConfig(dir, configFor()), '--port', '0', '--data-dir', dir], { MOCK_UPSTREAM_KEY: 'sk-from-env' });
    try {
      // No --url (an empty LOOPGATE_URL counts as unset): the data dir names the port the gateway chose, not 7420.
      const created = await runCli(['keys', 'create', '--alias', 'found', '--data-dir', dir, '--master-key', 'sk-cli-master', '--json'], { LOOPGATE_URL: '' });
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      const { key } = JSON.parse(created.stdout) as { key: string };
      const client = new OpenAI({ apiKey: key, baseURL: `${cli.url}/v1`, maxRetries: 0 });
      const answer = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'found it' }] });
      expect(answer.choices[0]?.message.content).toBe('Hello from mock: found it');
      const listed = await runCli(['keys', 'list', '--data-dir', dir, '--master-key', 'sk-cli-master'], { LOOPGATE_URL: '' });
      expect(listed.stdout).toContain('found');
    } finally {
      cli.signal('SIGTERM');
      await cli.exit;
    }
  });
});

describe('a data dir naming a gateway that is gone', () => {
  it('`loopgate keys` does not send the master key to whatever listens at the address a crashed gateway left behind', async () => {
    const dir = tempDir();
    const seen: Array<string | undefined> = [];
    const stranger = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
    });
    await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(stranger.address() as AddressInfo).port}`;
      writeFileSync(join(dir, 'gateway.json'), JSON.stringify({ url, pid: 999_999, version: '0.0.0' }));
      await runCli(['keys', 'list', '--data-dir', dir, '--master-key', 'sk-cli-master'], { LOOPGATE_URL: '' });
      // It asked who answers there (no key), found no Loopgate, and sent the key nowhere near it.
      expect(seen.every((authorization) => authorization === undefined)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => stranger.close(() => resolve()));
    }
  });
});

describe('start-up failures', () => {
  /** `loopgate serve` on a config file holding `yaml`: it stops at once (exit 1); what it said. */
  async function failedServe(yaml: string): Promise<{ stdout: string; stderr: string }> {
    const dir = tempDir();
    const result = await runCli(['serve', '--config', writeConfig(dir, yaml), '--port', '0', '--data-dir', dir], { MOCK_UPSTREAM_KEY: 'x' });
    expect(result.code).toBe(1);
    return result;
  }

  it('stops on a typo in a value, naming its path', async () => {
    const result = await failedServe(configFor().replace('api_key: os.environ/MOCK_UPSTREAM_KEY\n  - model_name: slow-test', 'rpm: ten\n  - model_name: slow-test'));
    expect(result.stderr).toContain('model_list[0].litellm_params.rpm');
    expect(result.stderr).toContain('expected number');
    expect(result.stdout).toBe('');
  });

  it('stops on a model without a provider prefix, naming its path', async () => {
    const result = await failedServe(configFor().replace('model: openai/pause-stream', 'model: pause-stream'));
    expect(result.stderr).toContain('model_list[1].litellm_params.model');
    expect(result.stderr).toContain('<provider>/<model>');
  });

  it('starts without a referenced environment variable, warning with its name, and refuses only what needs it', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, configFor());
    const cli = await startServe(['--config', config, '--port', '0', '--data-dir', dir], { MOCK_UPSTREAM_KEY: '' });
    const response = await fetch(`${cli.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-cli-master', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const body = (await response.json()) as { error: { message: string } };
    const warnings = await warningsOnStop(cli, 'SIGTERM');
    expect(response.status).toBe(401);
    // Retrying cannot help until the config changes: without this Claude Code retried the 401 for three minutes before saying why.
    expect(response.headers.get('x-should-retry')).toBe('false');
    expect(body.error.message).toContain('MOCK_UPSTREAM_KEY is not set');
    expect(warnings.find((line) => line.includes('model_list[0] (gpt-test, deployment gpt-test#0)'))).toContain('MOCK_UPSTREAM_KEY');
  });

  it('rejects a bad port with usage help', async () => {
    const result = await runCli(['serve', '--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port expects a number');
  });
});
