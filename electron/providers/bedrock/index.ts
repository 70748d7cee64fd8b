// AWS Bedrock through the Converse API: every request signed with SigV4 (aws4), streams
// decoded from AWS's event-stream framing. Everything goes through the chat pivot.
import aws4 from 'aws4';
import type { DeploymentConfig } from '../../core/deployment.js';
import type { ProviderFamily } from '../types.js';
import type { UpstreamRequest } from '../../core/deployment.js';
import { converseUnsupportedParams, toConverseRequest } from './request.js';
import { fromConverseResponse } from './response.js';
import { ConverseToChatStream } from './stream.js';

function modelPath(deployment: DeploymentConfig, stream: boolean): string {
  return `/model/${encodeURIComponent(deployment.upstreamModel)}/${stream ? 'converse-stream' : 'converse'}`;
}

/** SigV4 over exactly the bytes and path that will be sent. */
function sign(deployment: DeploymentConfig, request: UpstreamRequest): Record<string, string> {
  const aws = deployment.aws;
  if (!aws) return {};
  const signed = aws4.sign(
    {
      host: deployment.apiBase.host,
      path: deployment.apiBase.pathname.replace(/\/+$/, '') + request.path,
      method: 'POST',
      service: 'bedrock',
      region: aws.region,
      body: request.body,
      headers: { 'content-type': 'application/json' },
    },
    { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey, ...(aws.sessionToken ? { sessionToken: aws.sessionToken } : {}) },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers ?? {})) {
    const lower = name.toLowerCase();
    // undici sets host and content-length itself, from the same values that were signed.
    if (lower !== 'host' && lower !== 'content-length') headers[lower] = String(value);
  }
  return headers;
}

export const bedrockFamily: ProviderFamily = {
  name: 'bedrock',
  defaultApiBase: 'https://bedrock-runtime.us-east-1.amazonaws.com',
  speaks: () => false,
  nativePath: (_dialect, deployment, stream) => modelPath(deployment, stream),
  authHeaders: sign,
  unsupportedParams: converseUnsupportedParams,
  chatRequest: (chat, deployment) => ({ path: modelPath(deployment, chat.stream === true), body: JSON.stringify(toConverseRequest(chat)) }),
  chatResponse: (body, deployment) => fromConverseResponse(body, deployment.modelName),
  chatStream: (deployment) => new ConverseToChatStream(deployment.modelName),
};
