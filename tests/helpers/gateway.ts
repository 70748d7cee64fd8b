// Starts a real gateway in-process on 127.0.0.1:0 from a YAML config, for integration tests.
import OpenAI from 'openai';
import { parseConfigText } from '../../electron/config/index.js';
import { MemoryLogger } from '../../electron/gateway/log.js';
import { createGateway, type Gateway } from '../../electron/gateway/server.js';

export const TEST_MASTER_KEY = 'sk-test-master-key';

export interface TestGateway {
  url: string;
  gateway: Gateway;
  logger: MemoryLogger;
  /** An official `openai` client pointed at the gateway with the master key, no retries. */
  client(apiKey?: string): OpenAI;
  close(): Promise<void>;
}

export async function startTestGateway(yaml: string, env: Record<string, string> = {}): Promise<TestGateway> {
  const config = parseConfigText(yaml, { env });
  const logger = new MemoryLogger();
  const gateway = createGateway({ config, masterKey: config.masterKey ?? TEST_MASTER_KEY, logger });
  const url = (await gateway.listen(0, '127.0.0.1')).origin;
  return {
    url,
    gateway,
    logger,
    client: (apiKey = TEST_MASTER_KEY) => new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 }),
    close: () => gateway.close(1_000),
  };
}

/** A model_list entry pointing a model name at an OpenAI-compatible upstream model. */
export function openaiModel(name: string, upstreamModel: string, apiBase: string, extra = ''): string {
  return `
  - model_name: ${name}
    litellm_params:
      model: openai/${upstreamModel}
      api_base: ${apiBase}
      api_key: sk-upstream-secret${extra}`;
}
