// What the window calls over IPC: the running gateway's API with the shell's own methods over
// it (the self-update's methods too, where there is an updater). It is bound once and asks for the current gateway on every call, so a restart needs no
// new binding, and while no gateway runs (a restart in progress or one that failed) every call
// but the shell's answers `gateway_stopped`: the app shows its "gateway stopped" state.
import { API_METHODS, type ApiHandlers, type ApiMethod } from '../../shared/api.js';
import { GatewayError } from '../core/errors.js';

type ShellMethod = Extract<ApiMethod, `shell.${string}`>;
/** The shell's own: the window's way to restart the gateway and install the tool, and the self-update (which outlives a gateway). */
type OwnMethod = ShellMethod | Extract<ApiMethod, `updates.${string}`>;

export function shellApi(current: () => ApiHandlers | null, own: Pick<ApiHandlers, ShellMethod> & Partial<Pick<ApiHandlers, OwnMethod>>): ApiHandlers {
  const handlers: Partial<Record<ApiMethod, (request: unknown) => unknown>> = {};
  for (const method of API_METHODS) {
    handlers[method] = (request) => {
      const api: Partial<ApiHandlers> | null = isOwnMethod(method, own) ? own : current();
      const handler = api?.[method] as ((request: unknown) => unknown) | undefined;
      if (!handler) throw new GatewayError('gateway_stopped', "Loopgate's gateway is not running. Restart it from the app.");
      return handler.call(api, request);
    };
  }
  // Every method was filled in by the loop over API_METHODS, which the compiler checks against ApiMethod.
  return handlers as ApiHandlers;
}

/** A shell method, or one the shell provides (updates, where the app has an updater); the gateway answers the rest. */
function isOwnMethod(method: ApiMethod, own: Partial<ApiHandlers>): boolean {
  return method.startsWith('shell.') || method in own;
}
