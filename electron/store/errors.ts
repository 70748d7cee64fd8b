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
