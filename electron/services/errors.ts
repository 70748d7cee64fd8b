// Errors as the services hand them up: a store's conflict or missing row becomes an API error
// here, once, carrying the record in the contract's shape; a unique value taken twice becomes a
// `conflict` naming the field; anything unknown is `internal`.
import type { ErrorData } from '../../shared/errors.js';
import { GatewayError } from '../core/errors.js';
import { StoreUnavailableError } from '../store/database.js';
import { ConflictError, NotFoundError, UniqueViolationError } from '../store/errors.js';

/** Runs a store change; its ConflictError / NotFoundError / UniqueViolationError come back as API errors. */
export async function storeChange<T, Row>(change: () => Promise<T>, view: (current: Row) => unknown, what: string): Promise<T> {
  try {
    return await change();
  } catch (thrown) {
    if (thrown instanceof ConflictError) throw new GatewayError('conflict', thrown.message, { current: await view(thrown.current as Row) });
    if (thrown instanceof NotFoundError) throw notFound(what);
    throw fromStoreError(thrown);
  }
}

export function notFound(what: string, param = 'id'): GatewayError {
  return new GatewayError('not_found', `That ${what} no longer exists.`, { param });
}

/** Unique columns by the field and the thing the contract calls them. */
const UNIQUE_FIELDS: Record<string, { field: string; noun: string }> = {
  'providers.name': { field: 'name', noun: 'provider' },
  'providers.id': { field: 'id', noun: 'provider' },
  'virtual_keys.key_hash': { field: 'key', noun: 'key' },
  'virtual_keys.id': { field: 'id', noun: 'key' },
  'deployments.id': { field: 'id', noun: 'model' },
};

/** A unique value taken twice: a `conflict` naming the field (`name: a provider named "x" already exists; ...`). */
export function alreadyTaken(field: string, what: string): GatewayError {
  return new GatewayError('conflict', `${field}: ${what} already exists; choose another.`, { param: field });
}

/** A value as a message quotes it: long ones cut. */
export function quoted(value: string): string {
  return `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
}

/** A store's unique violation (a race the service's own check could not see) as the API's conflict; anything else as it is. */
function fromStoreError(thrown: unknown): unknown {
  if (!(thrown instanceof UniqueViolationError)) return thrown;
  const known = UNIQUE_FIELDS[`${thrown.table}.${thrown.column}`];
  const field = known?.field ?? thrown.column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return alreadyTaken(field, `another ${known?.noun ?? 'record'} with this ${field}`);
}

/** A store failure as an HTTP answer gives it: an unreachable database is `unavailable` (503); the rest as fromStoreError. */
export function fromStoreFailure(thrown: unknown): unknown {
  return thrown instanceof StoreUnavailableError ? new GatewayError('unavailable', thrown.message) : fromStoreError(thrown);
}

/** What crosses IPC and the /ui API: plain data; unexpected errors never leak their text. */
export function toErrorData(thrown: unknown): ErrorData {
  const error = fromStoreError(thrown);
  if (error instanceof GatewayError) return error.toData();
  return { code: 'internal', message: 'Something went wrong inside Loopgate; the log has the details.' };
}
