// Ready-to-copy setup for each tool, filled in with the real base URL, key and model.
export interface Snippet {
  tool: string;
  where: string;
  language: string;
  code: string;
}

export function snippets(baseUrl: string, key: string, model: string): Snippet[] {
  const v1 = `${baseUrl}/v1`;
  return [
    { tool: 'Claude Code', where: 'shell', language: 'sh', code: `export ANTHROPIC_BASE_URL=${baseUrl}\nexport ANTHROPIC_AUTH_TOKEN=${key}\nclaude --model ${model}` },
    {
      tool: 'Codex CLI',
      where: '~/.codex/config.toml',
      language: 'toml',
      code: `model = "${model}"\nmodel_provider = "loopgate"\n\n[model_providers.loopgate]\nname = "Loopgate"\nbase_url = "${v1}"\nenv_key = "LOOPGATE_API_KEY"\nwire_api = "responses"\n\n# then: export LOOPGATE_API_KEY=${key}`,
    },
    {
      tool: 'Continue',
      where: '~/.continue/config.yaml',
      language: 'yaml',
      code: `models:\n  - name: ${model} (Loopgate)\n    provider: openai\n    model: ${model}\n    apiBase: ${v1}\n    apiKey: ${key}`,
    },
    { tool: 'Aider', where: 'shell', language: 'sh', code: `export OPENAI_API_BASE=${v1}\nexport OPENAI_API_KEY=${key}\naider --model openai/${model}` },
    { tool: 'Cline', where: 'Cline settings → API Provider: "OpenAI Compatible"', language: 'text', code: `Base URL: ${v1}\nAPI Key:  ${key}\nModel ID: ${model}` },
    { tool: 'Open WebUI', where: 'docker / environment', language: 'sh', code: `OPENAI_API_BASE_URL=${v1}\nOPENAI_API_KEY=${key}` },
    {
      tool: 'OpenAI SDK',
      where: 'TypeScript',
      language: 'ts',
      code: `import OpenAI from 'openai';\n\nconst client = new OpenAI({ baseURL: '${v1}', apiKey: '${key}' });\nconst reply = await client.chat.completions.create({\n  model: '${model}',\n  messages: [{ role: 'user', content: 'Hello' }],\n});`,
    },
    {
      tool: 'Anthropic SDK',
      where: 'TypeScript',
      language: 'ts',
      code: `import Anthropic from '@anthropic-ai/sdk';\n\nconst client = new Anthropic({ baseURL: '${baseUrl}', apiKey: '${key}' });\nconst message = await client.messages.create({\n  model: '${model}',\n  max_tokens: 1024,\n  messages: [{ role: 'user', content: 'Hello' }],\n});`,
    },
  ];
}
