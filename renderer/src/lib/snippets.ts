// Ready-to-paste setup for each tool, filled in with the real base URL, key and model. Each
// snippet is in the tool's own format (shell, YAML, JSON, TOML), and the e2e suite parses each
// one as that tool would. A snippet may need a second step (`then`), e.g. a shell line.
import { CLAUDE_AUTO_MODE_LIMIT, claudeAutoModeEnv } from '../../../shared/claude-code.js';

interface SnippetCode {
  where: string;
  language: 'sh' | 'yaml' | 'json' | 'toml' | 'ts' | 'text';
  code: string;
}

export interface Snippet extends SnippetCode {
  tool: string;
  /** The one command that starts the tool through Loopgate (`loopgate run`), shown before the setup by hand. */
  run?: string;
  /** Said above the code: what to know before pasting. */
  note?: string;
  then?: SnippetCode;
}

/** The `host:port` a URL names, and its port alone. */
function portOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** A string as a TOML basic string and a YAML double-quoted scalar (the same escapes for what we put in). */
const quoted = (text: string): string => JSON.stringify(text);

export function snippets(baseUrl: string, key: string, model: string): Snippet[] {
  const v1 = `${baseUrl}/v1`;
  const port = portOf(baseUrl);
  const dockerV1 = `http://host.docker.internal:${port}/v1`;
  return [
    {
      tool: 'Claude Code',
      run: 'loopgate run claude',
      where: 'shell',
      language: 'sh',
      // Auto mode's opt-in and classifier model too (see shared/claude-code.ts), and what cannot be set.
      note: CLAUDE_AUTO_MODE_LIMIT,
      code: [`export ANTHROPIC_BASE_URL=${baseUrl}`, `export ANTHROPIC_AUTH_TOKEN=${key}`, ...Object.entries(claudeAutoModeEnv(model)).map(([name, value]) => `export ${name}=${value}`), `claude --model ${model}`].join(
        '\n',
      ),
    },
    {
      tool: 'Codex CLI',
      run: 'loopgate run codex',
      where: '~/.codex/config.toml',
      language: 'toml',
      code: `model = ${quoted(model)}\nmodel_provider = "loopgate"\n\n[model_providers.loopgate]\nname = "Loopgate"\nbase_url = ${quoted(v1)}\nenv_key = "LOOPGATE_API_KEY"\nwire_api = "responses"\n`,
      then: { where: 'then in your shell (or ~/.bashrc)', language: 'sh', code: `export LOOPGATE_API_KEY=${key}` },
    },
    {
      tool: 'Continue',
      where: '~/.continue/config.yaml',
      language: 'yaml',
      code: `name: Loopgate\nversion: 1.0.0\nschema: v1\nmodels:\n  - name: ${quoted(`${model} (Loopgate)`)}\n    provider: openai\n    model: ${quoted(model)}\n    apiBase: ${quoted(v1)}\n    apiKey: ${quoted(key)}\n    roles:\n      - chat\n      - edit\n      - apply\n`,
    },
    { tool: 'Aider', run: `loopgate run -- aider --model openai/${model}`, where: 'shell', language: 'sh', code: `export OPENAI_API_BASE=${v1}\nexport OPENAI_API_KEY=${key}\naider --model openai/${model}` },
    {
      tool: 'opencode',
      run: 'loopgate run opencode',
      where: 'opencode.json (project) or ~/.config/opencode/opencode.json',
      language: 'json',
      code: `${JSON.stringify(
        {
          $schema: 'https://opencode.ai/config.json',
          provider: {
            loopgate: { npm: '@ai-sdk/openai-compatible', name: 'Loopgate', options: { baseURL: v1, apiKey: key }, models: { [model]: { name: `${model} (Loopgate)` } } },
          },
          model: `loopgate/${model}`,
        },
        null,
        2,
      )}\n`,
    },
    {
      tool: 'Gemini CLI',
      run: 'loopgate run gemini',
      where: '~/.gemini/settings.json',
      language: 'json',
      note: 'Gemini CLI needs its auth type chosen here when it talks to a gateway; it speaks Google’s Gemini API, which Loopgate serves to any provider.',
      code: `${JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }, null, 2)}\n`,
      then: { where: 'then in your shell', language: 'sh', code: `export GOOGLE_GEMINI_BASE_URL=${baseUrl}\nexport GEMINI_API_KEY=${key}\ngemini -m ${model}` },
    },
    { tool: 'Qwen Code', run: 'loopgate run qwen', where: 'shell', language: 'sh', code: `export OPENAI_BASE_URL=${v1}\nexport OPENAI_API_KEY=${key}\nexport OPENAI_MODEL=${model}\nqwen` },
    {
      tool: 'Cline',
      where: 'Cline settings → API Provider: “LiteLLM”',
      language: 'text',
      note: 'Cline’s LiteLLM provider reads the model list and prices from Loopgate’s LiteLLM-compatible API.',
      code: `Base URL: ${baseUrl}\nAPI Key:  ${key}\nModel:    ${model}`,
    },
    {
      tool: 'Open WebUI',
      where: 'Docker',
      language: 'sh',
      note: `Inside a container, 127.0.0.1 is the container itself: Open WebUI reaches Loopgate as host.docker.internal. Loopgate listens on ${new URL(baseUrl).hostname} only, so start it with \`loopgate serve --host 0.0.0.0 --port ${port}\` (on a network you trust; keys are still required) for the container to get through.`,
      code: `docker run -d -p 3000:8080 \\\n  --add-host=host.docker.internal:host-gateway \\\n  -e OPENAI_API_BASE_URL=${dockerV1} \\\n  -e OPENAI_API_KEY=${key} \\\n  -v open-webui:/app/backend/data \\\n  --name open-webui ghcr.io/open-webui/open-webui:main`,
    },
    {
      tool: 'OpenAI SDK',
      run: 'loopgate run -- node app.js',
      where: 'TypeScript',
      language: 'ts',
      code: `import OpenAI from 'openai';\n\nconst client = new OpenAI({ baseURL: '${v1}', apiKey: '${key}' });\nconst reply = await client.chat.completions.create({\n  model: '${model}',\n  messages: [{ role: 'user', content: 'Hello' }],\n});`,
    },
    {
      tool: 'Anthropic SDK',
      run: 'loopgate run -- node app.js',
      where: 'TypeScript',
      language: 'ts',
      code: `import Anthropic from '@anthropic-ai/sdk';\n\nconst client = new Anthropic({ baseURL: '${baseUrl}', apiKey: '${key}' });\nconst message = await client.messages.create({\n  model: '${model}',\n  max_tokens: 1024,\n  messages: [{ role: 'user', content: 'Hello' }],\n});`,
    },
  ];
}
