import { describe, expect, it } from 'vitest';
import type { DeploymentLive, DeploymentView } from '../../shared/api.js';
import { providerFailure } from '../../shared/provider-failure.js';
import { providerHealth } from '../../renderer/src/lib/provider-health.js';

describe('a provider failure, said with its next step', () => {
  it.each([
    ['connect ECONNREFUSED 127.0.0.1:9', 'Nothing answered at 127.0.0.1:9. Is the server running? Check the base URL.'],
    ['Could not reach the upstream deployment "dep_1" (http://127.0.0.1:9): ECONNREFUSED (connect failed).', 'Nothing answered at 127.0.0.1:9. Is the server running? Check the base URL.'],
    ['getaddrinfo ENOTFOUND api.exmaple.com', 'The host api.exmaple.com was not found. Check the base URL.'],
    ['Headers Timeout Error', 'No answer in time. Is the server running? Check the base URL.'],
    ['the provider answered 401: {"error":{"message":"Incorrect API key provided"}}', 'The provider refused the key (401: Incorrect API key provided). Check the API key.'],
    ['404 {"error":"no route"}', 'Nothing found there (404: no route). Check the base URL.'],
    ['the provider answered 429: slow down', "The provider is limiting requests (429: slow down). Wait a moment, or check the plan's quota."],
  ])('%s', (raw, said) => {
    expect(providerFailure(raw)).toBe(said);
  });

  it('leaves a message it does not know as it is', () => {
    expect(providerFailure('Bedrock model listing is not supported; add models by their id.')).toBe('Bedrock model listing is not supported; add models by their id.');
  });
});

const live = (state: Partial<DeploymentLive>): DeploymentView =>
  ({ live: { state: 'healthy', coolingUntil: null, lastError: null, lastErrorAt: null, inFlight: 0, requestsLastMinute: 0, latencyMs: null, ...state } }) as DeploymentView;

describe("a provider's health from its deployments' live state", () => {
  it('says a provider no request used yet is not known to work, and one that answered is working', () => {
    expect(providerHealth([])).toMatchObject({ label: 'no models' });
    expect(providerHealth([live({})])).toMatchObject({ label: 'not used yet', detail: null });
    expect(providerHealth([live({ latencyMs: 120 })])).toMatchObject({ label: 'working', tone: 'ok' });
  });

  it('shows the worst state with what to check, a cooldown before a failure', () => {
    const failing = live({ state: 'failing', lastError: 'connect ECONNREFUSED 127.0.0.1:9' });
    expect(providerHealth([live({ latencyMs: 80 }), failing])).toEqual({ label: 'failing', tone: 'danger', detail: 'Nothing answered at 127.0.0.1:9. Is the server running? Check the base URL.' });
    const cooling = live({ state: 'cooling', coolingUntil: Date.UTC(2026, 0, 1, 12), lastError: '401 {"error":{"message":"bad key"}}' });
    expect(providerHealth([failing, cooling])).toMatchObject({
      label: 'cooling down',
      tone: 'warn',
      detail: expect.stringMatching(/^Resting until .+\. The provider refused the key \(401: bad key\)\. Check the API key\.$/),
    });
    expect(providerHealth([live({ state: 'disabled', lastError: 'x' })])).toMatchObject({ label: 'no models' });
  });
});
