import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../electron/store/index.js';
import { REQUEST_LOG_DIR } from '../../../electron/store/log-segments.js';
import { freshStore, leaveAsCrashed, logRow } from '../../helpers/store.js';
import { STORE_KINDS } from '../../helpers/stores.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 12);

/** 30 rows over three days, alternating keys, models and statuses. */
function rows() {
  return Array.from({ length: 30 }, (_, i) =>
    logRow({
      id: `r${String(i).padStart(2, '0')}`,
      time: T0 + Math.floor(i / 10) * DAY + (i % 10) * 1000,
      keyId: i % 3 === 0 ? null : `key_${i % 3}`,
      model: i % 2 ? 'claude' : 'gpt-4o',
      status: i % 5 === 0 ? 500 : 200,
    }),
  );
}

const ids = (list: Array<{ id: string }>) => list.map((row) => row.id);

/** Every row's id, read in pages of 7 through the cursor. */
async function pagedIds(log: Store['requestLog']): Promise<string[]> {
  const paged: string[] = [];
  let before: { time: number; id: string } | undefined;
  for (;;) {
    const page = await log.query({ limit: 7, before });
    if (page.length === 0) return paged;
    paged.push(...ids(page));
    before = { time: page.at(-1)!.time, id: page.at(-1)!.id };
  }
}

describe('request log in segment files', () => {
  it('answers newest first with the filters and pages of the Logs view, across days and a restart', async () => {
    const { store, dir } = await freshStore();
    await store.requestLog.append(rows().slice(0, 20));
    await store.requestLog.append(rows().slice(20));
    const all = ids(rows()).reverse();
    expect(ids(await store.requestLog.query({ limit: 100 }))).toEqual(all);
    await store.close();

    const reopened = (await freshStore(dir)).store;
    try {
      const log = reopened.requestLog;
      expect(ids(await log.query({ limit: 100 }))).toEqual(all);
      // Pages of 7 through the cursor give every row once, in order.
      expect(await pagedIds(log)).toEqual(all);
      expect(ids(await log.query({ keyId: '', limit: 100 }))).toEqual(all.filter((id) => Number(id.slice(1)) % 3 === 0));
      expect(ids(await log.query({ keyId: 'key_1', model: 'claude', limit: 100 }))).toEqual(['r25', 'r19', 'r13', 'r07', 'r01']);
      expect(ids(await log.query({ status: 'error', limit: 100 }))).toEqual(['r25', 'r20', 'r15', 'r10', 'r05', 'r00']);
      expect(ids(await log.query({ start: T0 + DAY, end: T0 + 2 * DAY, limit: 3 }))).toEqual(['r19', 'r18', 'r17']);
      expect(ids(await log.query({ model: 'nobody', limit: 100 }))).toEqual([]);
      expect(await log.get('r13')).toMatchObject({ keyId: 'key_1', model: 'claude' });
      expect(await log.get('missing')).toBeNull();
    } finally {
      await reopened.close();
    }
  });

  it('after kill -9 keeps every written batch, skips a torn last line and goes on appending', async () => {
    const { store, dir } = await freshStore();
    await store.requestLog.append(rows().slice(0, 5));
    await leaveAsCrashed(dir);
    const logDir = join(dir, REQUEST_LOG_DIR);
    const [segment] = (await readdir(logDir)).filter((name) => name.endsWith('.ndjson'));
    // The batch being written when the process died: half a line.
    await writeFile(join(logDir, segment!), `${await readFile(join(logDir, segment!), 'utf8')}{"id":"torn","ti`);

    const { store: after } = await freshStore(dir);
    try {
      await after.requestLog.append([logRow({ id: 'later', time: T0 + 3 * DAY })]);
      expect(ids(await after.requestLog.query({ limit: 100 }))).toEqual(['later', 'r04', 'r03', 'r02', 'r01', 'r00']);
    } finally {
      await after.close();
    }
  });

  it('removes rows past the retention age, then the oldest past the size cap', async () => {
    const { store } = await freshStore();
    try {
      const log = store.requestLog;
      for (const day of [0, 1, 2]) await log.append(rows().slice(day * 10, day * 10 + 10));
      expect(await log.prune({ before: T0 + DAY, maxBytes: 1e9 })).toBe(10);
      expect(ids(await log.query({ limit: 100 })).at(-1)).toBe('r10');
      // One day's segment is about a third of the original log: the cap keeps the newest day.
      const dayBytes = (await log.sizeBytes()) / 2;
      expect(await log.prune({ before: 0, maxBytes: dayBytes * 1.2 })).toBe(10);
      expect(ids(await log.query({ limit: 100 }))).toEqual(ids(rows().slice(20)).reverse());
      expect(await log.get('r15')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('keeps retention as saved in the app, versioned', async () => {
    const { store, dir } = await freshStore();
    expect(await store.requestLog.retention()).toBeNull();
    const saved = await store.requestLog.saveRetention({ days: 7, maxMegabytes: 200 }, 0);
    expect(saved).toEqual({ days: 7, maxMegabytes: 200, version: 1 });
    await expect(store.requestLog.saveRetention({ days: 9, maxMegabytes: 200 }, 0)).rejects.toMatchObject({ code: 'conflict', current: saved });
    await store.close();
    await rm(join(dir, 'store.sqlite'));
    const { store: reopened } = await freshStore(dir);
    expect(await reopened.requestLog.retention()).toEqual(saved);
    await reopened.close();
  });
});

describe.each(STORE_KINDS)('request log repository ($name)', (kind) => {
  it('reads newest first with the filters and the cursor, the client tool included, after a reopen', async () => {
    const { store, reopen } = await kind.open();
    await store.requestLog.append(rows().slice(0, 20));
    await store.requestLog.append([...rows().slice(20, 29), { ...rows()[29]!, client: 'Claude Code' }]);
    const reopened = await reopen();
    const log = reopened.requestLog;
    const all = ids(rows()).reverse();
    expect(await pagedIds(log)).toEqual(all);
    expect(ids(await log.query({ keyId: 'key_1', model: 'claude', limit: 100 }))).toEqual(['r25', 'r19', 'r13', 'r07', 'r01']);
    expect(ids(await log.query({ status: 'error', limit: 100 }))).toEqual(['r25', 'r20', 'r15', 'r10', 'r05', 'r00']);
    expect(ids(await log.query({ keyId: '', start: T0 + DAY, end: T0 + 2 * DAY, limit: 100 }))).toEqual(['r18', 'r15', 'r12']);
    expect(await log.get('r29')).toEqual({ ...rows()[29]!, client: 'Claude Code' });
    expect(await log.get('missing')).toBeNull();
  });

  it("finds rows by the answer's own id (LiteLLM's request_id), also once their segment is sealed, after a reopen", async () => {
    const { store, reopen } = await kind.open();
    await store.requestLog.append(rows().map((row, i) => ({ ...row, responseId: i % 10 === 3 ? 'chatcmpl-shared' : `chatcmpl-${i}` })));
    const log = (await reopen()).requestLog;
    expect(ids(await log.query({ responseId: 'chatcmpl-shared', limit: 100 }))).toEqual(['r23', 'r13', 'r03']);
    expect(await log.query({ responseId: 'chatcmpl-7', limit: 100 })).toEqual([{ ...rows()[7]!, responseId: 'chatcmpl-7' }]);
    expect(await log.query({ responseId: 'chatcmpl-none', limit: 100 })).toEqual([]);
  });

  it('prunes by age, then the oldest rows past the size cap, newest kept', async () => {
    const { store } = await kind.open();
    const log = store.requestLog;
    for (const day of [0, 1, 2]) await log.append(rows().slice(day * 10, day * 10 + 10));
    expect(await log.prune({ before: T0 + DAY, maxBytes: 1e9 })).toBe(10);
    const twoDays = await log.sizeBytes();
    const cap = (twoDays / 2) * 1.2;
    expect(await log.prune({ before: 0, maxBytes: cap })).toBeGreaterThanOrEqual(8);
    expect(await log.sizeBytes()).toBeLessThanOrEqual(cap);
    const kept = ids(await log.query({ limit: 100 }));
    // The newest day whole; whatever else is kept is the newest of the day before.
    expect(kept.slice(0, 10)).toEqual(ids(rows().slice(20)).reverse());
    expect(kept).toEqual(ids(rows()).reverse().slice(0, kept.length));
  });

  it('keeps retention versioned: a stale save is a conflict carrying the current one', async () => {
    const { store, reopen } = await kind.open();
    expect(await store.requestLog.retention()).toBeNull();
    const saved = await store.requestLog.saveRetention({ days: 7, maxMegabytes: 200 }, 0);
    expect(saved).toEqual({ days: 7, maxMegabytes: 200, version: 1 });
    await expect(store.requestLog.saveRetention({ days: 9, maxMegabytes: 200 }, 0)).rejects.toMatchObject({ code: 'conflict', current: saved });
    const reopened = await reopen();
    expect(await reopened.requestLog.saveRetention({ days: 9, maxMegabytes: 100 }, 1)).toEqual({ days: 9, maxMegabytes: 100, version: 2 });
    expect(await reopened.requestLog.retention()).toEqual({ days: 9, maxMegabytes: 100, version: 2 });
  });
});
