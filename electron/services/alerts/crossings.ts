// The state machines that make an alert fire once per crossing, never once per request. A
// threshold is armed while its subject's value is below it and fires as the value reaches it;
// it re-arms only when the value falls below again (a budget period resets, a budget is raised).
// A condition (a key blocked, a deployment cooling, the database away) fires as it starts and
// re-arms when it ends.

/** Thresholds per subject; the first value seen of a subject arms or disarms without firing (a restart says nothing of a key already past 80%). */
export class ThresholdCrossings {
  /** subject → threshold → whether it has fired and not re-armed. */
  private readonly fired = new Map<string, Map<number, boolean>>();

  /**
   * The thresholds `after` crossed, given the value `before` it (what the first observation of a
   * subject starts from). Each fires once until the value falls below it again.
   */
  observe(subject: string, before: number, after: number, thresholds: readonly number[]): number[] {
    let states = this.fired.get(subject);
    if (!states) this.fired.set(subject, (states = new Map<number, boolean>()));
    const crossed: number[] = [];
    for (const threshold of thresholds) {
      const wasFired = states.get(threshold) ?? before >= threshold;
      if (after < threshold) states.set(threshold, false);
      else {
        if (!wasFired) crossed.push(threshold);
        states.set(threshold, true);
      }
    }
    return crossed;
  }

  /** Forgets a subject (a key deleted). */
  forget(subject: string): void {
    this.fired.delete(subject);
  }
}

/** Conditions per subject: `set` answers true only when one starts. */
export class ConditionEdges {
  private readonly active = new Set<string>();

  set(subject: string, active: boolean): boolean {
    if (!active) {
      this.active.delete(subject);
      return false;
    }
    if (this.active.has(subject)) return false;
    this.active.add(subject);
    return true;
  }

  /** The active subjects starting with `prefix` (to end the ones a recovery names). */
  activeUnder(prefix: string): string[] {
    return [...this.active].filter((subject) => subject.startsWith(prefix));
  }
}
