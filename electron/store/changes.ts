// Change notices between instances sharing one database. Each repository tells its in-process
// listeners (the gateway's key cache and routing tables, the UI's event stream) of its own
// writes; this hook hands those writes out (to publish: PostgreSQL NOTIFY, Redis pub/sub) and
// takes in other instances' writes, re-reading what they touched and telling the same listeners.
import type { DeploymentRepository } from './deployments.js';
import type { KeyRepository, StoredKey } from './keys.js';
import type { McpServerRepository } from './mcp-servers.js';
import type { RoutingRepository } from './routing.js';

/** What changed: one key (by id), or the deployments, the routing settings, or the MCP servers. */
export type StoreChange = { table: 'keys'; id: string } | { table: 'deployments' } | { table: 'routing' } | { table: 'mcp' };

export interface StoreChanges {
  /** Each change this process committed, once it committed. Not called for changes applied from elsewhere. */
  onLocalChange(listener: (change: StoreChange) => void): void;
  /** A change another instance committed: re-reads what it touched and tells this process's listeners. */
  applyRemoteChange(change: StoreChange): Promise<void>;
}

interface Repositories {
  keys: KeyRepository & { findForAuth(id: string): Promise<StoredKey | null>; announce(id: string, key: StoredKey | null): void };
  deployments: DeploymentRepository & { changed(): void };
  routing: RoutingRepository & { changed(): void };
  mcpServers: McpServerRepository & { changed(): void };
}

export function trackChanges(repositories: Repositories): StoreChanges {
  const listeners: Array<(change: StoreChange) => void> = [];
  // Set while a remote change is handed to the listeners (synchronously), so it is not sent back out.
  let applyingRemote = false;
  const local = (change: StoreChange): void => {
    if (!applyingRemote) for (const listener of listeners) listener(change);
  };
  repositories.keys.onChange((id) => local({ table: 'keys', id }));
  repositories.deployments.onChange(() => local({ table: 'deployments' }));
  repositories.routing.onChange(() => local({ table: 'routing' }));
  repositories.mcpServers.onChange(() => local({ table: 'mcp' }));
  const quietly = (tell: () => void): void => {
    applyingRemote = true;
    try {
      tell();
    } finally {
      applyingRemote = false;
    }
  };
  return {
    onLocalChange: (listener) => void listeners.push(listener),
    async applyRemoteChange(change) {
      if (change.table === 'keys') {
        const key = await repositories.keys.findForAuth(change.id);
        quietly(() => repositories.keys.announce(change.id, key));
        return;
      }
      const repository = change.table === 'deployments' ? repositories.deployments : change.table === 'routing' ? repositories.routing : repositories.mcpServers;
      quietly(() => repository.changed());
    },
  };
}
