// Change notices between instances on one PostgreSQL: LISTEN/NOTIFY on one channel. Each
// instance NOTIFYs what it committed (a key id, "deployments", "routing") and LISTENs on a
// connection of its own; notices it sent itself are ignored. A lost listening connection is
// re-established, and everything is re-read then, since notices sent meanwhile are gone.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../../core/logger.js';
import type { StoreChange } from '../changes.js';
import type { PgDatabase } from './database.js';

const CHANNEL = 'loopgate_store_changes';
const RECONNECT_MS = 1_000;

interface Notice {
  origin: string;
  change: StoreChange;
}

function parseNotice(payload: string | undefined): Notice | null {
  try {
    const notice = JSON.parse(payload ?? '') as Partial<Notice>;
    const table = notice.change?.table;
    if (typeof notice.origin !== 'string' || (table !== 'keys' && table !== 'deployments' && table !== 'routing' && table !== 'mcp')) return null;
    if (table === 'keys' && typeof (notice.change as { id?: unknown }).id !== 'string') return null;
    return notice as Notice;
  } catch {
    return null;
  }
}

export class PgChangeFeed {
  /** This process's id in the notices, so it can skip its own. */
  private readonly origin = randomUUID();
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  private constructor(
    private readonly url: string,
    private readonly db: PgDatabase,
    private readonly onRemote: (change: StoreChange) => void,
    /** After a reconnect: notices may have been missed, re-read everything. */
    private readonly onResync: () => void,
    private readonly logger: Logger,
  ) {}

  static async start(url: string, db: PgDatabase, handlers: { remote: (change: StoreChange) => void; resync: () => void }, logger: Logger): Promise<PgChangeFeed> {
    const feed = new PgChangeFeed(url, db, handlers.remote, handlers.resync, logger);
    await feed.listen();
    return feed;
  }

  /** Tells the other instances; a failure is logged, the change itself is already committed. */
  publish(change: StoreChange): void {
    const notice: Notice = { origin: this.origin, change };
    this.db.run('SELECT pg_notify(?, ?)', [CHANNEL, JSON.stringify(notice)]).catch((error: unknown) => {
      this.logger.log('warn', `Could not tell other Loopgate instances of a change (${change.table}): ${String(error)}`);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'loopgate-changes' });
    client.on('notification', (message) => {
      const notice = parseNotice(message.payload);
      if (notice && notice.origin !== this.origin) this.onRemote(notice.change);
    });
    const lost = (error?: Error): void => {
      if (this.closed || this.client !== client) return;
      this.client = null;
      this.logger.log('warn', `Lost the connection that hears other instances' changes; reconnecting: ${error?.message ?? 'closed'}`);
      this.retry = setTimeout(() => void this.reconnect(), RECONNECT_MS);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  private async reconnect(): Promise<void> {
    this.retry = null;
    if (this.closed) return;
    try {
      await this.listen();
      this.onResync();
    } catch (error) {
      this.logger.log('warn', `Could not reconnect to hear other instances' changes: ${String(error)}`);
      this.retry = setTimeout(() => void this.reconnect(), RECONNECT_MS);
    }
  }
}
