// One request must never take Loopgate down: the requests that stopped the whole process
// (client text put into a response header), sent to the built `loopgate serve` as a user runs
// it. Each is answered, and the same process keeps answering afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, tempDir, writeConfig, type RunningCli } from '../helpers/cli.js';
import { startTolerantUpstream, type TolerantUpstream } from '../helpers/mock-tolerant.js';

const MASTER = 'sk-faults-master';
let upstream: TolerantUpstream;
let cli: RunningCli;
let key = '';

beforeAll(async () => {
  upstream = await startTolerantUpstream();
  const dir = tempDir();
  const config = writeConfig(
    dir,
    `model_list:
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: sk-up }
  - model_name: other
    litellm_params: { model: openai/other, api_base: ${upstream.url}/v1, api_key: sk-up }
general_settings:
  master_key: ${MASTER}
`,
  );
  cli = await startServe(['--config', config, '--port', '0', '--data-dir', dir]);
  const generated = await post('/key/generate', { models: ['gpt-4o-mini'] }, MASTER);
  key = (JSON.parse(generated.text) as { key: string }).key;
}, 30_000);

afterAll(async () => {
  cli?.signal('SIGTERM');
  await cli?.exit;
  await upstream?.close();
});

async function post(path: string, body: unknown, bearer = key): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${cli.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'x-goog-api-key': bearer, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function stillServing(): Promise<void> {
  const answer = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] });
  expect(answer.status, answer.text).toBe(200);
}

describe('a hosted tool whose name no header can carry', () => {
  it('/v1/responses with a tool named in Chinese: answered, and the process keeps serving', async () => {
    const answer = await post('/v1/responses', { model: 'gpt-4o-mini', input: 'hi', tools: [{ type: 'file_search', name: '網頁搜索' }] });
    expect(answer.status, answer.text).toBe(200);
    // Said, encoded: a client can still read which tools were left out.
    expect(decodeURIComponent(answer.headers.get('x-loopgate-omitted-tools') ?? '')).toBe('網頁搜索');
    await stillServing();
  });

  it('/v1/messages with a server tool whose name carries CR LF and a Set-Cookie: no header is injected', async () => {
    const answer = await post('/v1/messages', {
      model: 'gpt-4o-mini',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'code_execution_20250522', name: 'x\r\nSet-Cookie: session=stolen' }],
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('set-cookie')).toBeNull();
    expect(answer.headers.get('x-loopgate-omitted-tools')).not.toMatch(/[\r\n]/);
    await stillServing();
  });

  it('Gemini generateContent with a tool kind holding a newline', async () => {
    const answer = await post('/v1beta/models/gpt-4o-mini:generateContent', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], tools: [{ 'google\nSearch': {} }] });
    expect(answer.status, answer.text).toBe(200);
    await stillServing();
  });

  it('the process is still the one that started, and logged no crash', async () => {
    expect(cli.child.exitCode).toBeNull();
    const health = await fetch(`${cli.url}/health/liveliness`);
    expect(health.status).toBe(200);
    expect(cli.stderr()).not.toContain('ERR_INVALID_CHAR');
  });
});
