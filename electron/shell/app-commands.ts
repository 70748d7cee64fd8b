// The desktop app's executable is also the `loopgate` command (a deb puts it on the PATH, "Install
// the loopgate command" links it): `loopgate run …` and `loopgate env …` run the launcher in
// this process, with no window, and exit with the tool's code.
import { envCommand, LAUNCH_USAGE, LaunchError, runCommand, type LaunchHost } from '../launch/index.js';

export interface AppCommand {
  command: 'run' | 'env';
  args: string[];
}

/** `argv` as Electron gives it: the executable, in development the app folder, then arguments. */
export function appCommand(argv: readonly string[], isPackaged: boolean): AppCommand | null {
  const args = argv.slice(isPackaged ? 1 : 2);
  const [command, ...rest] = args;
  return command === 'run' || command === 'env' ? { command, args: rest } : null;
}

/** Runs the command; resolves with the exit code (errors said on stderr, as the CLI says them). */
export async function runAppCommand(command: AppCommand, host: LaunchHost): Promise<number> {
  if (command.args.length === 0 || command.args[0] === '--help' || command.args[0] === '-h') {
    host.stdout.write(LAUNCH_USAGE);
    return 0;
  }
  try {
    return await (command.command === 'run' ? runCommand : envCommand)(command.args, host);
  } catch (error) {
    host.stderr.write(`loopgate: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof LaunchError ? error.exitCode : 1;
  }
}
