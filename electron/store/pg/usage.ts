// Daily spend and key counters on PostgreSQL: atomic increments (INSERT … ON CONFLICT DO UPDATE
// SET x = x + excluded.x; UPDATE … SET spend = spend + $1), in primary-key order so that two
// instances flushing at once never deadlock. Aggregates only: the log rows go to PgRequestLog.
import { Where } from '../columns.js';
import { byName, DAY_KEY, FACET_MODELS_SQL, SPEND_DAILY, type DailySpend, type LogFacetRows, type UsageBatch, type UsageRepository } from '../usage.js';
import { insertRows, selectAll, type PgDatabase } from './database.js';
import { applyKeyUsagePg } from './keys.js';

/** Adds an increment to its day row; PostgreSQL wants the row's own columns named with the table. */
const ADD_TO_DAY = `ON CONFLICT (${DAY_KEY.join(', ')}) DO UPDATE SET ${Object.values(SPEND_DAILY.columns)
  .map((column) => column.name)
  .filter((name) => !DAY_KEY.includes(name))
  .map((name) => `${name} = spend_daily.${name} + excluded.${name}`)
  .join(', ')}`;

/** Any one total order will do, as long as every instance uses it: code-unit order of the key. */
function dayOrder(a: DailySpend, b: DailySpend): number {
  const left = [a.day, a.keyId, a.model].join('\0');
  const right = [b.day, b.keyId, b.model].join('\0');
  return left < right ? -1 : left > right ? 1 : 0;
}

export class PgUsageRepository implements UsageRepository {
  constructor(private readonly db: PgDatabase) {}

  async recordBatch(batch: UsageBatch): Promise<void> {
    await this.db.transaction(async (tx) => {
      // One increment per statement: a multi-row upsert may not touch one day row twice.
      for (const increment of [...batch.daily].sort(dayOrder)) await insertRows(tx, SPEND_DAILY, [increment], ADD_TO_DAY);
      await applyKeyUsagePg(tx, batch.keys);
    });
  }

  async logFacets(fromDay: string): Promise<LogFacetRows> {
    const models = await this.db.all<{ model: string }>(FACET_MODELS_SQL, [fromDay]);
    const keys = await this.db.all<{ key_id: string }>('SELECT DISTINCT key_id FROM spend_daily WHERE day >= ? ORDER BY key_id', [fromDay]);
    return { models: byName(models), keyIds: keys.map((row) => (row.key_id === '' ? null : row.key_id)) };
  }

  dailySpend(filter: { keyId?: string; fromDay?: string; toDay?: string }): Promise<DailySpend[]> {
    const where = new Where()
      .when(filter.keyId, 'key_id = ?')
      .when(filter.fromDay || undefined, 'day >= ?')
      .when(filter.toDay || undefined, 'day <= ?');
    return selectAll(this.db, SPEND_DAILY, `${where.sql} ORDER BY day, key_id, model`, where.params);
  }

}
