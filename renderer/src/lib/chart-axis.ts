// A chart's value axis: a few round gridlines from a top at or above the largest value down to 0,
// each a 1, 2 or 5 step (so no value needs more than two significant digits), whole numbers for
// counts and whole cents for money from a cent up, so no two labels read the same ("2, 2, 1").

/** What the axis counts: whole numbers (requests, tokens) or dollars. */
export type AxisKind = 'whole' | 'money';

const STEPS = [1, 2, 5, 10];
/** At most this many steps between 0 and the top. */
const MAX_STEPS = 4;

/** Gridline values, top first, down to 0. */
export function axisTicks(max: number, kind: AxisKind): number[] {
  const floor = kind === 'whole' ? 1 : max >= 0.01 ? 0.01 : 0;
  if (!(max > 0)) return [floor || 1, 0];
  const rough = max / MAX_STEPS;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(
    floor,
    STEPS.map((each) => each * magnitude).find((each) => each >= rough * (1 - 1e-9))!,
  );
  const steps = Math.ceil(max / step - 1e-9);
  return Array.from({ length: steps + 1 }, (_, i) => Number(((steps - i) * step).toPrecision(12)));
}
