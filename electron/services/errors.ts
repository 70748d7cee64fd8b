// Errors as the services hand them up: a store's conflict or missing row becomes an API error
// here, once, carrying the record in the contract's shape. Every other failure is mapped by
// core's toGatewayError, the one mapper HTTP, IPC and the /ui API share.
import { GatewayError, TranslatableError } from '../core/errors.js';
import { ConflictError, NotFoundError } from '../store/errors.js';

/** Runs a store change; its ConflictError / NotFoundError / UniqueViolationError come back as API errors. */
export async function storeChange<T, Row>(change: () => Promise<T>, view: (current: Row) => unknown, what: string): Promise<T> {
  try {
    return await change();
  } catch (thrown) {
    if (thrown instanceof ConflictError) throw new GatewayError('conflict', thrown.message, { current: await view(thrown.current as Row) });
    if (thrown instanceof NotFoundError) throw notFound(what);
    // A unique value taken in a race is a `conflict` here already, so adapters can rename its field.
    throw thrown instanceof TranslatableError ? thrown.toGatewayError() : thrown;
  }
}

export function notFound(what: string, param = 'id'): GatewayError {
  return new GatewayError('not_found', `That ${what} no longer exists.`, { param });
}

/** A unique value taken twice: a `conflict` naming the field (`name: a provider named "x" already exists; ...`). */
export function alreadyTaken(field: string, what: string): GatewayError {
  return new GatewayError('conflict', `${field}: ${what} already exists; choose another.`, { param: field });
}

/** A value as a message quotes it: long ones cut. */
export function quoted(value: string): string {
  return `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
}
