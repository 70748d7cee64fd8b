// The shape of one entry in the config file's `mcp_servers` / `mcpServers` block (mcp-servers.ts reads it).
import { z } from 'zod';

const stringMap = z.record(z.string(), z.string());

/** Either a command (stdio) or a URL (remote); the agents' spellings of the transport are all taken. */
const mcpServerEntrySchema = z.object({
  type: z.enum(['stdio', 'http', 'streamable-http', 'streamable_http', 'streamableHttp', 'sse']).optional(),
  transport: z.enum(['stdio', 'http', 'sse']).optional(),
  command: z.string().min(1, 'expected the command that starts the server').optional(),
  args: z.array(z.string()).optional(),
  env: stringMap.optional(),
  cwd: z.string().min(1).optional(),
  url: z.string().url('expected an http:// or https:// URL').optional(),
  headers: stringMap.optional(),
  /** Stop an unused stdio server after this many seconds (default 600); 0 keeps it running. */
  idle_timeout: z.number().nonnegative().optional(),
  /** Claude Code's flag for a server it should skip. */
  disabled: z.boolean().optional(),
});

export const mcpServersSchema = z.record(z.string(), mcpServerEntrySchema);

export type McpServerEntry = z.infer<typeof mcpServerEntrySchema>;
