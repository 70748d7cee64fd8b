// The alert state machines (services/alerts/crossings.ts): a threshold fires once per upward
// crossing and re-arms only when the value falls below it again; a condition fires as it starts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConditionEdges, ThresholdCrossings } from '../../electron/services/alerts/crossings.js';

const SEED = 20261207;

/** Upward crossings of `threshold` in a walk that starts at `start`: what a person expects to hear of. */
function upwardCrossings(start: number, values: number[], threshold: number): number {
  let below = start < threshold;
  let count = 0;
  for (const value of values) {
    if (below && value >= threshold) count++;
    below = value < threshold;
  }
  return count;
}

describe('ThresholdCrossings', () => {
  it('fires once per upward crossing of each threshold, whatever the walk (spend rising, periods resetting)', () => {
    const percent = fc.double({ min: 0, max: 150, noNaN: true });
    fc.assert(
      fc.property(percent, fc.array(percent, { maxLength: 60 }), fc.uniqueArray(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 4 }), (start, values, thresholds) => {
        const crossings = new ThresholdCrossings();
        const fired = new Map<number, number>();
        let before = start;
        for (const value of values) {
          for (const threshold of crossings.observe('key', before, value, thresholds)) fired.set(threshold, (fired.get(threshold) ?? 0) + 1);
          before = value;
        }
        for (const threshold of thresholds) expect(fired.get(threshold) ?? 0).toBe(upwardCrossings(start, values, threshold));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('50 small steps past 80% say it once; a reset re-arms it', () => {
    const crossings = new ThresholdCrossings();
    const fired: number[][] = [];
    for (let step = 0; step < 50; step++) fired.push(crossings.observe('key', step * 2, (step + 1) * 2, [80, 100]));
    expect(fired.flat()).toEqual([80, 100]);
    // The budget period starts again: spend back to 0, and 80% alerts again when reached.
    expect(crossings.observe('key', 100, 0, [80, 100])).toEqual([]);
    expect(crossings.observe('key', 0, 85, [80, 100])).toEqual([80]);
  });

  it('a key already past a threshold when first seen (a restart) says nothing until it falls below and crosses again', () => {
    const crossings = new ThresholdCrossings();
    expect(crossings.observe('key', 85, 86, [80])).toEqual([]);
    expect(crossings.observe('key', 86, 10, [80])).toEqual([]);
    expect(crossings.observe('key', 10, 81, [80])).toEqual([80]);
  });

  it('keeps subjects apart', () => {
    const crossings = new ThresholdCrossings();
    expect(crossings.observe('a', 0, 90, [80])).toEqual([80]);
    expect(crossings.observe('b', 0, 90, [80])).toEqual([80]);
    expect(crossings.observe('a', 90, 95, [80])).toEqual([]);
  });
});

describe('ConditionEdges', () => {
  it('answers true only as a condition starts, for any sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 80 }), (states) => {
        const edges = new ConditionEdges();
        const starts = states.filter((active, index) => active && !(states[index - 1] ?? false)).length;
        expect(states.filter((active) => edges.set('db', active)).length).toBe(starts);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
