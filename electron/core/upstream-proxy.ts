// Which proxy an upstream call takes: the deployment's own (`litellm_params.proxy`, the
// provider's proxy field), else the environment's HTTPS_PROXY / HTTP_PROXY minus NO_PROXY, else
// (in the desktop app) the operating system's proxy settings for that URL.
// Loopback hosts and local providers (Ollama, LM Studio, ...) always go direct: a company proxy
// cannot reach the laptop's own 127.0.0.1. A pure function, so the app can show the choice.
import { isIP } from 'node:net';
import { catalogEntry } from '../../shared/providers.js';
import type { UpstreamProxyView } from '../../shared/api-views.js';
import type { SystemProxy } from './system-proxy.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** The setting's word for "never through a proxy", even when the environment names one. */
const DIRECT = 'direct';

/** Where a call goes: straight to the upstream, or through a proxy (its URL with any password). */
export type ProxyChoice = { via: 'direct'; reason: UpstreamProxyView['reason'] } | { via: 'http' | 'socks5'; url: URL; reason: UpstreamProxyView['reason'] };

/** An upstream on this machine (a loopback host, or a local family such as Ollama): it needs no network. */
export function isLocalUpstream(apiBase: URL, family: string): boolean {
  return isLoopbackHost(apiBase.hostname) || catalogEntry(family)?.local === true;
}

export function proxyChoice(apiBase: URL, family: string, setting: string | null, env: Environment, system: SystemProxy | null = null): ProxyChoice {
  if (isLoopbackHost(apiBase.hostname)) return { via: 'direct', reason: 'loopback' };
  if (catalogEntry(family)?.local) return { via: 'direct', reason: 'local_provider' };
  if (setting === DIRECT) return { via: 'direct', reason: 'provider' };
  if (setting) return { ...proxyUrl(setting), reason: 'provider' };
  const fromEnv = apiBase.protocol === 'https:' ? (variable(env, 'https_proxy') ?? variable(env, 'http_proxy')) : variable(env, 'http_proxy');
  if (!fromEnv) return systemChoice(apiBase, system);
  if (noProxy(apiBase, variable(env, 'no_proxy') ?? '')) return { via: 'direct', reason: 'no_proxy' };
  return { ...proxyUrl(fromEnv), reason: apiBase.protocol === 'https:' && variable(env, 'https_proxy') ? 'HTTPS_PROXY' : 'HTTP_PROXY' };
}

/** The OS's answer for this origin; direct while it is not known (or outside the desktop app). */
function systemChoice(apiBase: URL, system: SystemProxy | null): ProxyChoice {
  const setting = system?.lookup(apiBase.origin);
  if (setting === undefined) return { via: 'direct', reason: 'none' };
  if (setting === DIRECT) return { via: 'direct', reason: 'system' };
  try {
    return { ...proxyUrl(setting), reason: 'system' };
  } catch {
    return { via: 'direct', reason: 'system' };
  }
}

/** The choice as the app shows it: the proxy's address without its password. */
export function proxyView(choice: ProxyChoice): UpstreamProxyView {
  if (choice.via === 'direct') return { via: 'direct', proxy: null, reason: choice.reason };
  const shown = new URL(choice.url.href);
  if (shown.password) shown.password = '****';
  return { via: choice.via, proxy: shown.href.replace(/\/$/, ''), reason: choice.reason };
}

/** A proxy setting's problem, or null when it is `direct` or an http(s):// or socks5:// URL. */
export function proxySettingProblem(setting: string): string | null {
  if (setting === DIRECT) return null;
  try {
    proxyUrl(setting);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function proxyUrl(text: string): { via: 'http' | 'socks5'; url: URL } {
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `http://${text}`);
  } catch {
    throw new Error(`expected a proxy URL such as http://proxy.example:3128 or socks5://127.0.0.1:1080, or "${DIRECT}"`);
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return { via: 'http', url };
  if (url.protocol === 'socks5:' || url.protocol === 'socks:') return { via: 'socks5', url };
  throw new Error(`expected an http://, https:// or socks5:// proxy URL, got "${url.protocol}"`);
}

/** Lower-case spelling first, as curl and undici read them. */
function variable(env: Environment, name: string): string | null {
  const value = env[name] ?? env[name.toUpperCase()];
  return value ? value.trim() || null : null;
}

function isLoopbackHost(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost') || name === '::1') return true;
  return isIP(name) === 4 && name.startsWith('127.');
}

/** NO_PROXY as curl reads it: `*`, host names matching themselves and their subdomains (a leading `.` or `*.` ignored), optional `:port`. */
function noProxy(url: URL, list: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  for (const entry of list.split(/[,\s]+/)) {
    if (!entry) continue;
    if (entry === '*') return true;
    // A bare IPv6 address has colons of its own and no port.
    const match = (entry.startsWith('[') || entry.split(':').length <= 2 ? /^(.+?)(?::(\d+))?$/ : /^(.+)()$/).exec(entry)!;
    const name = match[1]!
      .replace(/^\*?\./, '')
      .replace(/^\[|\]$/g, '')
      .toLowerCase();
    if (match[2] && Number(match[2]) !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}
