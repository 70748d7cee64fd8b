// The process-level guard: a fault that escapes one request's handling ends that request, and
// the process goes on; a fault outside any request is left to the entry point's policy.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../electron/core/logger.js';
import { guardProcess, runInRequest } from '../../electron/core/request-scope.js';

function guarded() {
  const source = new EventEmitter();
  const logger = new MemoryLogger();
  const outside: unknown[] = [];
  guardProcess({ logger, source, outsideRequest: (error) => outside.push(error) });
  return { source, logger, outside };
}

describe('guardProcess', () => {
  it('a throw in a timer a request scheduled ends that request only, logged under its id', async () => {
    const { source, logger, outside } = guarded();
    const ended: string[] = [];
    const fault = new Error('boom in a callback');
    await new Promise<void>((resolve) => {
      runInRequest({ id: 'req-1', end: () => ended.push('req-1') }, () => {
        setTimeout(() => {
          // What the process does with an uncaught throw: hand it to its listeners.
          source.emit('uncaughtException', fault);
          resolve();
        }, 1);
      });
    });
    expect(ended).toEqual(['req-1']);
    expect(outside).toEqual([]);
    expect(logger.records).toEqual([expect.objectContaining({ level: 'error', id: 'req-1', error: expect.stringContaining('boom in a callback') })]);
  });

  it('a promise a request left unawaited is tied to that request', async () => {
    const { source, outside } = guarded();
    const ended: string[] = [];
    await runInRequest({ id: 'req-2', end: () => ended.push('req-2') }, async () => {
      await Promise.resolve();
      source.emit('unhandledRejection', 'not even an Error');
    });
    expect(ended).toEqual(['req-2']);
    expect(outside).toEqual([]);
  });

  it('a fault outside any request goes to the entry point (which exits headless)', () => {
    const { source, outside, logger } = guarded();
    const fault = new Error('start-up');
    source.emit('uncaughtException', fault);
    expect(outside).toEqual([fault]);
    expect(logger.records[0]?.msg).toBe('uncaught exception outside any request');
  });

  it('two requests at once: the fault ends the one it came from', async () => {
    const { source } = guarded();
    const ended: string[] = [];
    const run = (id: string, fails: boolean) =>
      runInRequest({ id, end: () => ended.push(id) }, async () => {
        await new Promise((resolve) => setTimeout(resolve, fails ? 5 : 1));
        if (fails) source.emit('uncaughtException', new Error(id));
      });
    await Promise.all([run('a', false), run('b', true), run('c', false)]);
    expect(ended).toEqual(['b']);
  });
});
