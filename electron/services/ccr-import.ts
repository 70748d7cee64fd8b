// claude-code-router's config.json (`~/.claude-code-router/config.json`) as a LiteLLM config
// Loopgate imports: each provider's models become deployments in groups named as ccr names them
// ("provider,model"), `Router` becomes routes, `APIKEY` a virtual key with that secret. Known
// transformers are what Loopgate does natively; any other, and what Loopgate does not run
// (CUSTOM_ROUTER_PATH scripts, transformer plugins), is named in a warning. Pure: no I/O.
import type { RouteSetting } from '../../shared/routes.js';

type Json = Record<string, unknown>;

export interface CcrImport {
  /** A LiteLLM config (model_list, router_settings.routes) the usual import reads. */
  config: Json;
  /** What stays behind, each named. */
  warnings: string[];
  /** APIKEY: the secret Claude Code sends, to become a virtual key. */
  apiKey: string | null;
}

/** Transformers whose work Loopgate does itself, and how (the README's table says the same). */
const NATIVE_TRANSFORMERS: Record<string, string> = {
  anthropic: 'Anthropic Messages are spoken natively',
  openai: 'Chat Completions are spoken natively',
  deepseek: 'Anthropic Messages are translated to Chat Completions natively',
  openrouter: 'the openrouter provider family',
  gemini: 'the gemini provider family',
  groq: 'the groq provider family',
  tooluse: 'tool calls are translated natively',
  enhancetool: 'tool-call arguments are parsed leniently natively',
  reasoning: 'reasoning_content is read and passed back natively',
  cleancache: 'cache_control is dropped for upstreams that do not take it',
  streamoptions: 'stream usage is asked for natively',
};

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** Whether parsed JSON is a claude-code-router config rather than a LiteLLM one. */
export function isCcrConfig(raw: unknown): raw is Json {
  return isRecord(raw) && (Array.isArray(raw.Providers) || Array.isArray(raw.providers) || isRecord(raw.Router)) && raw.model_list === undefined;
}

/** ccr reads its file as JSON5: `//` and block comments and trailing commas (the YAML reader then takes trailing commas). */
export function withoutComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"' || char === "'") {
      const end = closingQuote(text, i);
      out += text.slice(i, end + 1);
      i = end;
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (char === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else out += char;
  }
  return out;
}

function closingQuote(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === text[start]) return i;
  }
  return text.length - 1;
}

/** ccr's `$VAR` / `${VAR}` as LiteLLM's `os.environ/VAR`. */
function secret(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(value);
  return variable ? `os.environ/${variable[1]}` : value;
}

/** The family and base URL an `api_base_url` means: `…/chat/completions` is OpenAI-compatible, `…/v1/messages` Anthropic. */
function endpoint(url: string, transformers: string[]): { family: string; apiBase: string } | null {
  if (/\/chat\/completions\/?$/.test(url)) return { family: transformers.includes('openrouter') ? 'openrouter' : 'openai', apiBase: url.replace(/\/chat\/completions\/?$/, '') };
  if (/\/v1\/messages\/?$/.test(url)) return { family: 'anthropic', apiBase: url.replace(/\/v1\/messages\/?$/, '') };
  if (/generativelanguage\.googleapis\.com/.test(url) || transformers.includes('gemini')) return { family: 'gemini', apiBase: url.replace(/\/models\/?$/, '') };
  return null;
}

/** Transformer names in `use` lists: `"name"` or `["name", { options }]`. */
function transformerNames(use: unknown): string[] {
  return (Array.isArray(use) ? use : []).flatMap((entry) => (typeof entry === 'string' ? [entry] : Array.isArray(entry) && typeof entry[0] === 'string' ? [entry[0]] : []));
}

function providerTransformers(provider: Json): { all: string[]; provider: string[] } {
  const transformer = isRecord(provider.transformer) ? provider.transformer : {};
  const own = transformerNames(transformer.use);
  const perModel = Object.entries(transformer).flatMap(([key, value]) => (key !== 'use' && isRecord(value) ? transformerNames(value.use) : []));
  return { all: [...own, ...perModel], provider: own };
}

/** Router's entries in ccr's order (long context, subagent, background, web search, thinking, image, then default). */
function routesOf(router: Json, groups: ReadonlySet<string>, warnings: string[]): RouteSetting[] {
  const routes: RouteSetting[] = [];
  const add = (key: string, name: string, when: RouteSetting['when']): void => {
    const to = router[key];
    if (typeof to !== 'string' || to === '') return;
    if (!groups.has(to)) return void warnings.push(`Router.${key} ("${to}": no provider has that model; the route was not imported)`);
    routes.push({ name, when, to, enabled: true });
  };
  const threshold = typeof router.longContextThreshold === 'number' && router.longContextThreshold > 0 ? Math.round(router.longContextThreshold) : 60_000;
  add('longContext', 'long-context', [{ kind: 'long_context', tokens: threshold }]);
  // ccr reads a `<CCR-SUBAGENT-MODEL>` marker whatever its Router says; here the marker's group wins over the default.
  add('default', 'subagent', [{ kind: 'subagent' }]);
  add('background', 'background', [{ kind: 'background' }]);
  add('webSearch', 'web-search', [{ kind: 'web_search' }]);
  add('think', 'think', [{ kind: 'thinking' }]);
  add('image', 'image', [{ kind: 'image' }]);
  // Claude Code's own model names go to the default; a "provider,model" name reaches its group directly, as in ccr.
  add('default', 'claude-default', [{ kind: 'model', pattern: 'claude-*' }]);
  return routes;
}

const SERVER_SETTINGS = ['HOST', 'PORT', 'LOG', 'LOG_LEVEL', 'API_TIMEOUT_MS', 'PROXY_URL', 'NON_INTERACTIVE_MODE', 'StatusLine'];

export function fromCcr(raw: Json): CcrImport {
  const warnings: string[] = [];
  const modelList: Json[] = [];
  const groups = new Set<string>();
  const providers = (Array.isArray(raw.Providers) ? raw.Providers : Array.isArray(raw.providers) ? raw.providers : []) as unknown[];
  providers.forEach((provider, index) => {
    if (!isRecord(provider) || typeof provider.name !== 'string' || typeof provider.api_base_url !== 'string') {
      return void warnings.push(`Providers[${index}] (expected a name and an api_base_url)`);
    }
    const transformers = providerTransformers(provider);
    const target = endpoint(provider.api_base_url, transformers.provider);
    if (!target) return void warnings.push(`Providers[${index}] "${provider.name}" (api_base_url ${provider.api_base_url} ends in neither /chat/completions nor /v1/messages)`);
    for (const name of new Set(transformers.all)) {
      if (!(name.toLowerCase() in NATIVE_TRANSFORMERS)) warnings.push(`transformer "${name}" on provider "${provider.name}" (Loopgate has no such transformer; requests go without it)`);
    }
    const key = secret(provider.api_key);
    for (const model of strings(provider.models)) {
      const group = `${provider.name},${model}`;
      groups.add(group);
      modelList.push({ model_name: group, litellm_params: { model: `${target.family}/${model}`, api_base: target.apiBase, ...(key ? { api_key: key } : {}) } });
    }
  });
  const routes = isRecord(raw.Router) ? routesOf(raw.Router, groups, warnings) : [];
  if (typeof raw.CUSTOM_ROUTER_PATH === 'string') {
    warnings.push(`CUSTOM_ROUTER_PATH ${raw.CUSTOM_ROUTER_PATH} (Loopgate runs no router scripts; say the same as routes in Models & routing)`);
  }
  strings((Array.isArray(raw.transformers) ? raw.transformers : []).map((plugin) => (isRecord(plugin) ? plugin.path : undefined))).forEach((path) =>
    warnings.push(`transformers plugin ${path} (Loopgate runs no transformer plugins)`),
  );
  for (const setting of SERVER_SETTINGS) if (raw[setting] !== undefined) warnings.push(`${setting} (a claude-code-router server setting; Loopgate has its own)`);
  const apiKey = typeof raw.APIKEY === 'string' && raw.APIKEY !== '' ? raw.APIKEY : null;
  return { config: { model_list: modelList, ...(routes.length > 0 ? { router_settings: { routes } } : {}) }, warnings, apiKey };
}
