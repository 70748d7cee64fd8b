// Google Gemini (Generative Language API): generateContent and streamGenerateContent, the API
// key in the x-goog-api-key header. Gemini-dialect clients are relayed natively (the body as
// sent, the model in the path); everyone else goes through the chat pivot.
import type { DeploymentConfig, Dialect } from '../../core/deployment.js';
import type { ProviderFamily } from '../types.js';
import { unsupportedParams } from '../unsupported.js';
import { toGeminiRequest } from './request.js';
import { fromGeminiResponse } from './response.js';
import { GeminiToChatStream } from './stream.js';

function modelPath(deployment: DeploymentConfig, stream: boolean): string {
  const model = encodeURIComponent(deployment.upstreamModel);
  return stream ? `/models/${model}:streamGenerateContent?alt=sse` : `/models/${model}:generateContent`;
}

export const geminiFamily: ProviderFamily = {
  name: 'gemini',
  defaultApiBase: 'https://generativelanguage.googleapis.com/v1beta',
  speaks: (dialect: Dialect) => dialect === 'gemini' || dialect === 'gemini_count_tokens',
  nativePath: (dialect, deployment, stream) => (dialect === 'gemini_count_tokens' ? `/models/${encodeURIComponent(deployment.upstreamModel)}:countTokens` : modelPath(deployment, stream)),
  authHeaders: (deployment): Record<string, string> => (deployment.apiKey ? { 'x-goog-api-key': deployment.apiKey } : {}),
  unsupportedParams,
  chatRequest: (chat, deployment) => ({ path: modelPath(deployment, chat.stream === true), body: JSON.stringify(toGeminiRequest(chat)) }),
  chatResponse: (body, deployment) => fromGeminiResponse(body, deployment.modelName),
  chatStream: (deployment) => new GeminiToChatStream(deployment.modelName),
};
