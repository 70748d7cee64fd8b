import { createConnection } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../helpers/services/postgres.js';
import { testRedisUrl } from '../../helpers/services/redis.js';

describe('the throw-away test services', () => {
  it('gives each caller its own empty PostgreSQL database on loopback', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    expect(new URL(a).hostname).toBe('127.0.0.1');
    expect(a).not.toBe(b);
    const client = new pg.Client({ connectionString: a });
    await client.connect();
    try {
      await client.query('CREATE TABLE t (n integer)');
      await client.query('INSERT INTO t VALUES (41), (1)');
      expect((await client.query<{ sum: number }>('SELECT SUM(n)::int AS sum FROM t')).rows[0]!.sum).toBe(42);
    } finally {
      await client.end();
    }
    const other = new pg.Client({ connectionString: b });
    await other.connect();
    try {
      expect((await other.query("SELECT to_regclass('t') AS t")).rows[0]).toEqual({ t: null });
    } finally {
      await other.end();
    }
  });

  it('runs a Redis on loopback that answers', async () => {
    const url = new URL(testRedisUrl());
    expect(url.hostname).toBe('127.0.0.1');
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = createConnection({ host: url.hostname, port: Number(url.port) }, () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        resolve(chunk.toString());
        socket.destroy();
      });
      socket.on('error', reject);
    });
    expect(reply).toBe('+PONG\r\n');
  });
});
