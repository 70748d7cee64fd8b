// What the hub refuses an agent, said as a JSON-RPC error.
import type { ErrorCode } from '../../shared/errors.js';

/**
 * A refusal sent to the agent as a JSON-RPC error with this code. Not McpError: its message
 * already says "MCP error <code>:", and the agent's client says it again.
 */
export class McpRefusal extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** How the request log names it (a key refused a server is `permission`). */
    readonly logged: ErrorCode = 'invalid_request',
  ) {
    super(message);
  }
}
