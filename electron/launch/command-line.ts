// `loopgate run|env [options] <tool> [args…]` and `loopgate run [options] -- <command> [args…]`:
// Loopgate's own options come before the tool, or right after its name (`loopgate run claude
// --own-login`); everything else is the tool's, passed on untouched.
import { LaunchError } from './launch-error.js';
import { isToolName, UnknownToolError, type ToolName } from './tools.js';

export const LAUNCH_USAGE = `Usage:
  loopgate run [options] <tool> [tool arguments…]     start a tool through Loopgate
  loopgate run [options] -- <command> [arguments…]    any OpenAI- or Anthropic-SDK program
  loopgate env [options] <tool>                       the same settings as shell lines, for eval

Tools: claude (Claude Code), codex (Codex CLI), gemini (Gemini CLI), opencode, qwen (Qwen Code)

Options (before the tool, or right after its name):
  --project NAME   the project the gateway records (default: this directory's name)
  --own-login      claude only: keep Claude Code's own sign-in; the key goes in x-loopgate-key
  --no-mcp         leave out the MCP servers Loopgate hosts (by default the tool gets its /mcp, as "loopgate")
  --data-dir DIR   the gateway's data dir (default: LOOPGATE_DATA_DIR, else the OS app-data folder)
  --url URL        a gateway to use instead of the one the data dir names (or LOOPGATE_URL)

Without a running gateway, a headless one is started in the background on the data dir.
`;

type LaunchTarget = { kind: 'tool'; tool: ToolName } | { kind: 'command'; command: string };

export interface LaunchArgs {
  target: LaunchTarget;
  /** The tool's own arguments. */
  args: string[];
  project: string | null;
  ownLogin: boolean;
  /** Wire the gateway's /mcp into the tool (default); `--no-mcp` turns it off. */
  mcp: boolean;
  dataDir: string | null;
  url: string | null;
}

const VALUED = new Set(['--project', '--data-dir', '--url']);

/** Takes Loopgate's options from the front of `args`; returns the index of the first other argument. */
function takeOptions(args: readonly string[], from: number, parsed: LaunchArgs): number {
  let i = from;
  while (i < args.length) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--own-login') parsed.ownLogin = true;
    else if (name === '--no-mcp') parsed.mcp = false;
    else if (VALUED.has(name)) {
      const value = inline ?? args[i + 1];
      if (value === undefined || value === '') throw new LaunchError(`${name} needs a value`, 2);
      if (inline === undefined) i += 1;
      if (name === '--project') parsed.project = value;
      else if (name === '--data-dir') parsed.dataDir = value;
      else parsed.url = value;
    } else return i;
    i += 1;
  }
  return i;
}

export function parseLaunchArgs(args: readonly string[]): LaunchArgs {
  const parsed: LaunchArgs = { target: { kind: 'command', command: '' }, args: [], project: null, ownLogin: false, mcp: true, dataDir: null, url: null };
  const at = takeOptions(args, 0, parsed);
  const first = args[at];
  if (first === undefined) throw new LaunchError(`name a tool\n\n${LAUNCH_USAGE}`, 2);
  if (first === '--') {
    const command = args[at + 1];
    if (command === undefined) throw new LaunchError(`name the command after --\n\n${LAUNCH_USAGE}`, 2);
    parsed.target = { kind: 'command', command };
    parsed.args = args.slice(at + 2);
  } else {
    if (first.startsWith('-')) throw new LaunchError(`unknown option ${first}\n\n${LAUNCH_USAGE}`, 2);
    if (!isToolName(first)) throw new LaunchError(new UnknownToolError(first).message, 2);
    parsed.target = { kind: 'tool', tool: first };
    const rest = takeOptions(args, at + 1, parsed);
    // A `--` right after Loopgate's options ends them; the tool sees what follows.
    parsed.args = args.slice(args[rest] === '--' ? rest + 1 : rest);
  }
  if (parsed.ownLogin && !(parsed.target.kind === 'tool' && parsed.target.tool === 'claude')) throw new LaunchError('--own-login is for claude (Claude Code) only', 2);
  return parsed;
}
