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

  it('adds up a segment of more sessions than its summary keeps totals for from its rows', async () => {
    const { store, dir } = await freshStore();
    const many = Array.from({ length: 600 }, (_, i) => logRow({ id: `m${String(i).padStart(3, '0')}`, time: T0 + i, session: `s${i % 550}`, cost: 0.25 }));
    // The next day's row seals the first segment.
    await store.requestLog.append([...many, logRow({ id: 'next', time: T0 + DAY, session: 's0', cost: 1 })]);
    await store.close();
    const { store: reopened } = await freshStore(dir);
    try {
      const sessions = await reopened.requestLog.groups({ by: 'session', start: T0, end: T0 + 2 * DAY, limit: 1000 });
      expect(sessions).toHaveLength(550);
      expect(sessions[0]).toMatchObject({ name: 's0', requests: 3, cost: 1.5, first: T0, last: T0 + DAY });
      expect(sessions.reduce((sum, group) => sum + group.requests, 0)).toBe(601);
    } finally {
      await reopened.close();
    }
  });

  it("makes a sealed segment's session totals again, once, when they were counted before MCP tool calls were told from requests", async () => {
    const { store, dir } = await freshStore();
    const call = { server: 'notes', tool: 'echo' };
    await store.requestLog.append([
      logRow({ id: 'a1', time: T0, session: 'sess', cost: 0.5 }),
      logRow({ id: 'a2', time: T0 + 1, session: 'sess', mcp: call }),
      logRow({ id: 'a3', time: T0 + 2, session: 'sess', mcp: call }),
      // The next day's row seals the first segment.
      logRow({ id: 'next', time: T0 + DAY, session: 'other' }),
    ]);
    await store.close();
    // The summary as an older version wrote it: no groupsVersion, and every row counted as a request.
    const logDir = join(dir, REQUEST_LOG_DIR);
    const summaryName = (await readdir(logDir)).find((name) => name.endsWith('.summary.json'))!;
    const summary = JSON.parse(await readFile(join(logDir, summaryName), 'utf8')) as { groupsVersion?: number; groups: { session: Array<{ requests: number }> } };
    expect(summary.groupsVersion).toBe(2);
    delete summary.groupsVersion;
    summary.groups.session[0]!.requests = 3;
    await writeFile(join(logDir, summaryName), JSON.stringify(summary));
    const { store: reopened } = await freshStore(dir);
    try {
      const [sess] = await reopened.requestLog.groups({ by: 'session', start: T0, end: T0 + 2 * DAY, limit: 10 }).then((all) => all.filter((group) => group.name === 'sess'));
      expect(sess).toMatchObject({ requests: 1, first: T0, last: T0 + 2 });
      // Made again once, counted as now, so later queries read the summary instead of the rows.
      const rewritten = JSON.parse(await readFile(join(logDir, summaryName), 'utf8')) as typeof summary;
      expect(rewritten).toMatchObject({ groupsVersion: 2, groups: { session: [expect.objectContaining({ name: 'sess', requests: 1 })] } });
    } finally {
      await reopened.close();
    }
  });

  it('keeps retention as saved in the app, versioned', async () => {
    const { store, dir } = await freshStore();
    expect(await store.requestLog.retention()).toBeNull();
    const saved = await store.requestLog.saveRetention({ days: 7, maxMegabytes: 200 }, 0);
    expect(saved).toEqual({ days: 7, maxMegabytes: 200, capture: null, version: 1 });
    await expect(store.requestLog.saveRetention({ days: 9, maxMegabytes: 200 }, 0)).rejects.toMatchObject({ code: 'conflict', current: saved });
    await store.close();
    await rm(join(dir, 'store.sqlite'));
    const { store: reopened } = await freshStore(dir);
    expect(await reopened.requestLog.retention()).toEqual(saved);
    await reopened.close();
  });
});

describe.each(STORE_KINDS)('request log repository ($name)', (kind) => {
  it('reads newest first with the filters and the cursor, the client tool and an MCP call included, after a reopen', async () => {
    const { store, reopen } = await kind.open();
    await store.requestLog.append(rows().slice(0, 20));
    await store.requestLog.append([...rows().slice(20, 28), { ...rows()[28]!, mcp: { server: 'notes', tool: 'echo' } }, { ...rows()[29]!, client: 'Claude Code' }]);
    const reopened = await reopen();
    const log = reopened.requestLog;
    const all = ids(rows()).reverse();
    expect(await pagedIds(log)).toEqual(all);
    expect(ids(await log.query({ keyId: 'key_1', model: 'claude', limit: 100 }))).toEqual(['r25', 'r19', 'r13', 'r07', 'r01']);
    expect(ids(await log.query({ status: 'error', limit: 100 }))).toEqual(['r25', 'r20', 'r15', 'r10', 'r05', 'r00']);
    expect(ids(await log.query({ keyId: '', start: T0 + DAY, end: T0 + 2 * DAY, limit: 100 }))).toEqual(['r18', 'r15', 'r12']);
    // A request its client stopped is neither served nor failed.
    await reopened.requestLog.append([logRow({ id: 'stopped', time: T0 + 3 * DAY, status: 499 })]);
    expect(ids(await log.query({ status: 'error', limit: 100 }))).not.toContain('stopped');
    expect(ids(await log.query({ status: 'ok', limit: 100 }))).not.toContain('stopped');
    expect(ids(await log.query({ limit: 1 }))).toEqual(['stopped']);
    expect(await log.get('r29')).toEqual({ ...rows()[29]!, client: 'Claude Code' });
    expect(await log.get('r28')).toEqual({ ...rows()[28]!, mcp: { server: 'notes', tool: 'echo' } });
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
    expect(saved).toEqual({ days: 7, maxMegabytes: 200, capture: null, version: 1 });
    await expect(store.requestLog.saveRetention({ days: 9, maxMegabytes: 200 }, 0)).rejects.toMatchObject({ code: 'conflict', current: saved });
    const reopened = await reopen();
    expect(await reopened.requestLog.saveRetention({ days: 9, maxMegabytes: 100, capture: 'failed' }, 1)).toEqual({ days: 9, maxMegabytes: 100, capture: 'failed', version: 2 });
    expect(await reopened.requestLog.retention()).toEqual({ days: 9, maxMegabytes: 100, capture: 'failed', version: 2 });
  });
});

describe.each(STORE_KINDS)('sessions and projects in the request log ($name)', (kind) => {
  /** Two sessions of one project (the second sent by two tools), one of another, rows with neither. */
  function attributed() {
    return rows().map((row, i) => ({
      ...row,
      session: i % 3 === 0 ? null : i % 3 === 1 ? 'sess-a' : 'sess-b',
      project: i % 3 === 0 ? null : i < 20 ? 'loopgate' : 'website',
      client: i % 3 === 2 && i > 25 ? 'Codex CLI' : 'Claude Code',
    }));
  }

  it("filters by session and by project, also once segments are sealed, after a reopen; a session's rows are newest first", async () => {
    const { store, reopen } = await kind.open();
    await store.requestLog.append(attributed().slice(0, 15));
    await store.requestLog.append(attributed().slice(15));
    const log = (await reopen()).requestLog;
    expect(ids(await log.query({ session: 'sess-a', limit: 100 }))).toEqual(['r28', 'r25', 'r22', 'r19', 'r16', 'r13', 'r10', 'r07', 'r04', 'r01']);
    expect(ids(await log.query({ project: 'website', session: 'sess-b', limit: 100 }))).toEqual(['r29', 'r26', 'r23', 'r20']);
    expect(await log.query({ session: 'sess-none', limit: 100 })).toEqual([]);
    expect(await log.get('r29')).toMatchObject({ session: 'sess-b', project: 'website' });
  });

  it('adds up cost, tokens and requests per session and per project over a period, the most recently active first', async () => {
    const { store, reopen } = await kind.open();
    const all = attributed();
    await store.requestLog.append(all.slice(0, 15));
    await store.requestLog.append(all.slice(15));
    const log = (await reopen()).requestLog;
    const sum = (list: typeof all) => ({ requests: list.length, cost: list.reduce((total, row) => total + row.cost, 0), totalTokens: list.reduce((total, row) => total + row.totalTokens, 0) });
    const sessions = await log.groups({ by: 'session', start: T0, end: T0 + 3 * DAY, limit: 10 });
    expect(sessions.map((group) => group.name)).toEqual(['sess-b', 'sess-a']);
    expect(sessions[0]).toMatchObject({
      ...sum(all.filter((row) => row.session === 'sess-b')),
      first: all[2]!.time,
      last: all[29]!.time,
      project: 'website',
      keyId: 'key_2',
      clients: ['Claude Code', 'Codex CLI'],
    });
    expect(sessions[1]).toMatchObject({ ...sum(all.filter((row) => row.session === 'sess-a')), clients: ['Claude Code'], keyId: 'key_1' });
    // A period that cuts through the first day and ends inside the third: only its rows count.
    const cut = all.filter((row) => row.time >= T0 + 5000 && row.time < T0 + 2 * DAY + 2000);
    const projects = await log.groups({ by: 'project', start: T0 + 5000, end: T0 + 2 * DAY + 2000, limit: 10 });
    expect(projects.map((group) => [group.name, group.requests])).toEqual([
      ['website', cut.filter((row) => row.project === 'website').length],
      ['loopgate', cut.filter((row) => row.project === 'loopgate').length],
    ]);
    expect(projects[1]).toMatchObject({ ...sum(cut.filter((row) => row.project === 'loopgate')), project: 'loopgate' });
    expect(await log.groups({ by: 'session', start: T0, end: T0 + 3 * DAY, limit: 1 })).toHaveLength(1);
    expect(await log.groups({ by: 'session', start: T0 + 3 * DAY, end: T0 + 4 * DAY, limit: 10 })).toEqual([]);
  });

  it("counts a session's MCP tool calls in its activity, not as requests, in the open segment and once sealed", async () => {
    const { store, reopen } = await kind.open();
    const call = { server: 'notes', tool: 'echo' };
    const day = (offset: number) => [
      logRow({ id: `m${offset}`, time: T0 + offset * DAY, session: 'sess', cost: 0.25 }),
      logRow({ id: `t${offset}a`, time: T0 + offset * DAY + 1, session: 'sess', mcp: call }),
      logRow({ id: `t${offset}b`, time: T0 + offset * DAY + 2, session: 'sess', mcp: call }),
    ];
    // The first day's segment is sealed by the second day's rows; the second's stays open.
    await store.requestLog.append([...day(0), ...day(1)]);
    const log = (await reopen()).requestLog;
    expect(await log.groups({ by: 'session', start: T0, end: T0 + 2 * DAY, limit: 10 })).toEqual([expect.objectContaining({ name: 'sess', requests: 2, first: T0, last: T0 + DAY + 2 })]);
  });
});
