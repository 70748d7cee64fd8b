// The routing form's offline field (renderer/src/lib/offline-fallback.ts): which groups it lists
// as running on this machine, and said where, and which discovered servers no group uses yet.
import { describe, expect, it } from 'vitest';
import type { DeploymentView, DiscoveredServer, ModelGroupView } from '../../shared/api.js';
import { localGroups, unusedServers } from '../../renderer/src/lib/offline-fallback.js';

const group = (name: string, ...apiBases: string[]): ModelGroupView => ({
  name,
  source: 'app',
  aliases: [],
  deployments: apiBases.map((apiBase) => ({ apiBase }) as DeploymentView),
});

const ollama: DiscoveredServer = { family: 'ollama', apiBase: 'http://gpu-box.lan:11434/v1', models: ['llama3'] };
const lmStudio: DiscoveredServer = { family: 'lm_studio', apiBase: 'http://127.0.0.1:1234/v1', models: ['qwen'] };

describe('offline fallback candidates', () => {
  it('lists groups on a discovered server (by its origin) or on loopback, never cloud ones', () => {
    const groups = [group('cloud', 'https://api.openai.com/v1'), group('llama', 'http://gpu-box.lan:11434'), group('loop', 'http://localhost:8080/v1'), group('mixed', 'https://api.openai.com/v1', 'http://[::1]:9/v1')];
    expect(localGroups(groups, [ollama])).toEqual([
      { name: 'llama', where: 'Ollama (local) at http://gpu-box.lan:11434/v1' },
      { name: 'loop', where: 'this machine' },
      { name: 'mixed', where: 'this machine' },
    ]);
    expect(localGroups(groups, []).map((candidate) => candidate.name)).toEqual(['loop', 'mixed']);
  });

  it('names discovered servers with models that no group uses yet', () => {
    expect(unusedServers([group('llama', 'http://gpu-box.lan:11434/v1')], [ollama, lmStudio])).toEqual([lmStudio]);
    expect(unusedServers([], [{ ...lmStudio, models: [] }])).toEqual([]);
  });
});
