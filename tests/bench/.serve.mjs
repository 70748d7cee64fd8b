import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const root = '/work/wt-perf15';
function launch(cmd, args, errFile) {
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', errFile ? openSync(errFile, 'w') : 'ignore'] });
  return new Promise((res) => { let out=''; child.stdout.on('data', (c) => { out += c; const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out); if (m) res({ child, url: m[1] }); }); });
}
const up = await launch(process.execPath, ['--import', 'tsx', 'tests/bench/upstream-server.ts']);
const dir = mkdtempSync(join(tmpdir(), 'lg-'));
writeFileSync(join(dir, 'c.yaml'), `model_list:\n  - model_name: bench\n    litellm_params:\n      model: openai/mock-gpt\n      api_base: ${up.url}/v1\ngeneral_settings:\n  master_key: sk-bench\n`);
const lg = await launch(process.execPath, [...(process.env.NODEARGS ? process.env.NODEARGS.split(' ') : []), 'dist/electron/cli.js', 'serve', '--config', join(dir, 'c.yaml'), '--port', '0', '--data-dir', dir], '/tmp/perf15/lg.err');
console.log(lg.url, lg.child.pid, up.url);
process.on('SIGTERM', () => { lg.child.kill('SIGTERM'); up.child.kill('SIGTERM'); setTimeout(() => process.exit(0), 1000); });
setInterval(() => {}, 1000);
