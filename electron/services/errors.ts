// Errors as the services hand them up: a store's conflict or missing row becomes an API error
// here, once, carrying the record in the contract's shape; anything unknown is `internal`.
import type { ErrorData } from '../../shared/errors.js';
import { GatewayError } from '../core/errors.js';
import { ConflictError, NotFoundError } from '../store/errors.js';

/** Runs a store change; its ConflictError / NotFoundError come back as API errors. */
export async function storeChange<T, Row>(change: () => Promise<T>, view: (current: Row) => unknown, what: string): Promise<T> {
  try {
    return await change();
  } catch (thrown) {
    if (thrown instanceof ConflictError) throw new GatewayError('conflict', thrown.message, { current: await view(thrown.current as Row) });
    if (thrown instanceof NotFoundError) throw notFound(what);
    throw thrown;
  }
}

export function notFound(what: string, param = 'id'): GatewayError {
  return new GatewayError('not_found', `That ${what} no longer exists.`, { param });
}

/** What crosses IPC and the /ui API: plain data; unexpected errors never leak their text. */
export function toErrorData(thrown: unknown): ErrorData {
  if (thrown instanceof GatewayError) return thrown.toData();
  return { code: 'internal', message: 'Something went wrong inside Loopgate; the log has the details.' };
}
