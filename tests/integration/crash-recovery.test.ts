// Durability as a user meets it: a real `loopgate serve` process is killed with SIGKILL right
// after it acknowledged a change, restarted on the same data dir, and the change is there.
import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe, tempDir, writeConfig, type RunningCli } from '../helpers/cli.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let upstream: MockUpstream;

beforeAll(async () => {
  upstream = await startMockOpenAI();
});

afterAll(async () => {
  await upstream?.close();
});

function serveArgs(dir: string): string[] {
  const config = writeConfig(
    dir,
    `model_list:
  - model_name: gpt-test
    litellm_params:
      model: openai/mock-gpt
      api_base: ${upstream.apiBase}
`,
  );
  return ['--config', config, '--port', '0', '--data-dir', dir];
}

async function killHard(cli: RunningCli): Promise<void> {
  cli.signal('SIGKILL');
  await cli.exit;
}

async function keysCli(cli: RunningCli, dir: string, args: string[]) {
  const result = await runCli(['keys', ...args, '--url', cli.url, '--data-dir', dir, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

function chat(url: string, key: string) {
  return new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0 }).chat.completions.create({
    model: 'gpt-test',
    messages: [{ role: 'user', content: 'still there?' }],
  });
}

/** What the mock upstream answers to `chat`: the key was accepted and the request went through. */
const ANSWERED = { id: 'chatcmpl-mock', choices: [{ message: { role: 'assistant', content: 'Hello from mock: still there?' } }] };

describe('kill -9 right after an acknowledged change', () => {
  it('keeps a created key, then a revocation, across hard kills', async () => {
    const dir = tempDir();
    let cli = await startServe(serveArgs(dir));
    const created = await keysCli(cli, dir, ['create', '--alias', 'survivor', '--rpm', '60']);
    await killHard(cli);

    cli = await startServe(serveArgs(dir));
    await expect(chat(cli.url, String(created.key))).resolves.toMatchObject(ANSWERED);
    const listed = await keysCli(cli, dir, ['list']);
    expect((listed.keys as Array<Record<string, unknown>>).map((k) => k.key_alias)).toEqual(['survivor']);
    await keysCli(cli, dir, ['revoke', String(created.token)]);
    await killHard(cli);

    cli = await startServe(serveArgs(dir));
    await expect(chat(cli.url, String(created.key))).rejects.toMatchObject({ status: 401 });
    cli.signal('SIGTERM');
    expect(await cli.exit).toBe(0);
  });

  it('starts cleanly after a torn last journal record, logging it', async () => {
    const dir = tempDir();
    let cli = await startServe(serveArgs(dir));
    const created = await keysCli(cli, dir, ['create', '--alias', 'before-tear']);
    await killHard(cli);
    const journal = (await readdir(dir))
      .filter((name) => name.startsWith('journal-'))
      .sort()
      .at(-1)!;
    await appendFile(join(dir, journal), '0badc0de\t{"seq":99,"ops":[["INSERT INTO virt');

    cli = await startServe(serveArgs(dir));
    await expect.poll(() => cli.stderr()).toContain('Ignored a torn journal record');
    await expect(chat(cli.url, String(created.key))).resolves.toMatchObject(ANSWERED);
    cli.signal('SIGTERM');
    expect(await cli.exit).toBe(0);
  });

  it('refuses a second gateway on the same data dir, naming the holder pid', async () => {
    const dir = tempDir();
    const cli = await startServe(serveArgs(dir));
    const second = await runCli(['serve', ...serveArgs(dir)]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`in use by another Loopgate process \\(pid ${cli.child.pid}\\)`));
    cli.signal('SIGTERM');
    expect(await cli.exit).toBe(0);
  });
});
