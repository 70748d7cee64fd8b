// The Routes section's fields ↔ the contract's RouteSetting, with the checks a person sees
// inline. A condition is edited as one flat record, so switching its kind keeps what was typed.
import { compilesAsRegExp, DEFAULT_ROUTE, type RouteCondition, type RouteConditionKind, type RouteSetting } from '../../../shared/routes.js';
import { quantity } from './format.js';
import { numberOf } from './number-fields.js';

type HeaderOp = Extract<RouteCondition, { kind: 'header' }>['op'];
type PathOp = Extract<RouteCondition, { kind: 'json_path' }>['op'];

export interface ConditionDraft {
  kind: RouteConditionKind;
  /** Background: model globs, comma-separated; empty for Claude's Haiku-class names. */
  models: string;
  tokens: string;
  clients: string[];
  keys: string[];
  header: string;
  headerOp: HeaderOp;
  path: string;
  pathOp: PathOp;
  value: string;
  pattern: string;
  /** has_tools and stream: the value wanted. */
  flag: boolean;
}

export interface RouteDraft {
  name: string;
  to: string;
  enabled: boolean;
  when: ConditionDraft[];
}

/** Each kind as the form names it, in the order the picker lists them (scenarios first). */
export const CONDITION_KINDS: ReadonlyArray<{ kind: RouteConditionKind; label: string; hint: string }> = [
  { kind: 'background', label: 'Background request', hint: "The client's small, fast model (Claude Code's Haiku-class titles and summaries)." },
  { kind: 'thinking', label: 'Thinking', hint: 'Extended thinking or a reasoning effort is asked for, in any dialect.' },
  { kind: 'long_context', label: 'Long prompt', hint: 'The estimated prompt is over this many tokens.' },
  { kind: 'image', label: 'Image', hint: 'Any image in the request, also inside a tool result.' },
  { kind: 'web_search', label: 'Web search', hint: 'A web-search server tool or function is offered.' },
  {
    kind: 'subagent',
    label: 'Subagent',
    hint: "Claude Code's agent header, or a <loopgate-model>group</loopgate-model> marker in a system block or the first user message (removed before it goes upstream; its group wins).",
  },
  { kind: 'client', label: 'Client', hint: 'The tool that sends it, named from its User-Agent.' },
  { kind: 'key', label: 'Virtual key', hint: 'The key the request carries.' },
  { kind: 'header', label: 'Header', hint: 'A request header is present, equals a value, or matches a regular expression.' },
  { kind: 'model', label: 'Requested model', hint: 'The model name the client asks for; * matches any run of characters.' },
  { kind: 'json_path', label: 'Value in the body', hint: 'A JSON path into the request body, like $.metadata.user_id.' },
  { kind: 'has_tools', label: 'Tools', hint: 'The request offers tools, or none.' },
  { kind: 'stream', label: 'Streaming', hint: 'The client asks for a stream, or not.' },
];

/** A new condition of a kind, with a sensible value to start from. */
export function blankCondition(kind: RouteConditionKind = 'background'): ConditionDraft {
  return { kind, models: '', tokens: '60000', clients: [], keys: [], header: '', headerOp: 'present', path: '', pathOp: 'exists', value: '', pattern: '', flag: true };
}

export function blankRoute(to = ''): RouteDraft {
  return { name: '', to, enabled: true, when: [blankCondition()] };
}

const listOf = (text: string): string[] =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

function conditionDraftOf(condition: RouteCondition): ConditionDraft {
  const draft = blankCondition(condition.kind);
  switch (condition.kind) {
    case 'background':
      return { ...draft, models: (condition.models ?? []).join(', ') };
    case 'long_context':
      return { ...draft, tokens: String(condition.tokens) };
    case 'client':
      return { ...draft, clients: [...condition.clients] };
    case 'key':
      return { ...draft, keys: [...condition.keys] };
    case 'header':
      return { ...draft, header: condition.name, headerOp: condition.op, value: condition.value ?? '' };
    case 'model':
      return { ...draft, pattern: condition.pattern };
    case 'json_path':
      return { ...draft, path: condition.path, pathOp: condition.op, value: condition.value ?? '' };
    case 'has_tools':
    case 'stream':
      return { ...draft, flag: condition.value };
    default:
      return draft;
  }
}

export function conditionOf(draft: ConditionDraft): RouteCondition {
  const withValue = (op: string): { value?: string } => (op === 'present' || op === 'exists' ? {} : { value: draft.value });
  switch (draft.kind) {
    case 'background': {
      const models = listOf(draft.models);
      return models.length > 0 ? { kind: 'background', models } : { kind: 'background' };
    }
    case 'long_context':
      return { kind: 'long_context', tokens: numberOf(draft.tokens) ?? 0 };
    case 'client':
      return { kind: 'client', clients: [...draft.clients] };
    case 'key':
      return { kind: 'key', keys: [...draft.keys] };
    case 'header':
      return { kind: 'header', name: draft.header.trim(), op: draft.headerOp, ...withValue(draft.headerOp) };
    case 'model':
      return { kind: 'model', pattern: draft.pattern.trim() };
    case 'json_path':
      return { kind: 'json_path', path: draft.path.trim(), op: draft.pathOp, ...withValue(draft.pathOp) };
    case 'has_tools':
    case 'stream':
      return { kind: draft.kind, value: draft.flag };
    default:
      return { kind: draft.kind };
  }
}

export function routeDraftsOf(routes: RouteSetting[]): RouteDraft[] {
  return routes.map((route) => ({ name: route.name, to: route.to, enabled: route.enabled, when: route.when.map(conditionDraftOf) }));
}

export function routesOf(drafts: RouteDraft[]): RouteSetting[] {
  return drafts.map((draft) => ({ name: draft.name.trim(), to: draft.to, enabled: draft.enabled, when: draft.when.map(conditionOf) }));
}

/** A condition as a line in the list: "prompt over 60,000 tokens", "header x-team = blue". */
export function describeCondition(condition: RouteCondition): string {
  const op = (name: string, kind: string, value: string | undefined): string =>
    kind === 'present' || kind === 'exists' ? `${name} ${kind}` : kind === 'equals' ? `${name} = ${value ?? ''}` : `${name} ~ /${value ?? ''}/`;
  switch (condition.kind) {
    case 'background':
      return condition.models?.length ? `background (${condition.models.join(', ')})` : 'background request';
    case 'long_context':
      return `prompt over ${quantity(condition.tokens, 'tokens')}`;
    case 'client':
      return `client: ${condition.clients.join(' or ') || 'none chosen'}`;
    case 'key':
      return `key: ${condition.keys.join(' or ') || 'none chosen'}`;
    case 'header':
      return op(`header ${condition.name}`, condition.op, condition.value);
    case 'model':
      return `model ${condition.pattern}`;
    case 'json_path':
      return op(condition.path, condition.op, condition.value);
    case 'has_tools':
      return condition.value ? 'has tools' : 'no tools';
    case 'stream':
      return condition.value ? 'streaming' : 'not streaming';
    case 'web_search':
      return 'web search';
    default:
      return condition.kind;
  }
}

/** Errors by route index (`2`) or condition (`2.1`). */
export type RouteErrors = Record<string, string>;

function conditionError(draft: ConditionDraft): string | null {
  switch (draft.kind) {
    case 'long_context': {
      const tokens = numberOf(draft.tokens);
      return tokens === null || !Number.isInteger(tokens) || tokens <= 0 ? 'A whole number of tokens above zero, like 60000.' : null;
    }
    case 'client':
      return draft.clients.length === 0 ? 'Choose at least one client.' : null;
    case 'key':
      return draft.keys.length === 0 ? 'Choose at least one key.' : null;
    case 'header':
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(draft.header.trim())) return 'Name the header, like x-team.';
      return draft.headerOp === 'matches' && !compilesAsRegExp(draft.value) ? 'Not a regular expression this can match with.' : null;
    case 'model':
      return draft.pattern.trim() ? null : 'A model name or pattern, like claude-*-haiku-*.';
    case 'json_path':
      if (!draft.path.trim().startsWith('$')) return 'A JSON path starts with $, like $.metadata.user_id.';
      return draft.pathOp === 'matches' && !compilesAsRegExp(draft.value) ? 'Not a regular expression this can match with.' : null;
    default:
      return null;
  }
}

/** What is wrong with each route or condition, said next to it; empty when the routes can be saved. */
export function routeErrors(drafts: RouteDraft[], groups: string[]): RouteErrors {
  const errors: RouteErrors = {};
  const seen = new Set<string>();
  drafts.forEach((draft, index) => {
    const name = draft.name.trim();
    const message = !name
      ? 'Name the route: answers and the request log show it.'
      : name === DEFAULT_ROUTE
        ? `“${DEFAULT_ROUTE}” names the requests no route takes; choose another name.`
        : seen.has(name)
          ? `“${name}” is already a route above.`
          : !draft.to
            ? 'Choose the group it sends requests to.'
            : !groups.includes(draft.to)
              ? `No group is called “${draft.to}”.`
              : null;
    seen.add(name);
    if (message) errors[String(index)] = message;
    draft.when.forEach((condition, at) => {
      const problem = conditionError(condition);
      if (problem) errors[`${index}.${at}`] = problem;
    });
  });
  return errors;
}
