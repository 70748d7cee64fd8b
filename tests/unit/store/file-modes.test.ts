// The data dir is the user's alone whatever existed before, and a new journal or snapshot file's
// directory entry is fsynced before anything written to it is acknowledged.
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import type * as FsPromises from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { emptySettings } from '../../../electron/store/keys.js';
import { tempDir } from '../../helpers/cli.js';
import { freshStore } from '../../helpers/store.js';

/** Every fsync of a directory, by path, in order (the real fs does the work). */
const syncedDirs: string[] = [];
const opened: string[] = [];

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const open: typeof real.open = async (path, flags, mode) => {
    const handle = await real.open(path, flags, mode);
    opened.push(String(path));
    const isDir = (await handle.stat()).isDirectory();
    if (isDir) {
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        await sync();
        syncedDirs.push(String(path));
      };
    }
    return handle;
  };
  return { ...real, open, default: { ...real, open } };
});

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

beforeEach(() => {
  syncedDirs.length = 0;
  opened.length = 0;
});

describe.skipIf(process.platform === 'win32')('file modes', () => {
  it('makes an existing data dir 0700 and every file in it 0600, logs folder included', async () => {
    const dir = tempDir('loopgate-modes-');
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'logs'), { mode: 0o755 });
    for (const name of ['master-key', 'data-key', 'journal-00000001.log', 'store.sqlite.tmp', 'logs/loopgate.log']) {
      await writeFile(join(dir, name), name === 'data-key' ? `${Buffer.alloc(32).toString('base64')}\n` : '', { mode: 0o644 });
      await chmod(join(dir, name), 0o644);
    }
    const { store } = await freshStore(dir);
    try {
      expect(await mode(dir)).toBe(0o700);
      expect(await mode(join(dir, 'logs'))).toBe(0o700);
      for (const name of ['master-key', 'data-key', 'logs/loopgate.log', 'store.sqlite', 'loopgate.lock']) expect(await mode(join(dir, name)), name).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('creates journal files 0600 and fsyncs the directory after creating one, before acknowledging', async () => {
    const { store, dir } = await freshStore();
    try {
      syncedDirs.length = 0;
      opened.length = 0;
      await store.keys.create({ id: 'k1', keyHash: 'h1', keyPrefix: 'sk-1', createdAt: 1, createdBy: null, ...emptySettings() });
      const journal = opened.find((path) => /journal-\d+\.log$/.test(path));
      expect(journal).toBeDefined();
      expect(await mode(journal!)).toBe(0o600);
      expect(syncedDirs).toContain(dir);
    } finally {
      await store.close();
    }
  });

  it('fsyncs the directory after renaming a snapshot into place', async () => {
    const { store, dir } = await freshStore();
    syncedDirs.length = 0;
    await store.close();
    expect(await mode(join(dir, 'store.sqlite'))).toBe(0o600);
    expect(syncedDirs).toContain(dir);
  });
});
