// The error answer itself can fail (a header Node refuses to write): that must close the one
// connection, never throw out of the request handler (an unhandled rejection ends Node).
import { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
// eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with apply on each response
const writeHead = ServerResponse.prototype.writeHead;

beforeAll(async () => {
  gw = await startTestGateway('model_list: []\n');
});

afterAll(async () => {
  ServerResponse.prototype.writeHead = writeHead;
  await gw?.close();
});

describe('when even the error answer cannot be written', () => {
  it('the connection closes, the log says why, and the next request is answered', async () => {
    // Every answer to this one request fails to write its head, as a header with CR LF would.
    ServerResponse.prototype.writeHead = function (this: ServerResponse, ...args: Parameters<typeof writeHead>) {
      if (this.req.url === '/v1/models/doomed') throw new TypeError('Invalid character in header content ["x-test"]');
      return writeHead.apply(this, args);
    } as typeof writeHead;
    const doomed = fetch(`${gw.url}/v1/models/doomed`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` }, signal: AbortSignal.timeout(10_000) });
    await expect(doomed).rejects.toThrow(/fetch failed/);
    expect(gw.logger.records.some((record) => record.msg.startsWith('the error answer could not be written'))).toBe(true);
    const next = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } });
    expect(next.status).toBe(200);
  });
});
