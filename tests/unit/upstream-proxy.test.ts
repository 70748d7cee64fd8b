// Which proxy an upstream call takes (core/upstream-proxy.ts): what the providers list shows and
// the upstream pools follow.
import { describe, expect, it } from 'vitest';
import { pacToSetting, systemProxy } from '../../electron/core/system-proxy.js';
import { proxyChoice, proxySettingProblem, proxyView } from '../../electron/core/upstream-proxy.js';

const view = (url: string, env: Record<string, string>, setting: string | null = null, family = 'openai'): ReturnType<typeof proxyView> => proxyView(proxyChoice(new URL(url), family, setting, env));

describe('proxyChoice', () => {
  const env = { HTTPS_PROXY: 'http://corp:3128', HTTP_PROXY: 'http://plain:8080' };

  it('takes HTTPS_PROXY for https upstreams and HTTP_PROXY for http ones; lower-case spellings win', () => {
    expect(view('https://api.openai.com/v1', env)).toEqual({ via: 'http', proxy: 'http://corp:3128', reason: 'HTTPS_PROXY' });
    expect(view('http://api.example.com/v1', env)).toEqual({ via: 'http', proxy: 'http://plain:8080', reason: 'HTTP_PROXY' });
    expect(view('https://api.openai.com/v1', { HTTP_PROXY: 'http://plain:8080' })).toEqual({ via: 'http', proxy: 'http://plain:8080', reason: 'HTTP_PROXY' });
    expect(view('https://api.openai.com/v1', { ...env, https_proxy: 'http://lower:1' }).proxy).toBe('http://lower:1');
    expect(view('https://api.openai.com/v1', {})).toEqual({ via: 'direct', proxy: null, reason: 'none' });
  });

  it('skips the proxy for NO_PROXY hosts, their subdomains and matching ports, and for *', () => {
    for (const noProxy of ['openai.com', '.openai.com', '*.openai.com', 'api.openai.com:443', 'other.test, api.openai.com', '*']) {
      expect(view('https://api.openai.com/v1', { ...env, NO_PROXY: noProxy }).reason, noProxy).toBe('no_proxy');
    }
    for (const noProxy of ['penai.com', 'api.openai.com:8443', 'other.test']) {
      expect(view('https://api.openai.com/v1', { ...env, NO_PROXY: noProxy }).reason, noProxy).toBe('HTTPS_PROXY');
    }
  });

  it('never proxies loopback or a local provider, whatever is set', () => {
    for (const url of ['http://127.0.0.1:11434/v1', 'http://localhost:1234/v1', 'http://[::1]:8000/v1', 'http://app.localhost/v1']) {
      expect(view(url, env, 'socks5://127.0.0.1:1080').reason, url).toBe('loopback');
    }
    expect(view('http://gpu-box.lan:11434/v1', env, 'http://corp:3128', 'ollama')).toEqual({ via: 'direct', proxy: null, reason: 'local_provider' });
  });

  it("lets a provider's own setting win: a proxy URL (password masked), socks5, or direct", () => {
    expect(view('https://api.openai.com/v1', env, 'socks5://user:secret@127.0.0.1:1080')).toEqual({ via: 'socks5', proxy: 'socks5://user:****@127.0.0.1:1080', reason: 'provider' });
    expect(view('https://api.openai.com/v1', env, 'proxy.corp:3128')).toEqual({ via: 'http', proxy: 'http://proxy.corp:3128', reason: 'provider' });
    expect(view('https://api.openai.com/v1', env, 'direct')).toEqual({ via: 'direct', proxy: null, reason: 'provider' });
  });

  it('refuses a proxy setting it cannot use, saying what it expects', () => {
    expect(proxySettingProblem('ftp://proxy:21')).toMatch(/http:\/\/, https:\/\/ or socks5:\/\//);
    expect(proxySettingProblem('http://')).toMatch(/expected a proxy URL/);
    expect(proxySettingProblem('socks5://127.0.0.1:1080')).toBeNull();
  });
});

describe("the operating system's proxy (desktop app)", () => {
  it('reads the first usable entry of a PAC answer', () => {
    expect(pacToSetting('PROXY corp:3128; DIRECT')).toBe('http://corp:3128');
    expect(pacToSetting('HTTPS secure:443')).toBe('https://secure:443');
    expect(pacToSetting('SOCKS5 sock:1080')).toBe('socks5://sock:1080');
    expect(pacToSetting('QUIC q:443; DIRECT')).toBe('direct');
    expect(pacToSetting('')).toBe('direct');
  });

  it('comes after HTTPS_PROXY and a provider setting, goes direct until the OS has answered, and never for loopback', async () => {
    const os = systemProxy(async () => 'PROXY corp:3128');
    expect(proxyView(proxyChoice(new URL('https://api.openai.com/v1'), 'openai', null, {}, os))).toEqual({ via: 'direct', proxy: null, reason: 'none' });
    await os.resolve(['https://api.openai.com']);
    expect(proxyView(proxyChoice(new URL('https://api.openai.com/v1'), 'openai', null, {}, os))).toEqual({ via: 'http', proxy: 'http://corp:3128', reason: 'system' });
    expect(proxyView(proxyChoice(new URL('https://api.openai.com/v1'), 'openai', null, { HTTPS_PROXY: 'http://env:1' }, os)).reason).toBe('HTTPS_PROXY');
    expect(proxyView(proxyChoice(new URL('https://api.openai.com/v1'), 'openai', 'direct', {}, os)).reason).toBe('provider');
    expect(proxyView(proxyChoice(new URL('http://127.0.0.1:11434'), 'ollama', null, {}, os)).reason).toBe('loopback');
  });

  it('counts an OS that cannot answer as direct', async () => {
    const os = systemProxy(async () => Promise.reject(new Error('no proxy service')));
    await os.resolve(['https://api.openai.com']);
    expect(proxyView(proxyChoice(new URL('https://api.openai.com/v1'), 'openai', null, {}, os))).toEqual({ via: 'direct', proxy: null, reason: 'system' });
  });
});
