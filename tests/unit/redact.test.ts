// Issue 21, finding 7: what an upstream says about the credentials it was sent, masked before
// anyone reads it; everything else in the text left as it was.
import { describe, expect, it } from 'vitest';
import { storedDeployment } from '../../electron/config/deployment.js';
import type { DeploymentConfig } from '../../electron/core/deployment.js';
import { redactCredentials } from '../../electron/core/redact.js';

const KEY = 'a1B2c3D4e5F6g7H8/i9J0+zz';

function deployment(apiKey: string | null, aws: DeploymentConfig['aws'] = null): DeploymentConfig {
  return { ...storedDeployment({ id: 'd', modelName: 'm', family: 'openai', upstreamModel: 'm', apiBase: null, apiKey }), aws };
}

describe('redactCredentials', () => {
  it('masks the key as written, inside JSON, in a URL, and in its masked forms', () => {
    const said = [KEY, JSON.stringify(KEY), encodeURIComponent(KEY), `${KEY.slice(0, 6)}****************${KEY.slice(-4)}`, `…${KEY.slice(-4)}.`, `${KEY.slice(0, 4)}•••••`, `${KEY.slice(0, 5)}...`];
    for (const text of said) {
      const out = redactCredentials(`Incorrect API key provided: ${text} (see docs)`, deployment(KEY));
      expect(out).toContain('***');
      expect(out).not.toContain(KEY.slice(-4));
      expect(out).not.toContain(KEY.slice(0, 4));
      expect(out).toMatch(/^Incorrect API key provided: .* \(see docs\)$/);
    }
  });

  it("masks a Bedrock deployment's AWS credentials and anything shaped like a provider key", () => {
    const aws = { accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'FwoGZXIvYXdzEBYaDNotARealSessionToken', region: 'us-east-1' };
    const out = redactCredentials(`${aws.accessKeyId} ${aws.secretAccessKey} ${aws.sessionToken}`, deployment(null, aws));
    expect(out).toBe('*** *** ***');
    const shaped = redactCredentials('keys sk-ant-api03-abcdefgh AIzaSyA1234567890abcdefghijklmnopqrstuv Bearer xyz123 ?key=abc', null);
    expect(shaped).toBe('keys sk-*** *** Bearer *** ?key=***');
  });

  it('leaves ordinary text alone: prose with ellipses, short words, JSON', () => {
    const text = '{"error":{"message":"Rate limit reached... try again in 20s. Model gpt-4o… is busy.","code":"rate_limit"}}';
    expect(redactCredentials(text, deployment(KEY))).toBe(text);
    expect(redactCredentials('short key abc', deployment('abc'))).toBe('short key abc');
  });
});
