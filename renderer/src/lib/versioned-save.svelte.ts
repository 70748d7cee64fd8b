// Every edit of a versioned row (keys, providers, deployments, routing, log retention) names the
// version it read; the core refuses a stale one with `conflict` and the row as it is now. This is
// the one way the renderer runs such a save: nothing was overwritten, so the conflict is kept —
// theirs, and what this person tried — for the view to offer both ways on, and, where the edit's
// fields are described, their value next to mine field by field. Other failures become toasts.
import type { ConflictField } from '../components/ConflictBanner.svelte';
import { ApiError } from './api.js';
import { app } from './app.svelte.js';

export interface Conflict<Row, Mine> {
  /** The row as someone else saved it. */
  theirs: Row;
  /** What this person tried to save; null when there is nothing to apply again (a revoke, a delete). */
  mine: Mine | null;
}

/** How a person reads the fields an edit can differ in, and what saving mine would make of theirs. */
export interface FieldReading<Row, Mine> {
  fields: Array<{ label: string; read: (row: Row) => string }>;
  apply: (theirs: Row, mine: Mine) => Row;
}

/** The row a `conflict` error carries; undefined for any other error (or a conflict without one). */
function conflictRow<Row>(error: unknown): Row | undefined {
  return error instanceof ApiError && error.code === 'conflict' && error.data.current !== undefined ? (error.data.current as Row) : undefined;
}

export class VersionedSave<Row, Mine = never> {
  conflict = $state<Conflict<Row, Mine> | null>(null);
  /** Saves under way: a form's Save button waits while one is. */
  private pending = $state(0);
  private readonly reading: FieldReading<Row, Mine> | undefined;

  /** Theirs next to mine, the fields that differ only; undefined without a reading or without mine. */
  readonly fields = $derived.by((): ConflictField[] | undefined => {
    const { conflict, reading } = this;
    if (!conflict?.mine || !reading) return undefined;
    const mine = reading.apply(conflict.theirs, conflict.mine);
    return reading.fields.map((field) => ({ label: field.label, theirs: field.read(conflict.theirs), mine: field.read(mine) })).filter((row) => row.theirs !== row.mine);
  });

  constructor(reading?: FieldReading<Row, Mine>) {
    this.reading = reading;
  }

  get running(): boolean {
    return this.pending > 0;
  }

  /**
   * Runs a save; true when it went through. A stale version keeps the conflict; an error the
   * form says next to one of its fields goes to `fieldError` (true: said there); others are toasts.
   */
  async run(write: () => Promise<unknown>, mine: Mine | null = null, fieldError?: (error: ApiError) => boolean): Promise<boolean> {
    this.pending += 1;
    try {
      await write();
      this.conflict = null;
      return true;
    } catch (error) {
      const theirs = conflictRow<Row>(error);
      if (theirs !== undefined) this.conflict = { theirs, mine };
      else if (!(error instanceof ApiError && fieldError?.(error))) app.fail(error);
      return false;
    } finally {
      this.pending -= 1;
    }
  }

  /** Ends the conflict, handing back their row (to show, or to edit again). */
  takeTheirs(): Row | null {
    const theirs = this.conflict?.theirs ?? null;
    this.conflict = null;
    return theirs;
  }

  clear(): void {
    this.conflict = null;
  }
}
