// Which request a piece of work belongs to, and the process-level guard built on it: a fault
// that escapes a request's own error handling (a throw in a callback, a promise nobody awaited)
// ends that request only, never the process serving everyone else.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './logger.js';

/** What the guard needs of a running request. */
export interface RequestScope {
  readonly id: string;
  /** Ends the request after a fault its handler did not catch (answers if it still can); never throws. */
  end(): void;
}

const scopes = new AsyncLocalStorage<RequestScope>();

/** Runs `work` (and everything it schedules) as part of the request `scope`. */
export function runInRequest<T>(scope: RequestScope, work: () => T): T {
  return scopes.run(scope, work);
}

/** The events a process emits for faults nobody caught (the process itself outside tests). */
interface FaultSource {
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export interface ProcessGuardOptions {
  logger: Logger;
  /**
   * A fault outside any request (start-up, a timer of the app's own): the headless server
   * exits, as Node would; the desktop app logs it and keeps running, as Electron would.
   */
  outsideRequest: (error: unknown) => void;
  source?: FaultSource;
}

/** Installs the guard once per process: request-scoped faults are logged and end their request only. */
export function guardProcess(options: ProcessGuardOptions): void {
  const source: FaultSource = options.source ?? process;
  const onFault = (kind: string) => (error: unknown) => {
    const scope = scopes.getStore();
    const detail = error instanceof Error ? (error.stack ?? String(error)) : String(error);
    if (!scope) {
      options.logger.log('error', `${kind} outside any request`, { error: detail });
      options.outsideRequest(error);
      return;
    }
    options.logger.log('error', `${kind} in a request; that request was ended, the gateway keeps serving`, { id: scope.id, error: detail });
    scope.end();
  };
  source.on('uncaughtException', onFault('uncaught exception'));
  source.on('unhandledRejection', onFault('unhandled rejection'));
}
