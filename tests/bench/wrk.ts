// The load generator: wrk, one thread. A Node load loop costs about as much CPU per request as
// the proxy it measures, and on a 2-core machine it would starve the proxy; wrk (C, epoll)
// costs a fraction of that, so the proxy gets its core.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Answers with status 400 or more (wrk counts those). */
  non2xx: number;
  socketErrors: number;
  p50Ms: number;
  p99Ms: number;
}

export interface Load {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Text in `body` replaced by a counter in each request, so no two requests send the same body (defeats per-text memos). */
  counter?: string;
}

export function wrkMissing(): string | null {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return null;
  } catch (error) {
    // wrk --version exits 1 after printing its version; only a missing binary is a problem.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return 'The benchmark drives load with wrk, which is not installed. Install it with `sudo apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` (macOS), then run `npm run bench` again.';
    }
    return null;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'loopgate-wrk-'));
let scripts = 0;

function luaString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A request function that sends the body with its marker replaced by a count of the requests so far. */
function counterRequest(body: string, marker: string): string {
  const at = body.indexOf(marker);
  if (at === -1) throw new Error(`the body has no "${marker}" to count in`);
  return `local head, tail, count = ${luaString(body.slice(0, at))}, ${luaString(body.slice(at + marker.length))}, 0
request = function()
  count = count + 1
  return wrk.format(nil, nil, nil, head .. count .. tail)
end`;
}

function script(load: Load): string {
  const file = join(dir, `load-${scripts++}.lua`);
  const headers = Object.entries(load.headers)
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n');
  writeFileSync(
    file,
    `wrk.method = "POST"
wrk.body = ${luaString(load.body)}
wrk.headers["content-type"] = "application/json"
${headers}
${load.counter ? counterRequest(load.body, load.counter) : ''}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRKJSON %d %d %d %d %d %d\\n", summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end
`,
  );
  return file;
}

/** Runs wrk against origin+path with `connections` connections for `seconds`. */
export function wrk(origin: string, load: Load, connections: number, seconds: number): Promise<WrkResult> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script(load), `${origin}${load.path}`];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (seconds + 30) * 1000 }, (error, stdout) => {
      const line = /WRKJSON (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(stdout);
      if (!line) return reject(new Error(`wrk failed: ${error?.message ?? stdout}`));
      const [requests, durationUs, non2xx, socketErrors, p50Us, p99Us] = line.slice(1).map(Number) as [number, number, number, number, number, number];
      resolve({ requests, seconds: durationUs / 1e6, rps: requests / (durationUs / 1e6), non2xx, socketErrors, p50Ms: p50Us / 1000, p99Ms: p99Us / 1000 });
    });
  });
}
