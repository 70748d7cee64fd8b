// Resources and prompts of every server a caller may use, at once: names namespaced like tools
// (`<server>__<name>`), resource URIs as each server wrote them (a read goes to the server that
// lists the URI, or whose URI template matches it), a prompt's get to the server its name says.
// Only servers that declare resources (prompts) are asked; one that is down is left out and logged.
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import { ErrorCode, type GetPromptResult, type Prompt, type ReadResourceResult, type Resource, type ResourceTemplate, type ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../core/logger.js';
import { TOOL_SEPARATOR, type McpAccess } from './access.js';
import { McpRefusal } from './refusal.js';
import { UpstreamUnavailable, type McpUpstream, type UpstreamRequest } from './upstream.js';

/** MCP's "resource not found" (the specification's code; the SDK has no name for it). */
const RESOURCE_NOT_FOUND = -32002;
/** A server that pages forever is cut off, as its tool list is. */
const MAX_PAGES = 100;

type Kind = 'resources' | 'prompts';

/** Resources are a server's data, not one tool's: a key sees them when it may use every tool of the server (`server` or `server__*`). */
function mayReadResources(access: McpAccess, server: string): boolean {
  return access.tool(server, '*');
}

/** Prompts are allowed like tools, by their namespaced name (`server__prompt` patterns). */
function mayGetPrompt(access: McpAccess, server: string, prompt: string): boolean {
  return access.tool(server, prompt);
}

function namespaced<T extends { name: string }>(server: string, item: T): T {
  return { ...item, name: `${server}${TOOL_SEPARATOR}${item.name}` };
}

/** A listing forwards the agent's cancellation; its progress has nowhere to go. */
function listing(request: UpstreamRequest): UpstreamRequest {
  return request.signal ? { signal: request.signal } : {};
}

/** Every page of one listing. */
async function allPages<T>(list: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | undefined }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await list(cursor);
    items.push(...result.items);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return items;
}

export class McpResourcesAndPrompts {
  constructor(
    private readonly servers: () => McpUpstream[],
    private readonly logger: Logger,
  ) {}

  async listResources(access: McpAccess, request: UpstreamRequest): Promise<Resource[]> {
    const lists = await this.fromEach('resources', access, (upstream) => this.resourcesOf(upstream, request));
    return lists.flatMap(({ upstream, items }) => items.map((item) => namespaced(upstream.name, item)));
  }

  async listResourceTemplates(access: McpAccess, request: UpstreamRequest): Promise<ResourceTemplate[]> {
    const lists = await this.fromEach('resources', access, (upstream) => this.templatesOf(upstream, request));
    return lists.flatMap(({ upstream, items }) => items.map((item) => namespaced(upstream.name, item)));
  }

  /** Reads a URI from the first server (in the config's order) that lists it, else whose template matches it. */
  async readResource(access: McpAccess, uri: string, request: UpstreamRequest): Promise<ReadResourceResult> {
    const listed = await this.fromEach('resources', access, (upstream) => this.resourcesOf(upstream, request));
    let owner = listed.find(({ items }) => items.some((resource) => resource.uri === uri))?.upstream;
    if (!owner) {
      const templates = await this.fromEach('resources', access, (upstream) => this.templatesOf(upstream, request));
      owner = templates.find(({ items }) => items.some((template) => new UriTemplate(template.uriTemplate).match(uri) !== null))?.upstream;
    }
    if (!owner) throw new McpRefusal(RESOURCE_NOT_FOUND, `Resource not found: no MCP server this key may read lists "${uri}".`);
    const server = owner;
    return forwarded(() => server.forward(request, (client, meta, options) => client.readResource({ uri, _meta: meta }, options)));
  }

  async listPrompts(access: McpAccess, request: UpstreamRequest): Promise<Prompt[]> {
    const lists = await this.fromEach('prompts', access, (upstream) =>
      upstream.forward(listing(request), (client, _meta, options) =>
        allPages(async (cursor) => {
          const page = await client.listPrompts(cursor ? { cursor } : {}, options);
          return { items: page.prompts, nextCursor: page.nextCursor };
        }),
      ),
    );
    return lists.flatMap(({ upstream, items }) => items.filter((prompt) => mayGetPrompt(access, upstream.name, prompt.name)).map((prompt) => namespaced(upstream.name, prompt)));
  }

  async getPrompt(access: McpAccess, name: string, args: Record<string, string> | undefined, request: UpstreamRequest): Promise<GetPromptResult> {
    const at = name.indexOf(TOOL_SEPARATOR);
    const server = at === -1 ? '' : name.slice(0, at);
    const prompt = at === -1 ? '' : name.slice(at + TOOL_SEPARATOR.length);
    const upstream = this.servers().find((candidate) => candidate.name === server);
    if (!upstream) throw new McpRefusal(ErrorCode.InvalidParams, `Unknown prompt "${name}": Loopgate's MCP prompts are named <server>__<prompt>, and no MCP server "${server}" is configured.`);
    if (!mayGetPrompt(access, server, prompt)) {
      throw new McpRefusal(
        ErrorCode.InvalidParams,
        `This key may not use the prompt "${prompt}" of MCP server "${server}" (its metadata.mcp_servers allows: ${(access.patterns ?? []).join(', ') || 'none'}).`,
        'permission',
      );
    }
    return forwarded(() => upstream.forward(request, (client, meta, options) => client.getPrompt({ name: prompt, ...(args ? { arguments: args } : {}), _meta: meta }, options)));
  }

  private resourcesOf(upstream: McpUpstream, request: UpstreamRequest): Promise<Resource[]> {
    return upstream.forward(listing(request), (client, _meta, options) =>
      allPages(async (cursor) => {
        const page = await client.listResources(cursor ? { cursor } : {}, options);
        return { items: page.resources, nextCursor: page.nextCursor };
      }),
    );
  }

  private templatesOf(upstream: McpUpstream, request: UpstreamRequest): Promise<ResourceTemplate[]> {
    return upstream.forward(listing(request), (client, _meta, options) =>
      allPages(async (cursor) => {
        const page = await client.listResourceTemplates(cursor ? { cursor } : {}, options);
        return { items: page.resourceTemplates, nextCursor: page.nextCursor };
      }),
    );
  }

  /** The listing of each server the caller may use that declares `kind`, in the config's order; a server that is down or fails is left out (and logged). */
  private async fromEach<T>(kind: Kind, access: McpAccess, list: (upstream: McpUpstream) => Promise<T[]>): Promise<Array<{ upstream: McpUpstream; items: T[] }>> {
    const visible = this.servers().filter((upstream) => (kind === 'resources' ? mayReadResources(access, upstream.name) : access.server(upstream.name)));
    const lists = await Promise.all(
      visible.map(async (upstream) => {
        try {
          const declared: ServerCapabilities = await upstream.capabilities();
          return declared[kind] ? { upstream, items: await list(upstream) } : null;
        } catch (error) {
          this.logger.log('warn', `mcp ${kind} unavailable`, { server: upstream.name, error: error instanceof Error ? error.message : String(error) });
          return null;
        }
      }),
    );
    return lists.filter((entry) => entry !== null);
  }
}

/** A forwarded read or get: a server that is down is an MCP error naming it; the server's own errors pass through. */
async function forwarded<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof UpstreamUnavailable) throw new McpRefusal(ErrorCode.InternalError, error.message);
    throw error;
  }
}
