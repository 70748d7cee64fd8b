// Reasoning sent back to chat upstreams that need it. DeepSeek's thinking mode refuses a tool
// turn whose earlier assistant message lacks `reasoning_content` ("Missing `reasoning_content`
// field in the assistant message at message index N"); most other servers take no such field.
// So the DeepSeek family, and any deployment with `model_info.send_reasoning_content: true`,
// gets it on every assistant message (the earlier reasoning, or empty when the client kept
// none); every other one gets none.
import type { ChatMessage, ChatRequest } from '../../core/chat.js';
import type { DeploymentConfig } from '../../core/deployment.js';

/** Whether a deployment's upstream wants earlier reasoning back: the setting when given, else its family's habit. */
function sendsReasoningContent(deployment: DeploymentConfig): boolean {
  const setting = deployment.modelInfo.send_reasoning_content;
  return typeof setting === 'boolean' ? setting : deployment.family === 'deepseek';
}

/** The chat request with assistant messages' reasoning_content as the deployment wants it; the same object when nothing changes. */
export function reasoningForDeployment(chat: ChatRequest, deployment: DeploymentConfig): ChatRequest {
  const send = sendsReasoningContent(deployment);
  const change = (message: ChatMessage): boolean => message.role === 'assistant' && (send ? typeof message.reasoning_content !== 'string' : message.reasoning_content !== undefined);
  if (!chat.messages.some(change)) return chat;
  const messages = chat.messages.map((message) => {
    if (!change(message)) return message;
    if (send) return { ...message, reasoning_content: '' };
    const { reasoning_content: _left, ...rest } = message;
    return rest;
  });
  return { ...chat, messages };
}
