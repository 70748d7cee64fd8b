// LiteLLM's own published example configs (tests/fixtures/litellm-configs, MIT) start as they
// are: what Loopgate lacks is warned about, and each serves a chat through a mock upstream.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText, type GatewayConfig } from '../../electron/config/index.js';
import { withTestGateway, type TestGateway } from '../helpers/gateway.js';
import { serve, type MockServer } from '../helpers/mock-server.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/litellm-configs/${name}`, import.meta.url), 'utf8');

let upstream: MockServer;

beforeAll(async () => {
  // Answers any chat path, so OpenAI-compatible, Ollama and Azure deployment URLs all reach it.
  upstream = await serve((path, _query, _headers, body, _raw, res) => {
    if (!path.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"no such route"}}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: `hello from ${String(body.model)}` }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
      }),
    );
  });
});
afterAll(() => upstream.close());

/** Serves the fixture, every servable deployment pointed at the mock upstream, while `use` runs. */
function withFixture(name: string, env: Record<string, string>, use: (gateway: TestGateway) => Promise<void>): Promise<void> {
  const configure = (config: GatewayConfig): void => {
    for (const deployment of config.deployments) if (deployment.unavailable === null) deployment.apiBase = new URL(`${upstream.url}/v1`);
  };
  return withTestGateway(fixture(name), use, { env, configure });
}

async function chat(gateway: TestGateway, model: string, key?: string): Promise<{ status: number; body: { choices?: Array<{ message: { content: string } }>; error?: { message: string; type: string } } }> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key ?? 'sk-test-master-key'}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

describe("LiteLLM's example configs", () => {
  it('simple_config.yaml: a bare OpenAI model name, the key from OPENAI_API_KEY', async () => {
    await withFixture('simple_config.yaml', { OPENAI_API_KEY: 'sk-from-env' }, async (gateway) => {
      const reply = await chat(gateway, 'gpt-3.5-turbo');
      expect(reply.status).toBe(200);
      expect(reply.body.choices?.[0]?.message.content).toBe('hello from gpt-5-mini');
      expect(upstream.requests.at(-1)?.headers.authorization).toBe('Bearer sk-from-env');
    });
  });

  it('simple_config.yaml with OPENAI_API_BASE or OPENAI_BASE_URL: the OpenAI model without api_base goes there, with OPENAI_API_KEY', async () => {
    for (const variable of ['OPENAI_API_BASE', 'OPENAI_BASE_URL']) {
      const before = upstream.requests.length;
      await withTestGateway(
        fixture('simple_config.yaml'),
        async (gateway) => {
          const reply = await chat(gateway, 'gpt-3.5-turbo');
          expect(reply.status).toBe(200);
          expect(upstream.requests.length).toBe(before + 1);
          expect(upstream.requests.at(-1)).toMatchObject({ path: '/v1/chat/completions', headers: { authorization: 'Bearer sk-from-env' } });
        },
        { env: { OPENAI_API_KEY: 'sk-from-env', [variable]: `${upstream.url}/v1` } },
      );
    }
  });

  it('azure_config.yaml: tpm written 20_000, max_retries warned about', async () => {
    const config = parseConfigText(fixture('azure_config.yaml'), { env: { AZURE_API_KEY: 'az' } });
    expect(config.deployments.map((d) => d.tpm)).toEqual([20000, 100000]);
    expect(config.unsupported).toEqual(['model_list[0].litellm_params.max_retries', 'model_list[1].litellm_params.max_retries']);
    await withFixture('azure_config.yaml', { AZURE_API_KEY: 'az' }, async (gateway) => {
      expect((await chat(gateway, 'gpt-4-team2')).body.choices?.[0]?.message.content).toBe('hello from gpt-4');
      expect(upstream.requests.at(-1)?.path).toBe('/v1/openai/deployments/gpt-4/chat/completions');
      expect(upstream.requests.at(-1)?.headers['api-key']).toBe('az');
    });
  });

  it('azure_config_with_tpm.yaml: two Azure deployments in one group', async () => {
    await withFixture('azure_config_with_tpm.yaml', {}, async (gateway) => {
      expect((await chat(gateway, 'gpt-3.5-turbo')).body.choices?.[0]?.message.content).toMatch(/^hello from gpt-35-[12]$/);
    });
  });

  it('load_balancer.yaml: an unknown provider is listed and refused, the rest serves', async () => {
    const config = parseConfigText(fixture('load_balancer.yaml'), { env: {} });
    expect(config.warnings).toEqual([expect.stringContaining('provider "mistralai" is not supported')]);
    expect(config.unsupported).toEqual(expect.arrayContaining(['model_list[0].tpm', 'model_list[0].rpm']));
    await withFixture('load_balancer.yaml', {}, async (gateway) => {
      expect((await chat(gateway, 'gpt-3.5-turbo')).status).toBe(200);
      const models = (await gateway.client().models.list()).data.map((model) => model.id);
      expect(models).toContain('mistral-7b-instruct');
      const refused = await chat(gateway, 'mistral-7b-instruct');
      expect(refused.status).toBe(503);
      expect(refused.body.error?.message).toContain('does not serve the provider "mistralai"');
    });
  });

  it('aliases_config.yaml: Ollama models under OpenAI names; per-deployment request defaults warned about', async () => {
    const config = parseConfigText(fixture('aliases_config.yaml'), { env: {} });
    expect(config.unsupported).toEqual(['model_list[2].litellm_params.temperature', 'model_list[2].litellm_params.max_tokens']);
    await withFixture('aliases_config.yaml', {}, async (gateway) => {
      expect((await chat(gateway, 'gpt-4')).body.choices?.[0]?.message.content).toBe('hello from llama2');
    });
  });

  it('spend_tracking_config.yaml: a Redis cache becomes the local one, with a warning', async () => {
    const env = { FAKE_OPENAI_API_BASE: 'http://127.0.0.1:9/v1' };
    const config = parseConfigText(fixture('spend_tracking_config.yaml'), { env });
    expect(config.cache).not.toBeNull();
    expect(config.warnings).toEqual([expect.stringContaining('"redis" is not available yet; the local in-memory cache is used instead')]);
    expect(config.unsupported).toEqual(['general_settings.use_redis_transaction_buffer', 'litellm_settings.cache_params.supported_call_types']);
    await withFixture('spend_tracking_config.yaml', env, async (gateway) => {
      expect((await chat(gateway, 'fake-openai-endpoint')).body.choices?.[0]?.message.content).toBe('hello from gpt-5-mini');
    });
  });

  it("proxy_server_config.yaml (LiteLLM's own test config): unset keys and unknown providers warned, the rest serves", async () => {
    const env = { OPENAI_API_KEY: 'sk-openai' };
    const config = parseConfigText(fixture('proxy_server_config.yaml'), { env });
    const warned = config.warnings.join('\n');
    expect(warned).toContain('model_list[1] (gpt-3.5-turbo-end-user-test, deployment gpt-3.5-turbo-end-user-test#1): environment variable AZURE_API_KEY is not set');
    expect(warned).toContain('provider "sagemaker" is not supported');
    expect(warned).toContain('provider "text-completion-openai" is not supported');
    expect(warned).toContain('"azure/" names no model');
    expect(warned).toContain('router_settings.redis_host: environment variable REDIS_HOST is not set, so Redis is not used');
    expect(config.redis).toBeNull();
    expect(config.unsupported).toEqual(expect.arrayContaining(['litellm_settings.default_team_settings', 'general_settings.pass_through_endpoints', 'finetune_settings']));
    await withFixture('proxy_server_config.yaml', env, async (gateway) => {
      expect((await chat(gateway, 'my-special-fake-model-alias-name', 'sk-1234')).status).toBe(200);
      expect((await chat(gateway, 'fake-openai-endpoint', 'sk-1234')).body.choices?.[0]?.message.content).toBe('hello from fake');
      // A group with a deployment that can serve uses it; one whose only deployment has no key says why.
      expect((await chat(gateway, 'gpt-3.5-turbo-end-user-test', 'sk-1234')).status).toBe(200);
      const noKey = await chat(gateway, 'gpt-4', 'sk-1234');
      expect(noKey.status).toBe(401);
      expect(noKey.body.error?.message).toContain('AZURE_API_KEY is not set');
    });
  });
});
