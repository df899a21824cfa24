import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

export type Db = Kysely<Database>;

/** Request counts for the rate limits, shared by every node on one PostgreSQL. */
export class RateLimitRepository {
  constructor(private readonly db: Db) {}

  /**
   * Counts one request for `key` in its window, atomically (one upsert, whatever the number of
   * nodes): a window that has run out starts again at 1. Returns the count and the ms left.
   */
  async hit(key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
    const r = await sql<{ hits: number; ttl: number | string }>`
      insert into rate_limits as r (key, hits, resets_at)
      values (${key}, 1, now() + make_interval(secs => ${windowMs / 1000}))
      on conflict (key) do update set
        hits = case when r.resets_at <= now() then 1 else r.hits + 1 end,
        resets_at = case when r.resets_at <= now() then excluded.resets_at else r.resets_at end
      returning hits, ceil(extract(epoch from (resets_at - now())) * 1000) as ttl`.execute(this.db);
    const row = r.rows[0]!;
    return { current: Number(row.hits), ttl: Math.max(0, Number(row.ttl)) };
  }

  /** Forgets windows that ran out (called now and then, not per request). */
  async prune(): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('resets_at', '<', sql<Date>`now()`).execute();
  }
}
