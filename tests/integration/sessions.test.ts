// Attribution: each request's client session (Claude Code's X-Claude-Code-Session-Id, Codex's
// session-id) and project (x-loopgate-project) reach the request log, the Logs filters,
// LiteLLM's /spend/logs and usage.sessions, on both stores; the sessions' totals add up to the key's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../electron/store/index.js';
import { freshStore } from '../helpers/store.js';
import { openTestPgStore } from '../helpers/stores.js';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let upstream: MockUpstream;

beforeAll(async () => {
  upstream = await startMockOpenAI();
});

afterAll(async () => {
  await upstream?.close();
});

const STORES: ReadonlyArray<{ name: string; open: () => Promise<Store> }> = [
  { name: 'sql.js', open: async () => (await freshStore()).store },
  { name: 'PostgreSQL', open: async () => (await openTestPgStore()).store },
];

const SESSION_A = '6f1c2d3e-0000-4000-8000-00000000000a';
const SESSION_B = '6f1c2d3e-0000-4000-8000-00000000000b';
const CODEX_SESSION = '01a24f98-02ae-7c73-b522-6ef5f619ef6b';

describe.each(STORES)('sessions and projects ($name)', ({ open }) => {
  let gw: TestGateway;
  let store: Store;
  let key: string;
  let keyId: string;

  beforeAll(async () => {
    store = await open();
    gw = await startTestGateway(`model_list:${openaiModel('priced', 'gpt-4o', upstream.apiBase, '\n      input_cost_per_token: 0.001\n      output_cost_per_token: 0.002')}\n`, { store });
    const created = await gw.manage('POST', '/key/generate', { key_alias: 'agents' });
    key = created.body.key;
    keyId = created.body.token;
    const send = (headers: Record<string, string>, content: string) =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model: 'priced', messages: [{ role: 'user', content }] }),
      }).then((response) => response.text());
    await Promise.all([
      ...[1, 2, 3].map((n) => send({ 'x-claude-code-session-id': SESSION_A, 'x-loopgate-project': 'alpha', 'user-agent': 'claude-cli/2.0.1 (external, cli)' }, `a${n}`)),
      ...[1, 2].map((n) => send({ 'x-claude-code-session-id': SESSION_B, 'x-loopgate-project': 'alpha', 'user-agent': 'claude-cli/2.0.1 (external, cli)' }, `b${n} longer prompt`)),
      send({ 'session-id': CODEX_SESSION, 'x-loopgate-project': 'beta', 'user-agent': 'codex_exec/0.171.0 (Debian 12.0.0; x86_64)' }, 'codex'),
      send({}, 'no session at all'),
    ]);
    // Rows are counted as each answer closes; a little after the client has read it.
    for (let tries = 0; tries < 100 && (await gw.app.api['logs.list']({ limit: 100 })).length < 7; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
  });

  afterAll(async () => {
    await gw?.close();
    await store?.close();
  });

  it('records them on each row and filters the log by session and by project', async () => {
    const api = gw.app.api;
    const a = await api['logs.list']({ session: SESSION_A, limit: 100 });
    expect(a).toHaveLength(3);
    expect(a.every((row) => row.session === SESSION_A && row.project === 'alpha' && row.keyId === keyId)).toBe(true);
    expect(await api['logs.list']({ project: 'alpha', limit: 100 })).toHaveLength(5);
    expect(await api['logs.list']({ session: CODEX_SESSION, limit: 100 })).toMatchObject([{ project: 'beta' }]);
    expect((await api['logs.list']({ limit: 100 })).filter((row) => row.session === null && row.project === null)).toHaveLength(1);
  });

  it('lists sessions and projects newest first with cost, tokens, requests, times and tool; their totals add up to the key', async () => {
    const api = gw.app.api;
    const rows = await api['logs.list']({ limit: 100 });
    const costOf = (session: string | null) => rows.filter((row) => row.session === session).reduce((sum, row) => sum + row.cost, 0);
    const sessions = await api['usage.sessions']({ by: 'session', days: 1 });
    expect(sessions.rows.map((row) => row.name).sort()).toEqual([CODEX_SESSION, SESSION_A, SESSION_B].sort());
    expect(sessions.rows.map((row) => row.last)).toEqual([...sessions.rows.map((row) => row.last)].sort((x, y) => y - x));
    const a = sessions.rows.find((row) => row.name === SESSION_A)!;
    expect(a).toMatchObject({ requests: 3, clients: ['Claude Code'], project: 'alpha', keyId, keyLabel: 'agents' });
    expect(a.cost).toBeCloseTo(costOf(SESSION_A), 10);
    expect(a.totalTokens).toBe(rows.filter((row) => row.session === SESSION_A).reduce((sum, row) => sum + row.promptTokens + row.completionTokens, 0));
    expect(a.first).toBeLessThanOrEqual(a.last);
    expect(sessions.rows.find((row) => row.name === CODEX_SESSION)).toMatchObject({ requests: 1, clients: ['Codex CLI'], project: 'beta' });
    expect(sessions.total).toMatchObject({ count: 3, requests: 6 });
    // The key's spend is every session's plus the one request that named none.
    const info = await gw.manage('GET', `/key/info?key=${keyId}`);
    expect(sessions.total.cost + costOf(null)).toBeCloseTo(info.body.info.spend, 10);
    expect(sessions.total.cost).toBeGreaterThan(0);
    const projects = await api['usage.sessions']({ by: 'project', days: 1 });
    expect(projects.rows.map((row) => [row.name, row.requests])).toEqual(
      expect.arrayContaining([
        ['alpha', 5],
        ['beta', 1],
      ]),
    );
    expect(projects.total.count).toBe(2);
  });

  it("says them in LiteLLM's /spend/logs (session_id, metadata.project) and filters by session_id", async () => {
    const { status, body } = await gw.manage('GET', `/spend/logs?session_id=${SESSION_B}`);
    expect(status).toBe(200);
    expect(body).toHaveLength(2);
    expect(body[0]).toMatchObject({ session_id: SESSION_B, metadata: { project: 'alpha' }, api_key: keyId });
  });
});
