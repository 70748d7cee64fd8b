// What repositories throw. The services turn a conflict or a missing row into API errors with
// the record in the contract's shape; a unique violation and an unavailable store say their API
// error themselves (TranslatableError), so core's one mapper answers them alike on every path.
import { GatewayError, TranslatableError } from '../core/errors.js';

export class ConflictError<T> extends Error {
  readonly code = 'conflict';
  constructor(
    readonly current: T,
    message = 'Someone else changed this record first; reload it and try again.',
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {
  readonly code = 'not_found';
}

/** Unique columns by the field and the thing the API calls them. */
const UNIQUE_FIELDS: Record<string, { field: string; noun: string }> = {
  'providers.name': { field: 'name', noun: 'provider' },
  'providers.id': { field: 'id', noun: 'provider' },
  'virtual_keys.key_hash': { field: 'key', noun: 'key' },
  'virtual_keys.id': { field: 'id', noun: 'key' },
  'deployments.id': { field: 'id', noun: 'model' },
  'mcp_servers.name': { field: 'name', noun: 'MCP server' },
};

/**
 * A write that would give a second row a value the schema holds unique (a provider's name, a
 * key's secret, a caller-chosen id): each database's own error becomes this one, naming the
 * table and column, and is answered as a `conflict` naming the field (a race the service's own
 * check could not see).
 */
export class UniqueViolationError extends TranslatableError {
  readonly code = 'unique';
  constructor(
    readonly table: string,
    readonly column: string,
  ) {
    super(`${table}.${column} must be unique`);
  }

  toGatewayError(): GatewayError {
    const known = UNIQUE_FIELDS[`${this.table}.${this.column}`];
    const field = known?.field ?? this.column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    return new GatewayError('conflict', `${field}: another ${known?.noun ?? 'record'} with this ${field} already exists; choose another.`, { param: field });
  }
}

/** The store cannot be read or written (closed, or its journal failed): `unavailable` on every path. */
export class StoreUnavailableError extends TranslatableError {
  readonly code = 'store_unavailable';

  toGatewayError(): GatewayError {
    return new GatewayError('unavailable', this.message);
  }
}

/** SQLite's "UNIQUE constraint failed: providers.name" (the first column of a composite one). */
export function sqliteUniqueViolation(error: unknown): UniqueViolationError | null {
  const match = error instanceof Error ? /UNIQUE constraint failed: (\w+)\.(\w+)/.exec(error.message) : null;
  return match ? new UniqueViolationError(match[1]!, match[2]!) : null;
}
