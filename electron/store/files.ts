// Crash-safe file helpers: atomic replace, directory fsync, owner-only modes, and the data
// dir's single-owner lock.
import { chmod, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Write to a temp file, fsync it, rename it over the target, fsync the directory. */
export async function writeFileAtomic(target: string, bytes: Uint8Array): Promise<void> {
  const temp = `${target}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    // A temp file left by a crash keeps its old mode through open(); this one is the owner's only.
    await handle.chmod(0o600);
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, target);
  await syncDirectory(dirname(target));
}

/** Makes a new or renamed directory entry durable (SQLite does the same after creating its journal). */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}

/**
 * The data dir is the user's alone: 0700, and every file in it (and its folders') 0600,
 * whatever an older version or a copy left. No-op where modes mean nothing (Windows).
 */
export async function restrictDataDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await restrictDataDir(path);
    else if (entry.isFile()) await chmod(path, 0o600).catch(() => undefined);
  }
}

export const LOCK_FILE = 'loopgate.lock';

export class DataDirLockedError extends Error {
  readonly code = 'EDATADIRLOCKED';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`the data dir ${dir} is in use by another Loopgate process (pid ${pid}); stop it or use --data-dir`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data dir's lock; a lock left by a dead process (kill -9) is taken over. */
export async function acquireLock(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new DataDirLockedError(dir, holder);
    }
    await rm(file, { force: true });
  }
  throw new Error(`could not take the lock ${file}`);
}

/**
 * Reads a small secret file, or creates it (0600, exclusive) with `make()`; when two processes
 * race, the one that loses reads the winner's value.
 */
export async function readOrCreateSecretFile(file: string, make: () => string): Promise<{ text: string; created: boolean }> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    if (text) return { text, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const text = make();
  try {
    await writeFile(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateSecretFile(file, make);
    throw error;
  }
  await syncDirectory(dirname(file));
  return { text, created: true };
}
