// The shape of a route (shared/routes.ts) as zod: the config file's router_settings.routes and
// the app's routing edits are checked by this one schema. Regexes and JSON paths are compiled
// here, so a route that could not be evaluated is refused when it is saved or loaded.
import { z } from 'zod';
import { compilesAsRegExp, type RouteCondition, type RouteSetting } from '../../shared/routes.js';
import { parseJsonPath } from '../core/json-path.js';

const MAX_TEXT = 200;
const MAX_LIST = 100;
const name = z.string().min(1, 'expected a name').max(MAX_TEXT, `expected at most ${MAX_TEXT} characters`);
const names = z.array(name).max(MAX_LIST, `expected at most ${MAX_LIST} names`);
const value = z.string().max(4096, 'expected at most 4096 characters');

/** An error message when `path` is not a JSON path; null when it is. */
function jsonPathProblem(path: string): string | null {
  try {
    parseJsonPath(path);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** `matches` needs a value that compiles as a regular expression; `equals` needs a value. */
function checkValue(condition: { op: string; value?: string | undefined }, context: z.RefinementCtx): void {
  if (condition.op === 'present' || condition.op === 'exists') return;
  if (condition.value === undefined) context.addIssue({ code: 'custom', path: ['value'], message: `expected a value to compare with ("${condition.op}")` });
  else if (condition.op === 'matches' && !compilesAsRegExp(condition.value)) context.addIssue({ code: 'custom', path: ['value'], message: `expected a regular expression, got "${condition.value}"` });
}

const conditionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('background'), models: names.optional() }),
  z.object({ kind: z.literal('thinking') }),
  z.object({ kind: z.literal('long_context'), tokens: z.number().int('expected a whole number').positive('expected more than 0 tokens') }),
  z.object({ kind: z.literal('image') }),
  z.object({ kind: z.literal('web_search') }),
  z.object({ kind: z.literal('subagent') }),
  z.object({ kind: z.literal('client'), clients: names.min(1, 'expected at least one client') }),
  z.object({ kind: z.literal('key'), keys: names.min(1, 'expected at least one key id or alias') }),
  z.object({ kind: z.literal('header'), name: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected a header name'), op: z.enum(['present', 'equals', 'matches']), value: value.optional() }).superRefine(checkValue),
  z.object({ kind: z.literal('model'), pattern: name }),
  z
    .object({
      kind: z.literal('json_path'),
      path: z
        .string()
        .max(MAX_TEXT)
        .superRefine((path, context) => {
          const problem = jsonPathProblem(path);
          if (problem) context.addIssue({ code: 'custom', message: problem });
        }),
      op: z.enum(['exists', 'equals', 'matches']),
      value: value.optional(),
    })
    .superRefine(checkValue),
  z.object({ kind: z.literal('has_tools'), value: z.boolean() }),
  z.object({ kind: z.literal('stream'), value: z.boolean() }),
]) satisfies z.ZodType<RouteCondition>;

const routeSchema = z.object({
  name: name.refine((text) => text !== 'default', '"default" is the name of no route matching; choose another'),
  when: z.array(conditionSchema).max(MAX_LIST, `expected at most ${MAX_LIST} conditions`),
  to: name,
  enabled: z.boolean(),
}) satisfies z.ZodType<RouteSetting>;

function uniqueNames(routes: ReadonlyArray<{ name: string }>, context: z.RefinementCtx): void {
  const seen = new Set<string>();
  routes.forEach((route, index) => {
    if (seen.has(route.name)) context.addIssue({ code: 'custom', path: [index, 'name'], message: `another route is named "${route.name}" already; route names are unique` });
    seen.add(route.name);
  });
}

/** Routes in order, each name once. */
export const routeListSchema = z.array(routeSchema).max(MAX_LIST, `expected at most ${MAX_LIST} routes`).superRefine(uniqueNames);

/** The config file's spelling (router_settings.routes): `enabled` may be left out (on). */
export const fileRouteListSchema = z
  .array(routeSchema.extend({ enabled: z.boolean().default(true) }))
  .max(MAX_LIST, `expected at most ${MAX_LIST} routes`)
  .superRefine(uniqueNames);
