import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError } from '../../../electron/store/files.js';
import { emptySettings } from '../../../electron/store/keys.js';
import { freshStore, leaveAsCrashed, newKey } from '../../helpers/store.js';

async function journalFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('journal-')).sort();
}

describe('store durability', () => {
  it('keeps acknowledged writes across a reopen, and snapshots on close', async () => {
    const { store, dir } = await freshStore();
    const key = await store.keys.create(newKey({ keyAlias: 'ci' }));
    await store.keys.setActive(key.id, false);
    await store.close();
    expect(await journalFiles(dir)).toEqual([]);
    const reopened = (await freshStore(dir)).store;
    expect(await reopened.keys.findById(key.id)).toMatchObject({ keyAlias: 'ci', blocked: true, version: 2 });
    await reopened.close();
  });

  it('replays the journal when the process died before a snapshot', async () => {
    const { store, dir } = await freshStore();
    const key = await store.keys.create(newKey());
    await store.keys.update(key.id, { ...emptySettings(), models: ['gpt-4o'] });
    // Simulate kill -9: no close(), so no snapshot; the journal holds both writes.
    expect((await journalFiles(dir)).length).toBe(1);
    await leaveAsCrashed(dir);
    const { store: reopened, logger } = await freshStore(dir);
    expect(await reopened.keys.findById(key.id)).toMatchObject({ models: ['gpt-4o'], version: 2 });
    expect(logger.records.filter((r) => r.level === 'warn')).toEqual([]);
    await reopened.close();
  });

  it('ignores a torn last journal record with a log line, keeping everything before it', async () => {
    const { store, dir } = await freshStore();
    const key = await store.keys.create(newKey());
    const [journal] = await journalFiles(dir);
    await appendFile(join(dir, journal!), '1a2b3c4d\t{"seq":2,"ops":[["UPDATE virtual_keys SET bl');
    await leaveAsCrashed(dir);
    const { store: reopened, logger } = await freshStore(dir);
    expect(await reopened.keys.findById(key.id)).toMatchObject({ blocked: false });
    expect(logger.records.find((r) => r.level === 'warn')?.msg).toMatch(/torn journal record/);
    // The store keeps working after the repair.
    await reopened.keys.setActive(key.id, false);
    await reopened.close();
  });

  it('refuses to open a journal corrupted before its last record', async () => {
    const { store, dir } = await freshStore();
    await store.keys.create(newKey());
    await store.keys.create(newKey());
    const [journal] = await journalFiles(dir);
    const path = join(dir, journal!);
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[0] = lines[0]!.replace('virtual_keys', 'virtual_kays');
    await writeFile(path, lines.join('\n'));
    await leaveAsCrashed(dir);
    await expect(freshStore(dir)).rejects.toThrow(/corrupt/);
  });

  it('lets only one process open a data dir, naming the holder', async () => {
    const { store, dir } = await freshStore();
    await expect(freshStore(dir)).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(freshStore(dir)).rejects.toThrow(`pid ${process.pid}`);
    await store.close();
    await (await freshStore(dir)).store.close();
  });
});
