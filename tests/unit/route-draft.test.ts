// The Routes section's form (renderer/src/lib/route-draft.ts): every condition kind comes back
// from the form as it went in (an unchanged route is not "unsaved changes", and a save sends what
// was shown), what a person must fix is said next to the route or condition, and the route
// test's header lines and client list read as the gateway reads them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KNOWN_CLIENTS } from '../../renderer/src/lib/client-names.js';
import { blankRoute, describeCondition, routeDraftsOf, routeErrors, routesOf } from '../../renderer/src/lib/route-draft.js';
import { parseHeaders } from '../../renderer/src/lib/route-samples.js';
import type { RouteSetting } from '../../shared/routes.js';

const EVERY_KIND: RouteSetting[] = [
  { name: 'bg', to: 'cheap', enabled: true, when: [{ kind: 'background' }] },
  { name: 'bg-own', to: 'cheap', enabled: false, when: [{ kind: 'background', models: ['gpt-*-mini', 'claude-*haiku*'] }] },
  { name: 'scenarios', to: 'big', enabled: true, when: [{ kind: 'thinking' }, { kind: 'image' }, { kind: 'web_search' }, { kind: 'subagent' }, { kind: 'long_context', tokens: 70000 }] },
  {
    name: 'who',
    to: 'big',
    enabled: true,
    when: [
      { kind: 'client', clients: ['Claude Code', 'Codex CLI'] },
      { kind: 'key', keys: ['team-a'] },
    ],
  },
  {
    name: 'rules',
    to: 'big',
    enabled: true,
    when: [
      { kind: 'header', name: 'x-team', op: 'present' },
      { kind: 'header', name: 'x-team', op: 'matches', value: '^blue' },
      { kind: 'model', pattern: 'gpt-4*' },
      { kind: 'json_path', path: '$.metadata.user_id', op: 'equals', value: 'u1' },
      { kind: 'json_path', path: '$.tools[0].name', op: 'exists' },
      { kind: 'has_tools', value: false },
      { kind: 'stream', value: true },
    ],
  },
];

describe('the routes form', () => {
  it('gives back every kind of condition exactly as it was saved', () => {
    expect(routesOf(routeDraftsOf(EVERY_KIND))).toEqual(EVERY_KIND);
    expect(routeErrors(routeDraftsOf(EVERY_KIND), ['cheap', 'big'])).toEqual({});
  });

  it('says what to fix next to the route or the condition', () => {
    const drafts = routeDraftsOf([
      { name: 'a', to: 'big', enabled: true, when: [{ kind: 'long_context', tokens: 1 }] },
      { name: 'a', to: 'big', enabled: true, when: [] },
      { name: 'default', to: 'big', enabled: true, when: [] },
      { name: 'gone', to: 'removed-group', enabled: true, when: [{ kind: 'header', name: 'x team', op: 'present' }] },
    ]);
    drafts[0]!.when[0]!.tokens = 'lots';
    drafts.push(blankRoute());
    expect(routeErrors(drafts, ['big'])).toEqual({
      '0.0': 'A whole number of tokens above zero, like 60000.',
      '1': '“a” is already a route above.',
      '2': '“default” names the requests no route takes; choose another name.',
      '3': 'No group is called “removed-group”.',
      '3.0': 'Name the header, like x-team.',
      '4': 'Name the route: answers and the request log show it.',
    });
    const bad = routeDraftsOf([{ name: 'r', to: 'big', enabled: true, when: [{ kind: 'json_path', path: 'metadata', op: 'matches', value: '(' }] }]);
    expect(routeErrors(bad, ['big'])['0.0']).toBe('A JSON path starts with $, like $.metadata.user_id.');
    bad[0]!.when[0]!.path = '$.metadata';
    expect(routeErrors(bad, ['big'])['0.0']).toBe('Not a regular expression this can match with.');
  });

  it('describes each condition in a few words for the list', () => {
    expect(EVERY_KIND.flatMap((route) => route.when).map(describeCondition)).toEqual([
      'background request',
      'background (gpt-*-mini, claude-*haiku*)',
      'thinking',
      'image',
      'web search',
      'subagent',
      'prompt over 70,000 tokens',
      'client: Claude Code or Codex CLI',
      'key: team-a',
      'header x-team present',
      'header x-team ~ /^blue/',
      'model gpt-4*',
      '$.metadata.user_id = u1',
      '$.tools[0].name exists',
      'no tools',
      'streaming',
    ]);
  });
});

describe('the route test', () => {
  it('reads header lines as name: value, and names the line that is not one', () => {
    expect(parseHeaders('User-Agent: claude-cli/2.0\n\n x-team :  blue \nx-url: http://a:1')).toEqual({ headers: { 'user-agent': 'claude-cli/2.0', 'x-team': 'blue', 'x-url': 'http://a:1' } });
    expect(parseHeaders('x-team blue')).toEqual({ error: '“x-team blue” is not a header: write name: value, one a line.' });
  });

  it('offers the clients the gateway names, no more and no fewer', () => {
    const source = readFileSync(new URL('../../electron/gateway/accounting/client-name.ts', import.meta.url), 'utf8');
    const named = [...source.matchAll(/\['[^']+', '([^']+)'\]/g)].map((match) => match[1]);
    expect([...new Set(named)].sort()).toEqual([...KNOWN_CLIENTS].sort());
  });
});
