// Two writes of one row raced at the same version: a store lets exactly one through and refuses
// the other with a ConflictError carrying the row as it now is (what a stale editor is shown).
import { expect } from 'vitest';
import { ConflictError } from '../../electron/store/errors.js';

/** Settles both writes, checks one went through and the other was refused as a conflict; returns the row written and the row the refusal carried. */
export async function oneWriteWins<T>(writes: readonly [Promise<T>, Promise<T>]): Promise<{ won: T; current: unknown }> {
  const results = await Promise.allSettled(writes);
  const won = results.filter((r): r is PromiseFulfilledResult<Awaited<T>> => r.status === 'fulfilled');
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  expect(won).toHaveLength(1);
  expect(lost).toHaveLength(1);
  expect(lost[0]!.reason).toBeInstanceOf(ConflictError);
  return { won: won[0]!.value, current: (lost[0]!.reason as ConflictError<unknown>).current };
}

/**
 * A single-row setting saved by `save(n, version, at)` (n: which test value): two first saves
 * raced (one wins, the other carries the winner's row), then two saves at version 1, the second
 * refused as stale. Returns the winner and the row the stale save's refusal carried.
 */
export async function settingSaveRaces<T>(save: (n: number, version: number, at: number) => Promise<T>): Promise<{ won: T; staleCurrent: unknown }> {
  const { won, current } = await oneWriteWins([save(1, 0, 1), save(2, 0, 2)]);
  expect(current).toEqual(won);
  await save(3, 1, 3);
  const refused = await save(4, 1, 4).then(
    () => null,
    (error: unknown) => error,
  );
  expect(refused).toBeInstanceOf(ConflictError);
  return { won, staleCurrent: (refused as ConflictError<unknown>).current };
}
