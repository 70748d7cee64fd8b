// Which proxy an upstream call takes (core/upstream-proxy.ts): what the providers list shows and
// the upstream pools follow.
import { describe, expect, it } from 'vitest';
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
