// The running gateway's address, kept in its data dir while it listens: how `loopgate run` finds
// the app or `loopgate serve` on whatever port they chose. Removed on a clean stop; a crash
// leaves it behind, so readers check the address still answers.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/files.js';

const RUNNING_GATEWAY_FILE = 'gateway.json';

export interface RunningGateway {
  /** Where a client on this machine reaches it (a wildcard bind is said as 127.0.0.1). */
  url: string;
  pid: number;
  version: string;
}

/** The address a client on this machine uses for a listener bound to `origin`. */
export function localOrigin(origin: string): string {
  const url = new URL(origin);
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
  return url.origin;
}

export async function writeRunningGateway(dataDir: string, gateway: RunningGateway): Promise<void> {
  await writeFileAtomic(join(dataDir, RUNNING_GATEWAY_FILE), Buffer.from(`${JSON.stringify(gateway)}\n`));
}

/** Removes the file if it still names this process (a later gateway may have replaced it). */
export async function removeRunningGateway(dataDir: string, pid: number): Promise<void> {
  const current = await readRunningGateway(dataDir);
  if (current?.pid === pid) await rm(join(dataDir, RUNNING_GATEWAY_FILE), { force: true });
}

export async function readRunningGateway(dataDir: string): Promise<RunningGateway | null> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, RUNNING_GATEWAY_FILE), 'utf8')) as Partial<RunningGateway>;
    if (typeof parsed.url !== 'string' || typeof parsed.pid !== 'number') return null;
    return { url: parsed.url, pid: parsed.pid, version: typeof parsed.version === 'string' ? parsed.version : '' };
  } catch {
    return null;
  }
}
