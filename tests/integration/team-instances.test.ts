// Which instances of a team server are live (issue 16): each writes a heartbeat to Redis that
// expires on its own. The status API (what the Overview shows) lists them; one that stops drops
// out at once, one killed outright once its heartbeat expires; a laptop lists none.
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, tempDir, writeConfig } from '../helpers/cli.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startTeamServer, type TeamServer } from '../helpers/team-server.js';
import { openEvents, signIn, uiValue } from '../helpers/ui-events.js';

// Short beats, so a test need not wait out the 10 s a server's heartbeat lasts.
const FAST = { intervalMs: 100, expiryMs: 1_000 };

let team: TeamServer;
let a: TestGateway;
let b: TestGateway;

beforeAll(async () => {
  team = await startTeamServer();
  a = await team.instance({ instanceHeartbeat: FAST });
  b = await team.instance({ instanceHeartbeat: FAST });
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await team?.stop();
});

async function liveOn(gateway: TestGateway): Promise<string[]> {
  const status = await uiValue(gateway.url, await signIn(gateway.url), 'status.get', {});
  return (status.instances?.live ?? []).map((instance) => instance.address).sort();
}

const addressOf = (gateway: { url: string }): string => new URL(gateway.url).host;

describe('live instances of a team server', () => {
  it('lists both instances in the status API of each, with host, address, version, store and Redis state', async () => {
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const status = await uiValue(self.url, await signIn(self.url), 'status.get', {});
      expect(status.instances).toMatchObject({ registry: 'redis', available: true });
      const live = status.instances!.live;
      expect(live.map((instance) => instance.address).sort()).toEqual([addressOf(a), addressOf(b)].sort());
      expect(live.find((instance) => instance.self)?.address).toBe(addressOf(self));
      expect(live.find((instance) => !instance.self)?.address).toBe(addressOf(other));
      for (const instance of live) {
        expect(instance).toMatchObject({ host: hostname(), version: status.version, store: 'postgres', redis: 'connected' });
        expect(instance.lastSeen).toBeLessThanOrEqual(status.instances!.checkedAt);
      }
    }
  });

  it('tells an open Overview when an instance joins, and drops one that stops at once', async () => {
    const events = await openEvents(a.url, await signIn(a.url));
    try {
      await events.next('status');
      const c = await team.instance({ instanceHeartbeat: FAST });
      const joined = await events.next('status', 5_000, (status) => status.instances?.live.length === 3);
      expect(joined.instances!.live.map((instance) => instance.address)).toContain(addressOf(c));
      await c.close();
      // A graceful stop removes its heartbeat: gone from the next read, not after the expiry.
      expect(await liveOn(a)).toEqual([addressOf(a), addressOf(b)].sort());
      await events.next('status', 5_000, (status) => status.instances?.live.length === 2);
    } finally {
      events.close();
    }
  });

  it('drops an instance killed with SIGKILL once its heartbeat expires (10 s)', async () => {
    const dir = tempDir('loopgate-killed-');
    const served = await startServe(['--config', writeConfig(dir, team.yaml), '--port', '0', '--data-dir', dir], team.env);
    try {
      await expect.poll(() => liveOn(a), { timeout: 10_000, interval: 100 }).toContain(addressOf(served));
      served.signal('SIGKILL');
      await served.exit;
      // No goodbye: still listed until the heartbeat it last wrote expires.
      expect(await liveOn(b)).toContain(addressOf(served));
      await expect.poll(() => liveOn(b), { timeout: 15_000, interval: 250 }).toEqual([addressOf(a), addressOf(b)].sort());
    } finally {
      if (served.child.exitCode === null && served.child.signalCode === null) served.signal('SIGKILL');
    }
  }, 40_000);

  it('while Redis is away, says the list is unknown and shows this instance alone', async () => {
    await team.redis.kill();
    try {
      await expect
        .poll(async () => (await uiValue(a.url, await signIn(a.url), 'status.get', {})).instances, { timeout: 5_000 })
        .toMatchObject({
          available: false,
          live: [{ address: addressOf(a), self: true, redis: 'unavailable' }],
        });
    } finally {
      await team.redis.restart();
    }
    // Back: both beat again.
    await expect.poll(() => liveOn(a), { timeout: 10_000, interval: 100 }).toEqual([addressOf(a), addressOf(b)].sort());
  });

  it('lists no instances on a laptop (no shared store, no Redis)', async () => {
    const laptop = await startTestGateway('model_list: []\n');
    try {
      expect((await uiValue(laptop.url, await signIn(laptop.url), 'status.get', {})).instances).toBeNull();
    } finally {
      await laptop.close();
    }
  });
});
