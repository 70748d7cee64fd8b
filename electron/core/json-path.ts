// A small JSON path for route conditions: `$` then `.name`, `['name']` or `[index]` steps
// (`$.metadata.user_id`, `$.tools[0].name`). Parsed once when routes are saved or loaded;
// reading one is a walk of as many steps, with no scan of the body.

export type JsonPathStep = string | number;

const STEP = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[(['"])((?:(?!\3)[^\\]|\\.)*)\3\])/;

/** The path's steps; throws an Error saying what is wrong (the caller names the route). */
export function parseJsonPath(path: string): JsonPathStep[] {
  if (!path.startsWith('$')) throw new Error(`a JSON path starts with "$", got "${path}"`);
  const steps: JsonPathStep[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const step = STEP.exec(rest);
    if (!step) throw new Error(`cannot read the JSON path "${path}" from "${rest}" (expected .name, [0] or ['name'])`);
    if (step[1] !== undefined) steps.push(step[1]);
    else if (step[2] !== undefined) steps.push(Number(step[2]));
    else steps.push(step[4]!.replace(/\\(.)/g, '$1'));
    rest = rest.slice(step[0].length);
  }
  return steps;
}

/** The value at the path; undefined where a step finds nothing. */
export function readJsonPath(value: unknown, steps: readonly JsonPathStep[]): unknown {
  let at = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(at)) return undefined;
      at = at[step];
    } else {
      if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, step)) return undefined;
      at = (at as Record<string, unknown>)[step];
    }
  }
  return at;
}
