import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../electron/config/index.js';
import { MemoryLogger } from '../../electron/core/logger.js';
import { expandOllamaWildcards } from '../../electron/providers/ollama.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let ollama: MockUpstream;

beforeAll(async () => {
  ollama = await startMockOpenAI();
});

afterAll(async () => {
  await ollama?.close();
});

describe('Ollama model discovery', () => {
  it('expands ollama/* into one deployment per model listed at /api/tags', async () => {
    const config = parseConfigText(
      `model_list:
  - model_name: local/*
    litellm_params:
      model: ollama/*
      api_base: ${ollama.apiBase}
`,
      { env: {} },
    );
    const expanded = await expandOllamaWildcards(config.deployments, new MemoryLogger());
    expect(expanded.map((d) => [d.modelName, d.upstreamModel, d.apiBase.href])).toEqual([
      ['local/llama3.2:latest', 'llama3.2:latest', ollama.apiBase],
      ['local/qwen2.5-coder:7b', 'qwen2.5-coder:7b', ollama.apiBase],
    ]);
  });

  it('logs and skips a server that cannot be reached', async () => {
    const config = parseConfigText('model_list:\n  - model_name: "*"\n    litellm_params:\n      model: ollama/*\n      api_base: http://127.0.0.1:1/v1\n', { env: {} });
    const logger = new MemoryLogger();
    expect(await expandOllamaWildcards(config.deployments, logger)).toEqual([]);
    expect(logger.records[0]).toMatchObject({ level: 'warn', msg: expect.stringContaining('Could not list Ollama models') });
  });
});
