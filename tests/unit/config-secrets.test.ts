// A config error prints the offending line; the secrets on it do not reach the terminal.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../electron/config/index.js';

function errorOf(yaml: string, env: Record<string, string> = {}): string {
  try {
    parseConfigText(yaml, { env, serverEnv: true });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a config error');
}

describe('config errors mask secrets', () => {
  it('a YAML syntax error on the line with api_key shows the line, not the key', () => {
    const message = errorOf(`model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o, api_key: sk-proj-abcdef1234567890SECRET ]
`);
    expect(message).toContain('line 3');
    expect(message).toContain('api_key: ***');
    expect(message).not.toContain('abcdef1234567890SECRET');
  });

  it('master_key, an AWS secret and a URL password are masked; os.environ references stay readable', () => {
    for (const [line, secret] of [
      ['master_key: "my-master-passphrase"', 'my-master-passphrase'],
      ['aws_secret_access_key: wJalrXUtnFEMI/K7MDENG', 'wJalrXUtnFEMI'],
      ['api_base: https://user:pa55word@example.com', 'pa55word'],
    ]) {
      const message = errorOf(`general_settings: { ${line} ]\n`);
      expect(message).toContain('line 1');
      expect(message).not.toContain(secret);
    }
    expect(errorOf('general_settings: { master_key: os.environ/LOOPGATE_KEY ]\n')).toContain('os.environ/LOOPGATE_KEY');
  });

  it('a value resolved from a secret environment variable is masked wherever an error quotes it', () => {
    const message = errorOf(
      `model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o, api_base: os.environ/MY_API_BASE_TOKEN }
`,
      { MY_API_BASE_TOKEN: 'not a url but a secret' },
    );
    expect(message).toContain('api_base');
    expect(message).not.toContain('not a url but a secret');
  });
});
