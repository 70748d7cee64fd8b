// Two gateways on one PostgreSQL (general_settings.database_url), no Redis: a key made through
// one's management API serves on the other, and two edits of the same key naming the same
// version give one success and one conflict.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatStatus, openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { createTestDatabase } from '../helpers/services/postgres.js';

let upstream: MockUpstream;
let a: TestGateway;
let b: TestGateway;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  const databaseUrl = await createTestDatabase();
  const yaml = `model_list:${openaiModel('gpt-test', 'mock-gpt', upstream.apiBase)}
general_settings:
  database_url: ${databaseUrl}
`;
  // Both instances seal provider secrets with the same data key, as a server's would.
  const env = { LOOPGATE_DATA_KEY: randomBytes(32).toString('base64') };
  a = await startTestGateway(yaml, { env });
  b = await startTestGateway(yaml, { env });
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await upstream?.close();
});

/** Calls `attempt` until it gives a value (notices between instances arrive asynchronously), at most 5 s. */
async function eventually<T>(attempt: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let i = 0; i < 100; i++) {
    const value = await attempt();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

describe('two gateways on one PostgreSQL store', () => {
  it('serves on B a key created through the management API of A, and refuses it on B once A revokes it', async () => {
    expect(a.store.kind).toBe('postgres');
    const created = await a.manage('POST', '/key/generate', { key_alias: 'team', models: ['gpt-test'] });
    expect(created.status).toBe(200);
    const key = created.body.key as string;
    expect(await eventually(async () => ((await chatStatus(b, 'gpt-test', key, 'say hi')) === 200 ? true : undefined))).toBe(true);
    const answer = await b.client(key).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'from B' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello from mock: from B');
    // B lists it too: one store.
    expect((await b.manage('GET', `/key/info?key=${key}`)).body.info).toMatchObject({ key_alias: 'team', version: 1 });

    expect((await a.manage('POST', '/key/block', { key })).status).toBe(200);
    expect(await eventually(async () => ((await chatStatus(b, 'gpt-test', key, 'say hi')) === 401 ? true : undefined))).toBe(true);
  });

  it('gives one success and one conflict (409, carrying the current key) to concurrent edits of one version from A and B', async () => {
    const created = (await a.manage('POST', '/key/generate', { key_alias: 'contested' })).body as { key: string; version: number };
    const [fromA, fromB] = await Promise.all([
      a.manage('POST', '/key/update', { key: created.key, version: created.version, key_alias: 'edited-on-a' }),
      b.manage('POST', '/key/update', { key: created.key, version: created.version, key_alias: 'edited-on-b' }),
    ]);
    expect([fromA.status, fromB.status].sort()).toEqual([200, 409]);
    const [won, lost] = fromA.status === 200 ? [fromA, fromB] : [fromB, fromA];
    expect(won.body).toMatchObject({ version: 2 });
    expect(JSON.stringify(lost.body)).toContain(won.body.key_alias as string);
    expect((await a.manage('GET', `/key/info?key=${created.key}`)).body.info).toMatchObject({ key_alias: won.body.key_alias, version: 2 });
  });
});
