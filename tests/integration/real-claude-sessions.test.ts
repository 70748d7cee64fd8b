// Two real Claude Code sessions at once through Loopgate, offline against the mock Anthropic
// upstream with throw-away HOMEs: Claude Code sends its X-Claude-Code-Session-Id on every
// request, and the app lists two sessions whose totals add up to the key's.
import { describe, expect, it } from 'vitest';
import { anthropicModel } from '../helpers/gateway.js';
import { useGateway } from '../helpers/file-setup.js';
import { startMockAnthropic } from '../helpers/mock-anthropic.js';
import { claudePrint, type Ran } from '../helpers/real-tools.js';

const setup = useGateway(
  { upstream: () => startMockAnthropic() },
  ({ upstream }) => `model_list:${anthropicModel('claude-native', 'claude-sonnet-4-5', upstream.url)}
    model_info:
      input_cost_per_token: 0.000003
      output_cost_per_token: 0.000015
`,
  { keyAlias: 'claude-code' },
);

/** `claude -p` in a HOME of its own, started in it; bounded at 60 s. */
const claudeCode = (prompt: string): Promise<Ran> => claudePrint(setup.gw.url, setup.key, 'claude-native', prompt);

describe('two Claude Code sessions at once', () => {
  it('appear as two sessions, each with its own requests, whose totals add up to the key', async () => {
    const [first, second] = await Promise.all([claudeCode('say hi'), claudeCode('say hello there, second session')]);
    for (const run of [first, second]) expect(run.code, run.stderr).toBe(0);
    // Claude Code's own session ids (its transcript ids), as it printed them.
    const printed = [first, second].map((run) => (JSON.parse(run.stdout) as { session_id: string }).session_id);
    expect(new Set(printed).size).toBe(2);

    const api = setup.gw.app.api;
    const keyId = setup.token;
    const info = async () => (await setup.gw.manage('GET', `/key/info?key=${keyId}`)).body.info;
    await expect.poll(async () => (await api['logs.list']({ keyId, limit: 1000 })).length).toBe((await info()).usage.total_requests);
    const sessions = await api['usage.sessions']({ by: 'session', days: 1 });
    expect(sessions.rows.map((row) => row.name).sort()).toEqual([...printed].sort());
    for (const row of sessions.rows) expect(row).toMatchObject({ clients: ['Claude Code'], keyId, keyLabel: 'claude-code' });
    // Every request of the key belongs to one of the two: their totals are the key's.
    const key = await info();
    expect(sessions.total.requests).toBe(key.usage.total_requests);
    expect(sessions.total.totalTokens).toBe(key.usage.total_tokens);
    expect(sessions.total.cost).toBeGreaterThan(0);
    expect(sessions.total.cost).toBeCloseTo(key.spend, 12);
    // And a session opens its own requests in the log.
    for (const row of sessions.rows) expect((await api['logs.list']({ session: row.name, limit: 1000 })).length).toBe(row.requests);
  }, 120_000);
});
