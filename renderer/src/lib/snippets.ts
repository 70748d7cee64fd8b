// Ready-to-paste setup for each tool, filled in with the real base URL, key and model. Each
// snippet is in the tool's own format (shell, YAML, JSON, TOML), and the e2e suite parses each
// one as that tool would. A snippet may need a second step (`then`), e.g. a shell line. Each agent's
// setup also wires Loopgate's `/mcp` (the MCP servers it hosts) with the same key, as `loopgate run` does.
import { CLAUDE_AUTO_MODE_LIMIT, claudeAutoModeEnv } from '../../../shared/claude-code.js';

interface SnippetCode {
  where: string;
  language: 'sh' | 'yaml' | 'json' | 'toml' | 'ts' | 'text';
  code: string;
}

export interface Snippet extends SnippetCode {
  /** Stable, for the URL (`#/connect?tool=codex`). */
  id: string;
  tool: string;
  /** The setup also connects the tool to Loopgate's MCP servers (`/mcp`). */
  mcp?: true;
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
  const mcp = `${baseUrl}/mcp`;
  return [
    {
      id: 'claude',
      tool: 'Claude Code',
      mcp: true,
      run: 'loopgate run claude',
      where: 'shell',
      language: 'sh',
      // Auto mode's opt-in and classifier model too (see shared/claude-code.ts), and what cannot be set.
      note: CLAUDE_AUTO_MODE_LIMIT,
      code: [`export ANTHROPIC_BASE_URL=${baseUrl}`, `export ANTHROPIC_AUTH_TOKEN=${key}`, ...Object.entries(claudeAutoModeEnv(model)).map(([name, value]) => `export ${name}=${value}`), `claude --model ${model}`].join(
        '\n',
      ),
      then: { where: 'and once, for the MCP servers Loopgate hosts', language: 'sh', code: `claude mcp add --scope user --transport http loopgate ${mcp} --header "Authorization: Bearer ${key}"` },
    },
    {
      id: 'codex',
      tool: 'Codex CLI',
      mcp: true,
      run: 'loopgate run codex',
      where: '~/.codex/config.toml',
      language: 'toml',
      code: `model = ${quoted(model)}\nmodel_provider = "loopgate"\n\n[model_providers.loopgate]\nname = "Loopgate"\nbase_url = ${quoted(v1)}\nenv_key = "LOOPGATE_API_KEY"\nwire_api = "responses"\n\n[mcp_servers.loopgate]\nurl = ${quoted(mcp)}\nbearer_token_env_var = "LOOPGATE_API_KEY"\n`,
      then: { where: 'then in your shell (or ~/.bashrc)', language: 'sh', code: `export LOOPGATE_API_KEY=${key}` },
    },
    {
      id: 'gemini',
      tool: 'Gemini CLI',
      mcp: true,
      run: 'loopgate run gemini',
      where: '~/.gemini/settings.json',
      language: 'json',
      note: 'Gemini CLI needs its auth type chosen here when it talks to a gateway; it speaks Google’s Gemini API, which Loopgate serves to any provider. It starts MCP servers (Loopgate’s too) only in folders you trust.',
      // Gemini CLI expands $VAR in its settings: the key is pasted once, in the shell line.
      code: `${JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } }, mcpServers: { loopgate: { httpUrl: mcp, headers: { Authorization: 'Bearer $GEMINI_API_KEY' } } } }, null, 2)}\n`,
      then: { where: 'then in your shell', language: 'sh', code: `export GOOGLE_GEMINI_BASE_URL=${baseUrl}\nexport GEMINI_API_KEY=${key}\ngemini -m ${model}` },
    },
    {
      id: 'opencode',
      tool: 'opencode',
      mcp: true,
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
          mcp: { loopgate: { type: 'remote', url: mcp, headers: { Authorization: `Bearer ${key}` } } },
        },
        null,
        2,
      )}\n`,
    },
    { id: 'qwen', tool: 'Qwen Code', run: 'loopgate run qwen', where: 'shell', language: 'sh', code: `export OPENAI_BASE_URL=${v1}\nexport OPENAI_API_KEY=${key}\nexport OPENAI_MODEL=${model}\nqwen` },
    { id: 'aider', tool: 'Aider', run: `loopgate run -- aider --model openai/${model}`, where: 'shell', language: 'sh', code: `export OPENAI_API_BASE=${v1}\nexport OPENAI_API_KEY=${key}\naider --model openai/${model}` },
    {
      id: 'continue',
      tool: 'Continue',
      where: '~/.continue/config.yaml',
      language: 'yaml',
      code: `name: Loopgate\nversion: 1.0.0\nschema: v1\nmodels:\n  - name: ${quoted(`${model} (Loopgate)`)}\n    provider: openai\n    model: ${quoted(model)}\n    apiBase: ${quoted(v1)}\n    apiKey: ${quoted(key)}\n    roles:\n      - chat\n      - edit\n      - apply\n`,
    },
    {
      id: 'cline',
      tool: 'Cline',
      where: 'Cline settings → API Provider: “LiteLLM”',
      language: 'text',
      note: 'Cline’s LiteLLM provider reads the model list and prices from Loopgate’s LiteLLM-compatible API.',
      code: `Base URL: ${baseUrl}\nAPI Key:  ${key}\nModel:    ${model}`,
    },
    {
      id: 'open-webui',
      tool: 'Open WebUI',
      where: 'Docker',
      language: 'sh',
      note: `Inside a container, 127.0.0.1 is the container itself: Open WebUI reaches Loopgate as host.docker.internal. Loopgate listens on ${new URL(baseUrl).hostname} only, so start it with \`loopgate serve --host 0.0.0.0 --port ${port}\` (on a network you trust; keys are still required) for the container to get through.`,
      code: `docker run -d -p 3000:8080 \\\n  --add-host=host.docker.internal:host-gateway \\\n  -e OPENAI_API_BASE_URL=${dockerV1} \\\n  -e OPENAI_API_KEY=${key} \\\n  -v open-webui:/app/backend/data \\\n  --name open-webui ghcr.io/open-webui/open-webui:main`,
    },
    {
      id: 'openai-sdk',
      tool: 'OpenAI SDK',
      run: 'loopgate run -- node app.js',
      where: 'TypeScript',
      language: 'ts',
      code: `import OpenAI from 'openai';\n\nconst client = new OpenAI({ baseURL: '${v1}', apiKey: '${key}' });\nconst reply = await client.chat.completions.create({\n  model: '${model}',\n  messages: [{ role: 'user', content: 'Hello' }],\n});`,
    },
    {
      id: 'anthropic-sdk',
      tool: 'Anthropic SDK',
      run: 'loopgate run -- node app.js',
      where: 'TypeScript',
      language: 'ts',
      code: `import Anthropic from '@anthropic-ai/sdk';\n\nconst client = new Anthropic({ baseURL: '${baseUrl}', apiKey: '${key}' });\nconst message = await client.messages.create({\n  model: '${model}',\n  max_tokens: 1024,\n  messages: [{ role: 'user', content: 'Hello' }],\n});`,
    },
  ];
}
