// launch/ owns `loopgate run` and `loopgate env`: finding (or starting) the gateway, the tool's
// own virtual key, and starting the tool with what it needs for one run, its terminal, arguments
// and exit code passed through. It never writes a tool's own config files.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { defaultDataDir } from '../config/data-dir.js';
import { parseLaunchArgs, type LaunchArgs } from './command-line.js';
import { findGateway, type GatewayStarter } from './gateway-finder.js';
import { LaunchError } from './launch-error.js';
import { shellLines } from './shell-lines.js';
import { keyAlias, managementApi, readMasterKey, toolKey } from './tool-keys.js';
import { projectHeaderValue, sdkPlan, toolPlan, type LaunchPlan } from './tools.js';

export { LAUNCH_USAGE } from './command-line.js';
export { LaunchError } from './launch-error.js';

export interface LaunchHost {
  env: NodeJS.ProcessEnv;
  cwd: string;
  starter: GatewayStarter;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const GEMINI_SETTINGS = join('launch', 'gemini-settings.json');
const DEFAULT_PORT = '7420';

async function modelNames(baseUrl: string, key: string): Promise<string[]> {
  try {
    const response = await fetch(new URL('/v1/models', baseUrl), { headers: { authorization: `Bearer ${key}` } });
    const body = (await response.json()) as { data?: Array<{ id?: unknown }> };
    return (body.data ?? []).map((m) => String(m.id));
  } catch {
    return [];
  }
}

/** Everything a run needs, said on stderr where a person should know (a gateway started, a key made). */
async function prepare(parsed: LaunchArgs, host: LaunchHost): Promise<LaunchPlan> {
  const dataDir = parsed.dataDir ?? defaultDataDir(host.env);
  const port = host.env.LOOPGATE_PORT || DEFAULT_PORT;
  const gateway = await findGateway({ url: parsed.url ?? (host.env.LOOPGATE_URL || undefined), dataDir, port, starter: host.starter });
  if (gateway.started) {
    host.stderr.write(
      `loopgate: no gateway was running; started the ${host.starter.describe} on ${gateway.url} (data dir ${dataDir}, pid ${gateway.started.pid}, log ${gateway.started.log}). It keeps running; stop it with \`kill ${gateway.started.pid}\`.\n`,
    );
  }
  const name = parsed.target.kind === 'tool' ? parsed.target.tool : basename(parsed.target.command);
  const api = managementApi(gateway.url, await readMasterKey(dataDir, host.env));
  const { key, made } = await toolKey(api, dataDir, name);
  if (made) host.stderr.write(`loopgate: made the key "${keyAlias(name)}" for ${name} (the app's Keys view shows it)\n`);
  const ctx = {
    baseUrl: gateway.url,
    key,
    models: await modelNames(gateway.url, key),
    project: projectHeaderValue(parsed.project ?? basename(host.cwd)),
    ownLogin: parsed.ownLogin,
    mcp: parsed.mcp,
    geminiSettingsFile: join(dataDir, GEMINI_SETTINGS),
    env: host.env,
  };
  const plan = parsed.target.kind === 'tool' ? toolPlan(parsed.target.tool, ctx, parsed.args) : sdkPlan(ctx, parsed.target.command);
  for (const file of plan.files) {
    await mkdir(dirname(file.path), { recursive: true, mode: 0o700 });
    await writeFile(file.path, file.content, { mode: 0o600 });
  }
  return plan;
}

function childEnv(base: NodeJS.ProcessEnv, plan: LaunchPlan): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const [name, value] of Object.entries(plan.env)) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Runs the tool in this terminal; resolves with its exit code (a signal's conventional 128 + n). */
function runTool(plan: LaunchPlan, args: readonly string[], host: LaunchHost): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(plan.command, [...plan.args, ...args], { stdio: 'inherit', env: childEnv(host.env, plan), cwd: host.cwd });
    // The terminal's Ctrl-C reaches the tool itself (same process group); this process waits for it.
    const ignore = (): void => undefined;
    process.on('SIGINT', ignore);
    const done = (code: number): void => {
      process.off('SIGINT', ignore);
      resolve(code);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      host.stderr.write(error.code === 'ENOENT' ? `loopgate: ${plan.command} is not installed or not on the PATH\n` : `loopgate: could not start ${plan.command}: ${error.message}\n`);
      done(127);
    });
    child.on('exit', (code, signal) => done(code ?? 128 + (signal ? signalNumber(signal) : 0)));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 1;
}

/** `loopgate run …`: the tool's exit code. */
export async function runCommand(args: readonly string[], host: LaunchHost): Promise<number> {
  const parsed = parseLaunchArgs(args);
  const plan = await prepare(parsed, host);
  return runTool(plan, parsed.args, host);
}

/** `loopgate env <tool>`: shell lines on stdout. */
export async function envCommand(args: readonly string[], host: LaunchHost): Promise<number> {
  const parsed = parseLaunchArgs(args);
  if (parsed.args.length > 0) throw new LaunchError(`loopgate env takes no tool arguments (got ${parsed.args.join(' ')}); pass them to the tool itself`, 2);
  const plan = await prepare(parsed, host);
  host.stdout.write(shellLines(plan));
  return 0;
}
