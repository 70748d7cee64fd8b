// What the request log and the Playground say about a failed attempt: short, and without
// anything that looks like a credential, even when an upstream echoes one back.
import { describe, expect, it } from 'vitest';
import type { DeploymentConfig } from '../../electron/core/deployment.js';
import { GatewayError } from '../../electron/core/errors.js';
import { failureReason, withoutSecrets } from '../../electron/gateway/inference/attempt-record.js';
import { AttemptFailure } from '../../electron/router/failures.js';

const deployment = { id: 'gpt#0', apiKey: 'plain-provider-secret-42' } as DeploymentConfig;

describe('failure reasons', () => {
  it("reads the upstream's own message and masks a key it echoes back", () => {
    const body = JSON.stringify({ error: { message: 'Incorrect API key provided: sk-proj-abcdefghij1234567890. You can find your API key at https://platform.openai.com.', code: 'invalid_api_key' } });
    const reason = failureReason(AttemptFailure.fromResponse(401, {}, body), deployment);
    expect(reason).toBe('401: Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com.');
  });

  it("masks the deployment's own key, bearer tokens, key parameters and long opaque tokens", () => {
    const text = [
      'key plain-provider-secret-42 refused;',
      'sent Authorization: Bearer abc.def.ghi;',
      'GET /v1beta/models?key=AIzaSyA-1234567890abcdef&alt=sse;',
      'aws AKIAABCDEFGHIJKLMNOP;',
      `token ${'Zx9'.repeat(20)}`,
    ].join(' ');
    const masked = withoutSecrets(text, deployment);
    expect(masked).not.toContain('plain-provider-secret-42');
    expect(masked).not.toContain('abc.def.ghi');
    expect(masked).not.toContain('AIzaSyA');
    expect(masked).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(masked).not.toContain('Zx9Zx9Zx9');
    expect(masked).toContain('Bearer ***');
    expect(masked).toContain('?key=***&alt=sse');
  });

  it('keeps a reason short: at most 200 characters, on one line', () => {
    const reason = failureReason(AttemptFailure.fromResponse(500, {}, `upstream\n${'trace line '.repeat(100)}`), deployment);
    expect(reason.length).toBeLessThanOrEqual(200);
    expect(reason).not.toContain('\n');
    expect(reason.endsWith('…')).toBe(true);
  });

  it("says Loopgate's own error when the upstream never answered", () => {
    const failure = AttemptFailure.fromError(new GatewayError('timeout', 'The upstream deployment "gpt#0" (http://127.0.0.1:9) did not answer within 5s.'));
    expect(failureReason(failure, deployment)).toBe('The upstream deployment "gpt#0" (http://127.0.0.1:9) did not answer within 5s.');
  });
});
