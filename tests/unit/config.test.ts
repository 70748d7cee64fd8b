import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../electron/config/index.js';

const base = `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o-2024-08-06
      api_key: os.environ/OPENAI_API_KEY
      rpm: 100
      weight: 2
      timeout: 30
    model_info:
      id: primary
  - model_name: local
    litellm_params:
      model: openai/llama3
      api_base: http://localhost:11434/v1/
`;

function configError(yaml: string, env: Record<string, string> = {}): ConfigError {
  try {
    parseConfigText(yaml, { env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('LiteLLM config', () => {
  it('reads deployments with provider, upstream model, resolved key and limits', () => {
    const config = parseConfigText(base, { env: { OPENAI_API_KEY: 'sk-real' } });
    expect(config.deployments).toHaveLength(2);
    const [primary, local] = config.deployments;
    expect(primary).toMatchObject({ id: 'primary', modelName: 'gpt-4o', upstreamModel: 'gpt-4o-2024-08-06', apiKey: 'sk-real', rpm: 100, weight: 2, timeoutMs: 30_000 });
    expect(primary?.family).toBe('openai');
    expect(primary?.apiBase.href).toBe('https://api.openai.com/v1');
    expect(local).toMatchObject({ id: 'local#1', apiKey: null, timeoutMs: 600_000 });
    expect(local?.apiBase.href).toBe('http://localhost:11434/v1');
    expect(config.unsupported).toEqual([]);
  });

  it('takes environment_variables from the file for os.environ/ references', () => {
    const config = parseConfigText(`${base}environment_variables:\n  OPENAI_API_KEY: sk-in-file\n`, { env: {} });
    expect(config.deployments[0]?.apiKey).toBe('sk-in-file');
  });

  it('takes the master key from general_settings, else LOOPGATE_MASTER_KEY', () => {
    const env = { OPENAI_API_KEY: 'x', LOOPGATE_MASTER_KEY: 'sk-env' };
    expect(parseConfigText(base, { env }).masterKey).toBe('sk-env');
    expect(parseConfigText(`${base}general_settings:\n  master_key: sk-file\n`, { env }).masterKey).toBe('sk-file');
  });

  it('lists every setting it ignores, by path', () => {
    const config = parseConfigText(
      `${base}router_settings:
  routing_strategy: least-busy
  num_retries: 2
  enable_pre_call_checks: true
litellm_settings:
  set_verbose: true
general_settings:
  alerting: [slack]
`,
      { env: { OPENAI_API_KEY: 'x' } },
    );
    expect(config.unsupported).toEqual(['router_settings.enable_pre_call_checks', 'litellm_settings.set_verbose', 'general_settings.alerting']);
    expect(config.routing).toMatchObject({ strategy: 'least-busy', numRetries: 2 });
  });

  it('takes the PostgreSQL store from general_settings.database_url, else DATABASE_URL, else none', () => {
    const env = { OPENAI_API_KEY: 'x', DATABASE_URL: 'postgres://env@db/loopgate', PG_PASSWORD_URL: 'postgresql://file@db/lg' };
    expect(parseConfigText(base, { env: { OPENAI_API_KEY: 'x' } }).databaseUrl).toBeNull();
    expect(parseConfigText(base, { env, serverEnv: true }).databaseUrl).toBe('postgres://env@db/loopgate');
    expect(parseConfigText(`${base}general_settings:\n  database_url: os.environ/PG_PASSWORD_URL\n`, { env }).databaseUrl).toBe('postgresql://file@db/lg');
    expect(() => parseConfigText(`${base}general_settings:\n  database_url: mysql://x\n`, { env })).toThrow('expected a postgres:// or postgresql:// URL');
  });

  it('reads DATABASE_URL and REDIS_URL for `loopgate serve` only: a stray variable never switches the desktop app', () => {
    const env = { OPENAI_API_KEY: 'x', DATABASE_URL: 'postgres://env@db/loopgate', REDIS_URL: 'redis://10.0.0.9:6379' };
    const desktop = parseConfigText(base, { env });
    expect(desktop.databaseUrl).toBeNull();
    expect(desktop.redis).toBeNull();
    const served = parseConfigText(base, { env, serverEnv: true });
    expect(served.databaseUrl).toBe('postgres://env@db/loopgate');
    expect(served.redis).toMatchObject({ host: '10.0.0.9', from: 'REDIS_URL' });
    // The config file's settings count in both.
    const file = `${base}general_settings:\n  database_url: postgres://file@db/lg\nrouter_settings:\n  redis_url: redis://10.0.0.7:6379\n`;
    expect(parseConfigText(file, { env })).toMatchObject({ databaseUrl: 'postgres://file@db/lg', redis: { host: '10.0.0.7' } });
  });

  it('reads general_settings.alerts: unset fields keep their defaults, the webhook URL may come from the environment', () => {
    const env = { OPENAI_API_KEY: 'x', HOOK: 'https://hooks.slack.example/T0' };
    expect(parseConfigText(base, { env }).alerts).toBeNull();
    const alerts = `${base}general_settings:\n  alerts:\n    budget_thresholds: [50, 90]\n    key_thresholds: { key_a: [25] }\n    webhook_url: os.environ/HOOK\n    webhook_format: slack\n`;
    expect(parseConfigText(alerts, { env }).alerts).toEqual({
      budgetThresholds: [50, 90],
      keyThresholds: { key_a: [25] },
      events: ['budget_blocked', 'deployment_cooldown', 'deployment_failing', 'fallback', 'database_unavailable', 'redis_unavailable'],
      failingMinutes: 5,
      desktop: true,
      webhook: { url: 'https://hooks.slack.example/T0', format: 'slack', timeoutSeconds: 5 },
    });
    expect(configError(`${base}general_settings:\n  alerts:\n    events: [sometimes]\n`, env).path).toBe('general_settings.alerts.events[0]');
  });

  it('names the path and the expectation of a bad value', () => {
    const error = configError(base.replace('rpm: 100', 'rpm: lots'), { OPENAI_API_KEY: 'x' });
    expect(error.path).toBe('model_list[0].litellm_params.rpm');
    expect(error.message).toContain('expected number');
  });

  it('names the path of a model without a provider, or with an unknown one', () => {
    expect(configError(base.replace('openai/llama3', 'llama3'), { OPENAI_API_KEY: 'x' }).path).toBe('model_list[1].litellm_params.model');
  });

  it('starts with a provider it does not serve: warned, listed, and refusing with a clear error', () => {
    const config = parseConfigText(base.replace('openai/llama3', 'cohere/command-r'), { env: { OPENAI_API_KEY: 'x' } });
    const cohere = config.deployments[1]!;
    expect(cohere).toMatchObject({ modelName: 'local', family: 'cohere', upstreamModel: 'command-r' });
    expect(cohere.unavailable?.message).toContain('does not serve the provider "cohere"');
    expect(config.deployments[0]!.unavailable).toBeNull();
    expect(config.warnings).toEqual([expect.stringContaining('model_list[1] (local, deployment local#1): provider "cohere" is not supported')]);
  });

  it('names a misspelt routing strategy', () => {
    const error = configError(`${base}router_settings:\n  routing_strategy: simple-shufle\n`, { OPENAI_API_KEY: 'x' });
    expect(error.path).toBe('router_settings.routing_strategy');
    expect(error.message).toContain('simple-shuffle');
  });

  it('starts without an environment variable a deployment names, warning and refusing that deployment with an authentication error', () => {
    const config = parseConfigText(base, { env: {} });
    expect(config.warnings).toEqual([expect.stringMatching(/model_list\[0\] \(gpt-4o, deployment primary\): environment variable OPENAI_API_KEY is not set/)]);
    expect(config.deployments[0]!.unavailable).toMatchObject({ code: 'authentication', message: expect.stringContaining('OPENAI_API_KEY is not set') });
    expect(config.deployments[1]!.unavailable).toBeNull();
    const empty = parseConfigText(base.replace('os.environ/OPENAI_API_KEY', '""'), { env: {} });
    expect(empty.deployments[0]!.unavailable?.message).toContain('api_key is empty');
    const blank = parseConfigText(base.replace('os.environ/OPENAI_API_KEY', ''), { env: {} });
    expect(blank.deployments[0]!.unavailable?.code).toBe('authentication');
  });

  it('reads numbers with underscores the way PyYAML (YAML 1.1) does', () => {
    const config = parseConfigText(`${base.replace('rpm: 100', 'rpm: 1_000\n      tpm: 20_000')}litellm_settings:\n  drop_params: True\n`, { env: { OPENAI_API_KEY: 'x' } });
    expect(config.deployments[0]).toMatchObject({ rpm: 1000, tpm: 20000 });
    expect(config.routing.dropParams).toBe(true);
    expect(parseConfigText(base.replace('id: primary', 'id: "1_000"'), { env: { OPENAI_API_KEY: 'x' } }).deployments[0]!.id).toBe('1_000');
    expect(parseConfigText(`${base}  - model_name: n\n    litellm_params:\n      model: openai/n\n`, { env: { OPENAI_API_KEY: 'x' } }).deployments[2]!.modelName).toBe('n');
  });

  it('takes credentials from the environment where LiteLLM reads them', () => {
    const yaml = `
model_list:
  - model_name: a
    litellm_params: { model: anthropic/claude-sonnet-4-5 }
  - model_name: g
    litellm_params: { model: gemini/gemini-2.5-flash }
  - model_name: z
    litellm_params: { model: azure/my-gpt }
  - model_name: b
    litellm_params: { model: bedrock/anthropic.claude-3-haiku }
  - model_name: o
    litellm_params: { model: gpt-4o }
  - model_name: local
    litellm_params: { model: openai/llama, api_base: "http://127.0.0.1:8000/v1" }
`;
    const env = {
      ANTHROPIC_API_KEY: 'ak',
      GEMINI_API_KEY: 'gk',
      AZURE_API_KEY: 'zk',
      AZURE_API_BASE: 'https://res.openai.azure.com',
      AZURE_API_VERSION: '2024-10-21',
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION_NAME: 'eu-west-1',
      OPENAI_API_KEY: 'ok',
    };
    const config = parseConfigText(yaml, { env });
    const [a, g, z, b, o, local] = config.deployments;
    expect(a?.apiKey).toBe('ak');
    expect(g?.apiKey).toBe('gk');
    expect(z).toMatchObject({ apiKey: 'zk', apiVersion: '2024-10-21' });
    expect(z?.apiBase.href).toBe('https://res.openai.azure.com/');
    expect(b?.aws).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: null, region: 'eu-west-1' });
    expect(b?.apiBase.host).toBe('bedrock-runtime.eu-west-1.amazonaws.com');
    expect(o?.apiKey).toBe('ok');
    // Your own server never gets the OpenAI key, nor does another provider.
    expect(local?.apiKey).toBeNull();
    const groq = parseConfigText(one('groq/llama-3.3-70b'), { env: { OPENAI_API_KEY: 'ok', GROQ_API_KEY: 'gq' } });
    expect(groq.deployments[0]?.apiKey).toBe('gq');
    expect(config.warnings).toEqual([]);
    const without = parseConfigText(yaml, { env: {} });
    expect(without.deployments[3]!.unavailable?.message).toContain('AWS_ACCESS_KEY_ID is not set');
  });

  it('takes custom prices from litellm_params or model_info', () => {
    const config = parseConfigText(
      `${one('openai/a', '\n      input_cost_per_token: 0.000002')}  - model_name: p\n    litellm_params: { model: openai/b }\n    model_info:\n      input_cost_per_token: 1e-6\n      output_cost_per_token: 0.000004\n`,
      { env: {} },
    );
    expect(config.deployments.map((d) => [d.inputCostPerToken, d.outputCostPerToken])).toEqual([
      [0.000002, null],
      [0.000001, 0.000004],
    ]);
  });

  it('adds the versioned path to a provider endpoint given without it', () => {
    const config = parseConfigText(
      `${one('gemini/gemini-2.5-flash', '\n      api_base: https://generativelanguage.googleapis.com\n      api_key: k')}  - model_name: g\n    litellm_params: { model: groq/llama, api_base: "https://api.groq.com", api_key: k }\n  - model_name: own\n    litellm_params: { model: openai/x, api_base: "http://127.0.0.1:9000" }\n`,
      { env: {} },
    );
    expect(config.deployments.map((d) => d.apiBase.href)).toEqual(['https://generativelanguage.googleapis.com/v1beta', 'https://api.groq.com/openai/v1', 'http://127.0.0.1:9000/']);
  });

  it('starts with a shared cache configured, warning that the local one is used', () => {
    const config = parseConfigText(
      `${one('openai/a')}litellm_settings:\n  cache: true\n  cache_params:\n    type: redis\n    host: localhost\n    port: 6379\n  callbacks: ["langfuse"]\nrouter_settings:\n  cache_params: { type: redis }\nguardrails:\n  - guardrail_name: g\n`,
      { env: {} },
    );
    expect(config.cache).toEqual({ ttlMs: 600_000, maxEntries: 1000 });
    expect(config.warnings).toEqual([expect.stringContaining('"redis" is not available yet; the local in-memory cache is used instead')]);
    expect(config.unsupported).toEqual(['litellm_settings.cache_params.host', 'litellm_settings.cache_params.port', 'litellm_settings.callbacks', 'router_settings.cache_params', 'guardrails']);
  });

  it('rejects an api_base that is not an http(s) URL', () => {
    const error = configError(base.replace('http://localhost:11434/v1/', 'localhost:11434'), { OPENAI_API_KEY: 'x' });
    expect(error.path).toBe('model_list[1].litellm_params.api_base');
  });

  it('rejects an alias that points at no model', () => {
    const error = configError(`${base}router_settings:\n  model_group_alias:\n    gpt-4: gpt-5\n`, { OPENAI_API_KEY: 'x' });
    expect(error.path).toBe('router_settings.model_group_alias.gpt-4');
  });

  it('reports YAML syntax errors with a line number', () => {
    expect(configError('model_list:\n  - model_name: [unclosed\n').message).toMatch(/not valid YAML at line \d/);
  });
});

const one = (model: string, extra = ''): string => `
model_list:
  - model_name: m
    litellm_params:
      model: ${model}${extra}
`;

describe('LiteLLM routing vocabulary in the config', () => {
  it('reads bare model names as LiteLLM does: OpenAI and Claude names by name, others by a known endpoint', () => {
    expect(parseConfigText(one('gpt-4o'), { env: {} }).deployments[0]).toMatchObject({ family: 'openai', upstreamModel: 'gpt-4o' });
    expect(parseConfigText(one('o3-mini'), { env: {} }).deployments[0]).toMatchObject({ family: 'openai', upstreamModel: 'o3-mini' });
    const claude = parseConfigText(one('claude-sonnet-4-5'), { env: {} }).deployments[0];
    expect(claude).toMatchObject({ family: 'anthropic', upstreamModel: 'claude-sonnet-4-5' });
    expect(claude?.apiBase.href).toBe('https://api.anthropic.com/');
    const groq = parseConfigText(one('llama-3.3-70b-versatile', '\n      api_base: https://api.groq.com/openai/v1'), { env: {} }).deployments[0];
    expect(groq).toMatchObject({ family: 'groq', upstreamModel: 'llama-3.3-70b-versatile' });
  });

  it('refuses a bare name LiteLLM cannot place, saying what to write', () => {
    const local = configError(one('llama3.1', '\n      api_base: http://127.0.0.1:11434/v1'));
    expect(local.path).toBe('model_list[0].litellm_params.model');
    expect(local.message).toContain('<provider>/<model>');
    expect(local.message).toContain('"openai/llama3.1"');
    expect(configError(one('gemini-2.5-pro')).message).toContain('"gemini/gemini-2.5-pro"');
    expect(configError(one('/gpt-4o')).path).toBe('model_list[0].litellm_params.model');
  });

  it('refuses a wildcard upstream model under a model_name without one', () => {
    const error = configError(one('openai/*'));
    expect(error.path).toBe('model_list[0].model_name');
    expect(error.message).toContain('"openai/*"');
    // Ollama's `*` is discovery: any model_name will do.
    expect(parseConfigText(one('ollama/*'), { env: {} }).deployments[0]).toMatchObject({ family: 'ollama', upstreamModel: '*' });
  });

  it('takes drop_params globally and per deployment', () => {
    const yaml = `${one('openai/a', '\n      drop_params: false')}  - model_name: n\n    litellm_params:\n      model: openai/b\nlitellm_settings:\n  drop_params: true\n`;
    const config = parseConfigText(yaml, { env: {} });
    expect(config.routing.dropParams).toBe(true);
    expect(config.deployments.map((d) => d.dropParams)).toEqual([false, null]);
    expect(config.unsupported).toEqual([]);
    expect(parseConfigText(one('openai/a'), { env: {} }).routing.dropParams).toBe(false);
  });

  it("takes model_group_alias in both of LiteLLM's forms", () => {
    const config = parseConfigText(`${one('openai/a')}router_settings:\n  model_group_alias:\n    plain: m\n    quiet: { model: m, hidden: true }\n    loud: { model: m }\n`, { env: {} });
    expect(config.modelGroupAlias).toEqual({ plain: { model: 'm', hidden: false }, quiet: { model: 'm', hidden: true }, loud: { model: 'm', hidden: false } });
    expect(configError(`${one('openai/a')}router_settings:\n  model_group_alias:\n    quiet: { model: gone, hidden: true }\n`).path).toBe('router_settings.model_group_alias.quiet');
  });

  it("accepts a deployment's model_info.id and a name a wildcard group matches as fallback targets", () => {
    const yaml = `
model_list:
  - model_name: m
    litellm_params:
      model: openai/a
  - model_name: backup
    litellm_params:
      model: openai/b
    model_info:
      id: backup-eu
  - model_name: anthropic/*
    litellm_params:
      model: anthropic/*
router_settings:
  fallbacks: [{"m": ["backup-eu", "anthropic/claude-haiku-4-5"]}]
  default_fallbacks: ["backup-eu"]
`;
    const config = parseConfigText(yaml, { env: {} });
    expect(config.routing.fallbacks).toEqual({ m: ['backup-eu', 'anthropic/claude-haiku-4-5'] });
    const error = configError(yaml.replace('"backup-eu", ', '"backup-us", '));
    expect(error.path).toBe('router_settings.fallbacks[0].m[0]');
    expect(error.message).toContain('model_info.id');
  });
});
