// What repositories throw; the gateway and IPC turn these into `conflict` / `not_found` data.

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

/**
 * A write that would give a second row a value the schema holds unique (a provider's name, a
 * key's secret, a caller-chosen id): each database's own error becomes this one, naming the
 * table and column, so the services answer `conflict` naming the field.
 */
export class UniqueViolationError extends Error {
  readonly code = 'unique';
  constructor(
    readonly table: string,
    readonly column: string,
  ) {
    super(`${table}.${column} must be unique`);
  }
}

/** SQLite's "UNIQUE constraint failed: providers.name" (the first column of a composite one). */
export function sqliteUniqueViolation(error: unknown): UniqueViolationError | null {
  const match = error instanceof Error ? /UNIQUE constraint failed: (\w+)\.(\w+)/.exec(error.message) : null;
  return match ? new UniqueViolationError(match[1]!, match[2]!) : null;
}
