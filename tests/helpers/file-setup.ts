// What most integration files start before their tests and close after: mock upstreams, and a
// gateway over them with a virtual key. Each helper registers the file's beforeAll/afterAll and
// returns an object those hooks fill in (read it inside tests, not at module level).
import { afterAll, beforeAll } from 'vitest';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from './gateway.js';

interface Closable {
  close(): Promise<void>;
}

type Starters<M> = { [K in keyof M]: () => Promise<M[K]> };

/** Starts the mocks one after another (in the order given) into `into`. */
async function startMocks<M extends Record<string, Closable>>(starters: Starters<M>, into: M): Promise<void> {
  for (const name of Object.keys(starters) as Array<keyof M>) into[name] = await starters[name]();
}

/** Closes whatever of `mocks` was started. */
async function closeMocks(mocks: Partial<Record<string, Closable>>): Promise<void> {
  const started = Object.values(mocks).filter((mock): mock is Closable => mock !== undefined);
  await Promise.all(started.map((mock) => mock.close()));
}

/** Mock upstreams started before the file's tests and closed after them. */
export function useMocks<M extends Record<string, Closable>>(starters: Starters<M>): M {
  const mocks = {} as M;
  beforeAll(() => startMocks(starters, mocks));
  afterAll(() => closeMocks(mocks));
  return mocks;
}

export type GatewaySetup<M> = M & {
  gw: TestGateway;
  /** The secret of the key made with `keyAlias` ('' without one). */
  key: string;
  /** That key's id (its token). */
  token: string;
};

export interface GatewaySetupOptions extends TestGatewayOptions {
  /** Makes a virtual key with this alias once the gateway is up. */
  keyAlias?: string;
}

/** Mocks, then a gateway over them from `config(mocks)` (and a key); the gateway closes first, then the mocks. */
export function useGateway<M extends Record<string, Closable>>(starters: Starters<M>, config: (mocks: M) => string, options: GatewaySetupOptions = {}): GatewaySetup<M> {
  const { keyAlias, ...gatewayOptions } = options;
  const mocks = {} as M;
  const setup = { key: '', token: '' } as GatewaySetup<M>;
  beforeAll(async () => {
    await startMocks(starters, mocks);
    Object.assign(setup, mocks);
    setup.gw = await startTestGateway(config(mocks), gatewayOptions);
    if (keyAlias === undefined) return;
    const created = await setup.gw.manage('POST', '/key/generate', { key_alias: keyAlias });
    setup.key = created.body.key as string;
    setup.token = created.body.token as string;
  });
  afterAll(async () => {
    await setup.gw?.close();
    await closeMocks(mocks);
  });
  return setup;
}
