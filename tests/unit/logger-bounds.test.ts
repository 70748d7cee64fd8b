// A log line cannot be made huge by what a client sent: each field keeps at most MAX_LOG_FIELD characters.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BatchedJsonLogger, MAX_LOG_FIELD } from '../../electron/core/logger.js';

describe('BatchedJsonLogger', () => {
  it('cuts a 4 MiB field and says how much was left out; short fields pass whole', async () => {
    const sink = new PassThrough();
    let written = '';
    sink.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const logger = new BatchedJsonLogger(sink);
    logger.log('warn', 'Left out tools the upstream cannot run', { id: 'r1', tools: 'x'.repeat(4 * 1024 * 1024) });
    logger.log('info', 'request', { id: 'r2', model: 'gpt-4o' });
    await logger.flush();
    const [first, second] = written
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string>);
    expect(first!.tools!.length).toBeLessThan(MAX_LOG_FIELD + 64);
    expect(first!.tools).toContain(`(${4 * 1024 * 1024 - MAX_LOG_FIELD} more characters)`);
    expect(second).toMatchObject({ id: 'r2', model: 'gpt-4o', msg: 'request' });
  });
});
