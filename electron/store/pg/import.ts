// `loopgate migrate-store`: copies a laptop's sql.js store into an empty PostgreSQL database,
// row for row (keys with their hashes, versions and counters; providers; deployments; routing
// settings; alert settings (the webhook's URL re-sealed); MCP servers (env and headers re-sealed); daily spend; the request log from its segment files, and its retention), provider
// secrets opened with the laptop's data key
// and sealed again under the server's. One transaction: a failed copy leaves the database as
// it was. Then every table's count is checked against the source.
import type { Logger } from '../../core/logger.js';
import { ALERTS, withWebhookUrl } from '../alerts.js';
import { DEPLOYMENTS } from '../deployments.js';
import { openStore } from '../index.js';
import { KEYS } from '../keys.js';
import { MCP_SERVERS } from '../mcp-servers.js';
import { PROVIDERS } from '../providers.js';
import { ROUTING } from '../routing.js';
import { secretBox } from '../secrets.js';
import { SPEND_DAILY } from '../usage.js';
import { checkDataKey, loadServerDataKey } from './data-key.js';
import { insertRows, PgDatabase } from './database.js';
import { applyPgMigrations } from './migrations/index.js';
import { insertLogRows, insertRetention } from './request-log.js';

/** In the order their foreign keys need. */
const TABLES = ['virtual_keys', 'providers', 'deployments', 'routing_settings', 'alert_settings', 'mcp_servers', 'spend_daily', 'request_log'] as const;
type TableName = (typeof TABLES)[number];

export interface ImportReport {
  /** Rows per table: in the source, and in the database after the copy. */
  counts: Record<TableName, { source: number; copied: number }>;
  /** Where the server's data key came from. */
  dataKeySource: string;
}

class ImportRefusedError extends Error {
  readonly code = 'EIMPORTREFUSED';
}

/** Rows per INSERT for the big tables. */
const CHUNK = 500;
/** Request-log rows read from the segment files at a time. */
const LOG_PAGE = 5_000;

export async function importSqlJsStore(options: { fromDir: string; databaseUrl: string; dataDir: string; env: Record<string, string | undefined>; logger: Logger }): Promise<ImportReport> {
  const { logger } = options;
  // Opening the laptop store takes its lock: the app must not be running on it meanwhile.
  const source = await openStore(options.fromDir, logger);
  const target = PgDatabase.connect(options.databaseUrl, { max: 2 });
  try {
    await applyPgMigrations(target);
    const dataKey = await loadServerDataKey(options.dataDir, options.env);
    const box = secretBox(dataKey.key);
    await checkDataKey(target, box, dataKey.source, logger);
    for (const table of TABLES) {
      const present = (await target.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
      if (present > 0) throw new ImportRefusedError(`${target.label} already holds ${present} row(s) in ${table}; migrate-store copies into an empty database only`);
    }
    const db = source.database.connection;
    const providers = [];
    for (const row of await PROVIDERS.all(db)) {
      const secret = await source.providers.revealKey(row.id);
      const more = (await source.providers.revealKeys(row.id)).slice(1);
      providers.push({ ...row, apiKeySealed: secret === null ? null : box.seal(secret), moreKeysSealed: more.length > 0 ? more.map((key) => box.seal(key)) : null });
    }
    // MCP servers' env values and headers, opened with the laptop's key and sealed under the server's.
    const opened = new Map((await source.mcpServers.reveal()).map((server) => [server.id, server]));
    const reseal = (values: Record<string, string> | undefined): string | null => (values && Object.keys(values).length ? box.seal(JSON.stringify(values)) : null);
    const mcpServers = (await MCP_SERVERS.all(db)).map((row) => ({ ...row, envSealed: reseal(opened.get(row.id)?.env), headersSealed: reseal(opened.get(row.id)?.headers) }));
    // The alert webhook's URL too (one row at most).
    const alerts = await source.alerts.get();
    const alertRows = (await ALERTS.all(db)).map((row) => (alerts ? { ...row, settings: withWebhookUrl(alerts.settings, (url) => box.seal(url)) } : row));
    const rows = {
      virtual_keys: await KEYS.all(db),
      providers,
      deployments: await DEPLOYMENTS.all(db),
      routing_settings: await ROUTING.all(db),
      alert_settings: alertRows,
      mcp_servers: mcpServers,
      spend_daily: await SPEND_DAILY.all(db),
    };
    const retention = await source.requestLog.retention();
    let logCount = 0;
    await target.transaction(async (tx) => {
      await insertRows(tx, KEYS, rows.virtual_keys);
      await insertRows(tx, PROVIDERS, rows.providers);
      await insertRows(tx, DEPLOYMENTS, rows.deployments);
      await insertRows(tx, ROUTING, rows.routing_settings);
      await insertRows(tx, ALERTS, rows.alert_settings);
      await insertRows(tx, MCP_SERVERS, rows.mcp_servers);
      for (let start = 0; start < rows.spend_daily.length; start += CHUNK) await insertRows(tx, SPEND_DAILY, rows.spend_daily.slice(start, start + CHUNK));
      if (retention) await insertRetention(tx, retention);
      // The log can be large: read from its segments and written a page at a time, newest first.
      let before: { time: number; id: string } | undefined;
      for (;;) {
        const page = await source.requestLog.query({ limit: LOG_PAGE, ...(before ? { before } : {}) });
        if (page.length === 0) break;
        await insertLogRows(tx, page);
        logCount += page.length;
        const last = page.at(-1)!;
        before = { time: last.time, id: last.id };
      }
    });
    const sourceCounts: Record<TableName, number> = {
      virtual_keys: rows.virtual_keys.length,
      providers: rows.providers.length,
      deployments: rows.deployments.length,
      routing_settings: rows.routing_settings.length,
      alert_settings: rows.alert_settings.length,
      mcp_servers: rows.mcp_servers.length,
      spend_daily: rows.spend_daily.length,
      request_log: logCount,
    };
    const counts = {} as ImportReport['counts'];
    for (const table of TABLES) {
      counts[table] = { source: sourceCounts[table], copied: (await target.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n };
    }
    return { counts, dataKeySource: dataKey.source };
  } finally {
    await target.close();
    await source.close();
  }
}
