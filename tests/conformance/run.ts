// Runs a tool offline: a throw-away HOME (nothing of this machine's user leaks in or out),
// only the environment given, bounded in time.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Executable } from './binaries.js';
import { MARKER, MARKER_FILE } from './upstreams.js';
import { runTool, type Ran } from '../helpers/real-tools.js';

export function run(tool: Executable, args: string[], env: Record<string, string>, cwd: string): Promise<Ran> {
  return runTool(tool.command, [...tool.args, ...args], env, cwd, 90_000);
}

/** A fresh HOME, which is also the working directory, holding the file the scripted upstreams have read. */
export function freshHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'loopgate-conformance-'));
  writeFileSync(join(home, MARKER_FILE), `${MARKER}\n`);
  return home;
}
