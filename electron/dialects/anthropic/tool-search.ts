// Claude Code's ToolSearch (2.1.332) said to chat upstreams. Tools marked `defer_loading` are
// loaded on demand: a ToolSearch result carries `tool_reference` blocks, and Anthropic then
// expands the named tools. A chat upstream has no such expansion, so a reference becomes the
// tool's definition in text (the `<functions>` form ToolSearch's own description promises), and
// a deferred tool is offered as callable only once something has referenced it (never the
// placeholder that merely keeps deferred loading on).
import type { Json } from '../types.js';

/** The tools named by tool_reference blocks anywhere in the conversation. */
export function referencedTools(messages: readonly Json[]): Set<string> {
  const names = new Set<string>();
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content as Json[]) {
      if (block.type !== 'tool_result' || !Array.isArray(block.content)) continue;
      for (const part of block.content as Json[]) if (part.type === 'tool_reference') names.add(String(part.tool_name));
    }
  }
  return names;
}

/** Whether a tool is offered to a chat upstream: not deferred, or deferred and referenced. */
export function offeredToChat(tool: Json, referenced: ReadonlySet<string>): boolean {
  return tool.defer_loading !== true || referenced.has(String(tool.name));
}

/** A tool_reference block as a line of text: the named tool's definition when the request carries it. */
export function toolReferenceText(block: Json, tools: readonly Json[]): string {
  const name = String(block.tool_name);
  const tool = tools.find((t) => t.name === name);
  if (!tool) return `Tool ${name} is loaded.\n`;
  const definition = { description: tool.description ?? '', name, parameters: tool.input_schema ?? { type: 'object', properties: {} } };
  return `<functions><function>${JSON.stringify(definition)}</function></functions>\n`;
}
