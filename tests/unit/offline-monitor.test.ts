// The offline state machine (gateway/inference/offline.ts): only a cloud upstream's failure takes
// it offline, each state lasts its minimum time (no flapping), and only a probe that sees the
// cloud brings it back, with one notice per change.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { storedDeployment } from '../../electron/config/deployment.js';
import { ConnectivityMonitor, offlineGroup } from '../../electron/gateway/inference/offline.js';

const cloud = storedDeployment({ id: 'c', modelName: 'gpt', family: 'openai', upstreamModel: 'gpt', apiBase: 'https://api.openai.com/v1', apiKey: 'sk' });
const ollama = storedDeployment({ id: 'o', modelName: 'llama', family: 'ollama', upstreamModel: 'llama', apiBase: 'http://gpu-box.lan:11434/v1', apiKey: null });
const loopback = storedDeployment({ id: 'l', modelName: 'llama', family: 'openai', upstreamModel: 'llama', apiBase: 'http://127.0.0.1:8080/v1', apiKey: null });

afterEach(() => vi.useRealTimers());

/** `setting.group`: the local group in force now (null: off), as the app's routing settings say. */
function monitor(reachable: { value: boolean }, setting: { group: string | null } = { group: 'local' }): { monitor: ConnectivityMonitor; changes: string[] } {
  vi.useFakeTimers();
  const changes: string[] = [];
  const made = new ConnectivityMonitor({
    settings: () => (setting.group === null ? null : { group: setting.group, probeIntervalMs: 1_000, minStateMs: 10_000 }),
    probe: () => Promise.resolve(reachable.value),
    changed: (state) => changes.push(state),
    clock: () => Date.now(),
  });
  return { monitor: made, changes };
}

describe('ConnectivityMonitor', () => {
  it('ignores local upstreams, stays offline for its minimum time, and comes back only when a probe sees the cloud', async () => {
    const reachable = { value: false };
    const { monitor: m, changes } = monitor(reachable);
    m.unreachable(ollama);
    m.unreachable(loopback);
    expect(m.state).toBe('online');

    m.unreachable(cloud);
    expect(m.state).toBe('offline');
    expect(m.diverts([cloud])).toBe(true);
    expect(m.diverts([cloud, loopback])).toBe(false);

    // The cloud answers at once, but offline lasts its minimum time.
    reachable.value = true;
    await vi.advanceTimersByTimeAsync(9_000);
    expect(m.state).toBe('offline');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(m.state).toBe('online');

    // A failure right after coming back does not flip it again; one after the minimum does.
    m.unreachable(cloud);
    expect(m.state).toBe('online');
    await vi.advanceTimersByTimeAsync(10_000);
    m.unreachable(cloud);
    expect(m.state).toBe('offline');
    expect(changes).toEqual(['offline', 'online', 'offline']);
    m.stop();
  });

  it('diverts no key whose metadata says offline_fallback: false', () => {
    const { monitor: m } = monitor({ value: false });
    m.unreachable(cloud);
    const key = (metadata: Record<string, unknown>) => ({ kind: 'virtual' as const, key: { metadata } as never });
    expect(offlineGroup(m, [cloud], key({}))).toBe('local');
    expect(offlineGroup(m, [cloud], key({ offline_fallback: false }))).toBeNull();
    expect(offlineGroup(m, [cloud], { kind: 'master' })).toBe('local');
    expect(offlineGroup(null, [cloud], null)).toBeNull();
    m.stop();
  });

  it('follows the setting as it is now: off diverts nothing, set later takes over, cleared while offline stops diverting', async () => {
    const setting: { group: string | null } = { group: null };
    const { monitor: m, changes } = monitor({ value: false }, setting);
    m.unreachable(cloud);
    expect(m.state).toBe('online');
    expect(offlineGroup(m, [cloud], null)).toBeNull();

    setting.group = 'llama';
    m.unreachable(cloud);
    expect(offlineGroup(m, [cloud], null)).toBe('llama');

    // Cleared in the app while offline: the next request is not diverted, and the probe stops without a "back online".
    setting.group = null;
    expect(offlineGroup(m, [cloud], null)).toBeNull();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(m.state).toBe('online');
    expect(changes).toEqual(['offline']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
