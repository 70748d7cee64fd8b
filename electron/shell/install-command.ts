// "Install the loopgate command": puts `loopgate` on the PATH where the installer did not, like an
// editor's "install shell command". A small launcher script in the data dir runs this app's
// executable (or, from a source checkout, the built CLI); macOS links it into /usr/local/bin
// (the OS asks for an administrator's password), Linux into ~/.local/bin, Windows adds the
// script's folder to the user's PATH.
import { execFile } from 'node:child_process';
import { lstat, mkdir, readlink, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { InstallCommandResult } from '../../shared/api.js';

export interface InstallTarget {
  platform: NodeJS.Platform;
  home: string;
  dataDir: string;
  /** What `loopgate` runs: the app's executable, or the built CLI (a Node script) from a checkout. */
  program: { path: string; node: boolean };
}

export interface InstallPlan {
  script: { path: string; content: string };
  /** A link on the PATH to the script (macOS, Linux). */
  link: { path: string; target: string } | null;
  /** A folder to add to the user's PATH (Windows). */
  pathEntry: string | null;
  needsAdmin: boolean;
}

/** A path in a POSIX shell script's double quotes. */
const shDouble = (path: string): string => `"${path.replace(/(["\\$`])/g, '\\$1')}"`;

export function installPlan(target: InstallTarget): InstallPlan {
  const bin = join(target.dataDir, 'bin');
  if (target.platform === 'win32') {
    const run = target.program.node ? `node "${target.program.path}"` : `"${target.program.path}"`;
    return { script: { path: join(bin, 'loopgate.cmd'), content: `@echo off\r\n${run} %*\r\n` }, link: null, pathEntry: bin, needsAdmin: false };
  }
  const run = target.program.node ? `node ${shDouble(target.program.path)}` : shDouble(target.program.path);
  const script = { path: join(bin, 'loopgate'), content: `#!/bin/sh\n# Installed by Loopgate ("Install the loopgate command").\nexec ${run} "$@"\n` };
  const linkDir = target.platform === 'darwin' ? '/usr/local/bin' : join(target.home, '.local', 'bin');
  return { script, link: { path: join(linkDir, 'loopgate'), target: script.path }, pathEntry: null, needsAdmin: target.platform === 'darwin' };
}

/** A POSIX shell word in single quotes. */
const shSingle = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/** The shell command macOS runs as administrator: the folder made if missing, the link replaced. */
export function adminLinkCommand(link: { path: string; target: string }): string {
  const dir = link.path.slice(0, link.path.lastIndexOf('/'));
  return `mkdir -p ${shSingle(dir)} && ln -sfn ${shSingle(link.target)} ${shSingle(link.path)}`;
}

/** AppleScript's `do shell script … with administrator privileges`: the OS's own password prompt. */
export function osascriptArgs(command: string): string[] {
  const quoted = `"${command.replace(/(["\\])/g, '\\$1')}"`;
  return ['-e', `do shell script ${quoted} with administrator privileges`];
}

/** PowerShell that adds `dir` to the user's PATH once (the registry value, not setx, which cuts at 1024 characters). */
export function windowsPathScript(dir: string): string {
  const quoted = `'${dir.replaceAll("'", "''")}'`;
  return `$d = ${quoted}; $p = [Environment]::GetEnvironmentVariable('Path', 'User'); if (-not (($p -split ';') -contains $d)) { [Environment]::SetEnvironmentVariable('Path', (@($p, $d) | Where-Object { $_ }) -join ';', 'User') }`;
}

/** Refuses to replace a `loopgate` on the PATH that is not a link of ours (a deb install's, say). */
async function checkLinkFree(link: { path: string; target: string }): Promise<string | null> {
  try {
    const stat = await lstat(link.path);
    if (stat.isSymbolicLink() && (await readlink(link.path)) === link.target) return null;
    return `${link.path} already exists and is not Loopgate's link; remove it first, or use that one`;
  } catch {
    return null;
  }
}

const run = promisify(execFile);

export async function installLoopgateCommand(target: InstallTarget, env: Readonly<Record<string, string | undefined>>): Promise<InstallCommandResult> {
  const plan = installPlan(target);
  if (plan.link) {
    const taken = await checkLinkFree(plan.link);
    if (taken) return { installed: false, path: plan.link.path, message: taken };
  }
  await mkdir(join(target.dataDir, 'bin'), { recursive: true, mode: 0o700 });
  await writeFile(plan.script.path, plan.script.content, { mode: 0o755 });
  if (plan.pathEntry) {
    await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', windowsPathScript(plan.pathEntry)]);
    return { installed: true, path: plan.script.path, message: `Added ${plan.pathEntry} to your PATH; open a new terminal and run \`loopgate run claude\`.` };
  }
  const link = plan.link!;
  if (plan.needsAdmin) {
    try {
      await run('osascript', osascriptArgs(adminLinkCommand(link)));
    } catch {
      return { installed: false, path: link.path, message: 'Not installed: the administrator prompt was cancelled or refused.' };
    }
  } else {
    await mkdir(join(link.path, '..'), { recursive: true });
    await unlink(link.path).catch(() => undefined);
    await symlink(link.target, link.path);
  }
  const dir = join(link.path, '..');
  const onPath = (env.PATH ?? '').split(':').includes(dir);
  return { installed: true, path: link.path, message: `Linked ${link.path}; run \`loopgate run claude\` in a terminal.${onPath ? '' : ` ${dir} is not on your PATH yet: add it in your shell's profile.`}` };
}
