// Log retention set in the app: the config file's period until the app saves its own, checked
// input, versioned saves, applied at once (rows past it are gone from the Logs view and the disk).
import { describe, expect, it } from 'vitest';
import { openaiModel } from '../helpers/gateway.js';
import { useGateway } from '../helpers/file-setup.js';
import { startMockOpenAI } from '../helpers/mock-openai.js';
import { logRow } from '../helpers/store.js';
import { callUi, signIn, uiValue } from '../helpers/ui-events.js';

const DAY = 86_400_000;
const setup = useGateway({ upstream: () => startMockOpenAI() }, ({ upstream }) => `model_list:${openaiModel('gpt-4o', 'gpt-4o', upstream.apiBase)}\ngeneral_settings:\n  maximum_spend_logs_retention_period: 2d\n`);

describe('log retention in the app', () => {
  it('starts from the config file, refuses bad values, saves with versions and applies at once', async () => {
    const cookie = await signIn(setup.gw.url);
    const call = <M extends Parameters<typeof uiValue>[2]>(method: M, request: Parameters<typeof uiValue<M>>[3]) => uiValue(setup.gw.url, cookie, method, request);
    expect(await call('logs.retention', {})).toMatchObject({ days: 2, maxMegabytes: 1024, version: 0, source: 'config file' });

    const answer = await setup.gw.client().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices.length).toBe(1);
    // A request from five days ago, written before the app changed anything.
    await setup.gw.store.requestLog.append([logRow({ id: 'five-days-old', time: Date.now() - 5 * DAY })]);
    const listed = async () => (await call('logs.list', { limit: 100 })).map((row) => row.id);
    await expect.poll(listed).toHaveLength(1);
    expect(await listed()).not.toContain('five-days-old');

    const refused = await callUi(setup.gw.url, cookie, 'logs.setRetention', { days: 0, maxMegabytes: 100, version: 0 });
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('days') } });
    const tooSmall = await callUi(setup.gw.url, cookie, 'logs.setRetention', { days: 10, maxMegabytes: 5, version: 0 });
    expect(tooSmall.body).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('maxMegabytes') } });

    const saved = await call('logs.setRetention', { days: 10, maxMegabytes: 100, version: 0 });
    expect(saved).toMatchObject({ days: 10, maxMegabytes: 100, version: 1, source: 'app' });
    expect(await listed()).toContain('five-days-old');
    const stale = await callUi(setup.gw.url, cookie, 'logs.setRetention', { days: 3, maxMegabytes: 100, version: 0 });
    expect(stale.body).toMatchObject({ ok: false, error: { code: 'conflict', current: { days: 10, version: 1 } } });

    await call('logs.setRetention', { days: 1, maxMegabytes: 100, version: 1 });
    expect(await setup.gw.store.requestLog.get('five-days-old')).toBeNull();
    expect(await listed()).toHaveLength(1);
    // The filters still name the model and the master key (from the daily totals).
    expect(await call('logs.facets', {})).toMatchObject({ models: ['gpt-4o'], keys: [{ keyId: '', label: 'master key' }] });
  });
});
