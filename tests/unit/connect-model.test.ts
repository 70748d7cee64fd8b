// Connect's default model: the most-used group that works now, not the first name A–Z.
import { describe, expect, it } from 'vitest';
import { rankModels } from '../../renderer/src/lib/connect-model.js';
import type { DeploymentLive, DeploymentView } from '../../shared/api.js';

function deployment(modelName: string, state: DeploymentLive['state'] = 'healthy', inForce = true): DeploymentView {
  const live: DeploymentLive = { state, coolingUntil: null, lastError: state === 'healthy' ? null : 'connect ECONNREFUSED', lastErrorAt: null, inFlight: 0, requestsLastMinute: 0, latencyMs: null };
  return {
    id: `${modelName}-${state}`,
    modelName,
    provider: 'openai',
    providerId: null,
    upstreamModel: modelName,
    apiBase: '',
    settings: {} as DeploymentView['settings'],
    version: 0,
    source: 'app',
    inForce,
    live,
    readOnly: false,
    state,
  };
}

const usage = (rows: Record<string, number>) => Object.entries(rows).map(([model, requests]) => ({ model, requests, failures: 0, tokens: 0, cost: 0 }));

describe('the model Connect fills in', () => {
  it('is the most-used group, not the first A–Z', () => {
    expect(rankModels([deployment('a-model'), deployment('gpt-4o'), deployment('m-model')], usage({ 'gpt-4o': 40, 'm-model': 3 }))).toEqual(['gpt-4o', 'm-model', 'a-model']);
  });

  it('passes over a group that is failing or cooling down, however used, for one that works', () => {
    const ranked = rankModels([deployment('aaa-broken', 'failing'), deployment('busy', 'cooling'), deployment('zzz-works')], usage({ 'aaa-broken': 100, busy: 50 }));
    expect(ranked[0]).toBe('zzz-works');
    expect(ranked).toEqual(['zzz-works', 'aaa-broken', 'busy']);
  });

  it('counts a group as working when any of its deployments is healthy, and leaves out deployments not in force', () => {
    expect(rankModels([deployment('mixed', 'failing'), deployment('mixed'), deployment('other')], usage({ mixed: 2, other: 1 }))[0]).toBe('mixed');
    expect(rankModels([deployment('shadowed', 'healthy', false), deployment('real')], [])).toEqual(['real']);
  });

  it('puts a wildcard group after the names a tool can ask for, and falls back to A–Z without usage', () => {
    expect(rankModels([deployment('*'), deployment('b'), deployment('a')], usage({ '*': 500 }))).toEqual(['a', 'b', '*']);
  });
});
