// Anthropic's native Messages API. Messages and count_tokens pass through untouched when the
// client speaks Anthropic too (Claude Code); everything else is translated from the chat pivot.
import type { DeploymentConfig } from '../../core/deployment.js';
import type { Dialect } from '../../core/deployment.js';
import type { ProviderFamily } from '../types.js';
import { unsupportedParams } from '../unsupported.js';
import { toAnthropicRequest } from './request.js';
import { fromAnthropicResponse } from './response.js';
import { AnthropicToChatStream } from './stream.js';

const ANTHROPIC_VERSION = '2023-06-01';

/** LiteLLM's anthropic api_base has no `/v1`; accept one written with it too. */
const versionPrefix = (deployment: DeploymentConfig): string => (deployment.apiBase.pathname.endsWith('/v1') ? '' : '/v1');

export const anthropicFamily: ProviderFamily = {
  name: 'anthropic',
  defaultApiBase: 'https://api.anthropic.com',
  speaks: (dialect: Dialect) => dialect === 'anthropic' || dialect === 'anthropic_count_tokens',
  nativePath: (dialect: Dialect, deployment: DeploymentConfig) => `${versionPrefix(deployment)}${dialect === 'anthropic_count_tokens' ? '/messages/count_tokens' : '/messages'}`,
  defaultHeaders: { 'anthropic-version': ANTHROPIC_VERSION },
  authHeaders: (deployment: DeploymentConfig): Record<string, string> => (deployment.apiKey ? { 'x-api-key': deployment.apiKey } : {}),
  unsupportedParams,
  chatRequest: (chat, deployment) => ({ path: `${versionPrefix(deployment)}/messages`, body: JSON.stringify(toAnthropicRequest(chat)) }),
  chatResponse: (body, deployment) => fromAnthropicResponse(body, deployment.modelName),
  chatStream: (deployment) => new AnthropicToChatStream(deployment.modelName),
};
