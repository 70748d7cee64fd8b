// The processes a benchmark measures: started with their URL read from stdout, and what
// /proc says about them (CPU seconds, resident memory). Linux only, as the bench machine is.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { PROJECT_ROOT } from '../helpers/cli.js';

export interface Launched {
  child: ChildProcess;
  url: string;
  pid: number;
}

/** Starts a process and waits (up to 30 s) for an http://127.0.0.1:<port> or localhost URL on its stdout. */
/**
 * `errors: 'tail'` keeps the last of its stderr for the error a failed start gives; the processes
 * measured under load leave it unread ('ignore'), so reading their logs costs the bench no CPU.
 */
export function launch(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, errors: 'ignore' | 'tail' = 'ignore'): Promise<Launched> {
  const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', errors === 'tail' ? 'pipe' : 'ignore'], env });
  // stdout is always a pipe here (stdio above); the typings cannot tell from the conditional stderr.
  const stdout = child.stdout!;
  return new Promise((resolve, reject) => {
    let out = '';
    let tail = '';
    child.stderr?.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2000)));
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} printed no URL within 30 s`)), 30_000);
    const read = (chunk: Buffer): void => {
      out += chunk.toString();
      const match = /http:\/\/(?:127\.0\.0\.1|localhost):(\d+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      // From here on the output is drained unread: a pipe left full blocks a Node child's
      // synchronous stdout writes, and with them its whole event loop (it read as a stall).
      stdout.off('data', read);
      stdout.resume();
      resolve({ child, url: `http://127.0.0.1:${match[1]}`, pid: child.pid! });
    };
    stdout.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}${tail ? `: ${tail.trim()}` : ''}`));
    });
  });
}

/** A port free right now, for programs that cannot be told to pick one (Portkey). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** CPU seconds a process has used (user + system), from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory in MB, from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}
