// Why the app could not start, said so a person can act on it: a stable code, the cause, and
// what to do. The shell shows it in a dialog before exiting with status 1.
import { ConfigError } from '../config/index.js';
import { AppArgsError, type AppSettings } from './app-args.js';
import type { ElectronSurface } from './electron-surface.js';

type BootFailureCode = 'port_in_use' | 'port_not_permitted' | 'data_dir_locked' | 'data_dir_unwritable' | 'invalid_config' | 'invalid_arguments' | 'unexpected';

export interface BootFailure {
  code: BootFailureCode;
  /** One sentence: what went wrong and what to do. */
  message: string;
  /** The underlying error, for the dialog's detail line and the log. */
  detail: string;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function describeBootFailure(error: unknown, settings: Pick<AppSettings, 'port' | 'dataDir'> | null): BootFailure {
  const detail = error instanceof Error ? error.message : String(error);
  const port = settings?.port ?? 'the';
  if (error instanceof AppArgsError) {
    return { code: 'invalid_arguments', message: `${detail}. Fix the command line or the LOOPGATE_* variable and start Loopgate again.`, detail };
  }
  if (error instanceof ConfigError) {
    return { code: 'invalid_config', message: 'The config file (LOOPGATE_CONFIG or --config) is not valid. Fix it, or start without it.', detail };
  }
  const unwritable: BootFailure = { code: 'data_dir_unwritable', message: `Loopgate cannot write to its data folder ${settings?.dataDir ?? ''}. Check its permissions, or choose another (--data-dir).`, detail };
  switch (errorCode(error)) {
    case 'EADDRINUSE':
      return { code: 'port_in_use', message: `Port ${port} is in use — by another Loopgate? Quit it, or choose another port (--port or LOOPGATE_PORT).`, detail };
    case 'EACCES':
      // EACCES from listen() is a privileged port; from anywhere else, a folder we may not write.
      if ((error as { syscall?: unknown }).syscall === 'listen') {
        return { code: 'port_not_permitted', message: `Loopgate may not listen on port ${port}. Choose a port above 1024 (--port or LOOPGATE_PORT).`, detail };
      }
      return unwritable;
    case 'EROFS':
    case 'EPERM':
      return unwritable;
    case 'EDATADIRLOCKED':
      return { code: 'data_dir_locked', message: 'Another Loopgate (the app or `loopgate serve`) is using the same data folder. Quit it, or start this one with another --data-dir.', detail };
    default:
      return { code: 'unexpected', message: 'Loopgate could not start. The log has the details.', detail };
  }
}

/** The failure in a dialog, with the log one click away. */
export async function explainBootFailure(electron: Pick<ElectronSurface, 'dialog' | 'shell'>, failure: BootFailure, logFile: string): Promise<void> {
  const { response } = await electron.dialog.showMessageBox({
    type: 'error',
    title: 'Loopgate could not start',
    message: failure.message,
    detail: `${failure.detail}\n\nLog: ${logFile}`,
    buttons: ['Quit', 'Open log'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  if (response === 1) await electron.shell.openPath(logFile);
}
