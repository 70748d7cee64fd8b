import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { axisTicks } from '../../renderer/src/lib/chart-axis.js';
import { compact, count, money } from '../../renderer/src/lib/format.js';

describe("the Overview chart's value axis", () => {
  it('labels a small count with whole numbers, none repeated (3 requests read "3, 2, 2, 1, 0")', () => {
    expect(axisTicks(3, 'whole').map(count)).toEqual(['3', '2', '1', '0']);
    expect(axisTicks(1, 'whole').map(count)).toEqual(['1', '0']);
    expect(axisTicks(55, 'whole').map(count)).toEqual(['60', '40', '20', '0']);
    expect(axisTicks(1_230_000, 'whole').map(compact)).toEqual(['1.5M', '1M', '500K', '0']);
  });

  it('labels money in whole cents from a cent up, and tiny amounts exactly', () => {
    expect(axisTicks(0.012, 'money').map(money)).toEqual(['$0.02', '$0.01', '$0']);
    expect(axisTicks(0.0031, 'money').map(money)).toEqual(['$0.004', '$0.003', '$0.002', '$0.001', '$0']);
    expect(axisTicks(12.5, 'money').map(money)).toEqual(['$15.00', '$10.00', '$5.00', '$0']);
  });

  it('always reaches the largest value, from 0, in at most five distinct labels', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-7, max: 1e9, noNaN: true }), fc.constantFrom('whole' as const, 'money' as const), (max, kind) => {
        const value = kind === 'whole' ? Math.max(1, Math.round(max)) : max;
        const ticks = axisTicks(value, kind);
        expect(ticks[0]).toBeGreaterThanOrEqual(value * (1 - 1e-9));
        expect(ticks.at(-1)).toBe(0);
        expect(ticks.length).toBeLessThanOrEqual(5);
        const labels = ticks.map(kind === 'money' ? money : compact);
        expect(new Set(labels).size).toBe(labels.length);
      }),
      { seed: 27, numRuns: 2_000 },
    );
  });
});
