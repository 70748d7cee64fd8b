// The config file's network settings (issue 29): litellm_params.proxy, general_settings.ca_certs
// and router_settings.offline_fallback, read at start-up and refused with their path when wrong.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../electron/config/index.js';
import { tempDir } from '../helpers/cli.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----';
const model = (extra = ''): string =>
  `model_list:\n  - model_name: gpt\n    litellm_params:\n      model: openai/gpt-4o\n      api_key: sk-x${extra}\n  - model_name: local\n    litellm_params:\n      model: ollama/llama3\n`;

describe('network settings in the config file', () => {
  it("reads a deployment's proxy, and refuses one it cannot use", () => {
    expect(parseConfigText(model('\n      proxy: socks5://127.0.0.1:1080'), { env: {} }).deployments[0]?.proxy).toBe('socks5://127.0.0.1:1080');
    expect(parseConfigText(model('\n      proxy: os.environ/CORP_PROXY'), { env: { CORP_PROXY: 'http://corp:3128' } }).deployments[0]?.proxy).toBe('http://corp:3128');
    expect(() => parseConfigText(model('\n      proxy: ftp://corp:21'), { env: {} })).toThrow(/model_list\[0\]\.litellm_params\.proxy: .*socks5/);
  });

  it('reads ca_certs as PEM text or files relative to the config file, and refuses a file without a certificate', () => {
    const dir = tempDir('loopgate-ca-config-');
    writeFileSync(join(dir, 'corp.pem'), `${PEM}\n`);
    writeFileSync(join(dir, 'notes.txt'), 'no certificate here');
    const source = join(dir, 'config.yaml');
    const config = parseConfigText(`${model()}general_settings:\n  ca_certs: [corp.pem, ${JSON.stringify(PEM)}]\n`, { env: {}, source });
    expect(config.caCerts).toEqual([PEM, PEM]);
    expect(() => parseConfigText(`${model()}general_settings:\n  ca_certs: notes.txt\n`, { env: {}, source })).toThrow(/general_settings\.ca_certs: expected PEM certificates/);
    expect(() => parseConfigText(`${model()}general_settings:\n  ca_certs: missing.pem\n`, { env: {}, source })).toThrow(/cannot read the CA certificate file .*missing\.pem: ENOENT/);
  });

  it('reads the offline fallback, short or long, and refuses a group that does not exist', () => {
    expect(parseConfigText(`${model()}router_settings:\n  offline_fallback: local\n`, { env: {} }).offlineFallback).toEqual({ group: 'local', probeIntervalMs: 15_000, minStateMs: 30_000 });
    expect(parseConfigText(`${model()}router_settings:\n  offline_fallback: { model: local, probe_interval: 2, min_state_seconds: 0 }\n`, { env: {} }).offlineFallback).toEqual({
      group: 'local',
      probeIntervalMs: 2_000,
      minStateMs: 0,
    });
    expect(() => parseConfigText(`${model()}router_settings:\n  offline_fallback: nowhere\n`, { env: {} })).toThrow(/router_settings\.offline_fallback: expected the name of a model/);
  });
});
