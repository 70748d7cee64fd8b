// The HTTP route table as data (gateway/http/routes.ts): every row says who may call it, its
// error shape and whether pause applies, and a path finds the row a client would expect.
import { describe, expect, it } from 'vitest';
import { LITELLM_ROUTES } from '../../electron/gateway/admin/litellm-routes.js';
import { UI_ROUTES } from '../../electron/gateway/admin/ui-routes.js';
import { PUBLIC_ROUTES } from '../../electron/gateway/http/public-routes.js';
import { matchRoute, unmeteredRoutes, type Access, type ErrorShape, type Route } from '../../electron/gateway/http/routes.js';
import { INFERENCE_ROUTES } from '../../electron/gateway/inference/routes.js';

// The order the gateway binds them in (http/server.ts).
const ROWS: readonly Route<never>[] = [...PUBLIC_ROUTES, ...LITELLM_ROUTES, ...INFERENCE_ROUTES, ...UI_ROUTES];
const ACCESS: readonly Access[] = ['public', 'any-key', 'master-key', 'metrics', 'ui-page', 'ui-loopback', 'ui-session'];
const SHAPES: readonly ErrorShape[] = ['openai', 'anthropic', 'google', 'litellm', 'ui-data'];

/** What a request finds: the row's access, error shape, pause and path parameters; or 405 / 404. */
function lookup(method: string, path: string): string | { access: Access; errors: ErrorShape; pausable: boolean; params: readonly string[] } {
  const found = matchRoute(ROWS, method, path);
  if (!found) return '404';
  if ('wrongMethod' in found) return `405 ${found.wrongMethod.errors}`;
  return { access: found.route.access, errors: found.route.errors, pausable: found.route.pausable, params: found.params };
}

describe('the route table', () => {
  it('gives every row a method, an access rule, an error shape and a pause rule; pause applies to key-holding routes only', () => {
    for (const row of ROWS) {
      expect(ACCESS).toContain(row.access);
      expect(SHAPES).toContain(row.errors);
      expect(typeof row.pausable).toBe('boolean');
      expect(row.method.length).toBeGreaterThan(0);
      if (row.pausable) expect(row.access).toBe('any-key');
      if (row.probe) expect(row.access).toBe('public');
    }
  });

  it('finds the row for sample paths, with and without /v1, and its parameters still encoded', () => {
    expect(lookup('POST', '/v1/chat/completions')).toEqual({ access: 'any-key', errors: 'openai', pausable: true, params: [] });
    expect(lookup('POST', '/chat/completions')).toEqual({ access: 'any-key', errors: 'openai', pausable: true, params: [] });
    expect(lookup('POST', '/v1/messages')).toMatchObject({ errors: 'anthropic', pausable: true });
    expect(lookup('POST', '/v1/messages/count_tokens')).toMatchObject({ errors: 'anthropic', pausable: true });
    expect(lookup('GET', '/v1/models/org%2Fmodel')).toEqual({ access: 'any-key', errors: 'openai', pausable: true, params: ['org%2Fmodel'] });
    expect(lookup('POST', '/v1beta/models/gemini-pro:streamGenerateContent')).toEqual({ access: 'any-key', errors: 'google', pausable: true, params: ['gemini-pro', 'streamGenerateContent'] });
    // Gemini's method paths come before the OpenAI model lookup they also look like.
    expect(lookup('GET', '/v1/models/gemini-pro:generateContent')).toBe('405 google');
    expect(lookup('GET', '/v1beta/models')).toMatchObject({ errors: 'google', params: [''] });
    expect(lookup('PUT', '/v1beta/anything')).toMatchObject({ access: 'public', errors: 'google', pausable: false });
    expect(lookup('POST', '/key/sk%2Fid/regenerate')).toEqual({ access: 'master-key', errors: 'litellm', pausable: false, params: ['sk%2Fid'] });
    expect(lookup('GET', '/v1/model/info')).toMatchObject({ access: 'any-key', errors: 'litellm', pausable: false });
    expect(lookup('GET', '/key/info')).toMatchObject({ access: 'any-key', pausable: false });
    expect(lookup('GET', '/health')).toMatchObject({ access: 'master-key', pausable: false });
    expect(lookup('GET', '/metrics')).toMatchObject({ access: 'metrics', pausable: false });
    expect(lookup('GET', '/health/readiness')).toMatchObject({ access: 'public' });
    expect(lookup('POST', '/ui/api/keys.list')).toEqual({ access: 'ui-session', errors: 'ui-data', pausable: false, params: ['keys.list'] });
    expect(lookup('GET', '/ui/keys')).toMatchObject({ access: 'ui-page' });
    expect(lookup('GET', '/ui/login')).toMatchObject({ access: 'ui-loopback' });
  });

  it('answers 405 on a known API path with another method, 404 where no row owns the path', () => {
    expect(lookup('GET', '/v1/chat/completions')).toBe('405 openai');
    expect(lookup('GET', '/messages')).toBe('405 anthropic');
    expect(lookup('POST', '/v1/models/gpt-4o')).toBe('404');
    expect(lookup('GET', '/key/generate')).toBe('404');
    expect(lookup('POST', '/ui/login')).toBe('404');
    expect(lookup('GET', '/v2/chat/completions')).toBe('404');
  });

  it('answers a path asked again (the table remembers) as the first time, per table, long paths included', () => {
    const first = lookup('GET', '/v1/models/org%2Fmodel');
    expect(lookup('GET', '/v1/models/org%2Fmodel')).toEqual(first);
    // Another table with the same path finds its own row, not the one remembered for the gateway's.
    const own: Route<never>[] = [{ method: 'GET', path: /^\/v1\/models\/(.*)$/, access: 'public', errors: 'litellm', pausable: false, handle: () => undefined }];
    expect(matchRoute(own, 'GET', '/v1/models/org%2Fmodel')).toMatchObject({ route: { access: 'public' }, params: ['org%2Fmodel'] });
    expect(matchRoute(own, 'POST', '/v1/models/org%2Fmodel')).toBeNull();
    const long = `/v1/models/${'m'.repeat(400)}`;
    expect(lookup('GET', long)).toMatchObject({ params: ['m'.repeat(400)] });
    expect(lookup('GET', long)).toMatchObject({ params: ['m'.repeat(400)] });
    // Remembered parameters are shared, so no handler may change them.
    const found = matchRoute(ROWS, 'GET', '/v1/models/org%2Fmodel');
    expect(found && 'params' in found && Object.isFrozen(found.params)).toBe(true);
  });

  it('leaves probes and /metrics out of the metrics, and nothing else', () => {
    expect([...unmeteredRoutes(ROWS)].sort()).toEqual(['GET /', 'GET /health/liveliness', 'GET /health/liveness', 'GET /health/readiness', 'GET /metrics', 'HEAD /'].sort());
  });
});
