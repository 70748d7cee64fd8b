// Google Gemini (Generative Language API): generateContent and streamGenerateContent, the API
// key in the x-goog-api-key header. Everything goes through the chat pivot.
import type { DeploymentConfig } from '../../core/deployment.js';
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
  speaks: () => false,
  nativePath: (_dialect, deployment, stream) => modelPath(deployment, stream),
  authHeaders: (deployment): Record<string, string> => (deployment.apiKey ? { 'x-goog-api-key': deployment.apiKey } : {}),
  unsupportedParams,
  chatRequest: (chat, deployment) => ({ path: modelPath(deployment, chat.stream === true), body: JSON.stringify(toGeminiRequest(chat)) }),
  chatResponse: (body, deployment) => fromGeminiResponse(body, deployment.modelName),
  chatStream: (deployment) => new GeminiToChatStream(deployment.modelName),
};
