// The session and project a request is attributed to come from headers the client chose: the log
// keeps them printable and short, whatever was sent, and the usual values exactly as sent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectOf, sessionOf } from '../../electron/gateway/accounting/attribution.js';

describe('session and project from request headers', () => {
  it("takes Claude Code's session header, else Codex's, and the project header", () => {
    const id = '0f6a0c4e-6a55-4c1e-9a1b-2f3c4d5e6f70';
    expect(sessionOf({ 'x-claude-code-session-id': id, 'session-id': 'other' })).toBe(id);
    expect(sessionOf({ 'session-id': '01a24f98-02ae-7c73-b522-6ef5f619ef6b' })).toBe('01a24f98-02ae-7c73-b522-6ef5f619ef6b');
    expect(sessionOf({})).toBeNull();
    expect(sessionOf({ 'x-claude-code-session-id': '  \t ' })).toBeNull();
    expect(projectOf({ 'x-loopgate-project': 'loopgate' })).toBe('loopgate');
    expect(projectOf({ 'x-loopgate-project': ['first', 'second'] })).toBe('first');
    // Node reads header bytes as Latin-1: a UTF-8 directory name comes back as itself.
    expect(projectOf({ 'x-loopgate-project': Buffer.from('café-東京', 'utf8').toString('latin1') })).toBe('café-東京');
    expect(projectOf({ 'x-loopgate-project': 'a\u202eevil\u0007' })).toBe('aevil');
  });

  it('whatever is sent, keeps at most 120 printable characters, trimmed, or none', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const project = projectOf({ 'x-loopgate-project': text });
        if (project === null) return;
        expect(Array.from(project).length).toBeLessThanOrEqual(120);
        expect(project).toBe(project.trim());
        // eslint-disable-next-line no-control-regex -- no control character may remain
        expect(project).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
        expect(project).not.toBe('');
      }),
      { seed: 20261207, numRuns: 500 },
    );
  });
});
