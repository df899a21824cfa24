import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** What `hotline archive replicate` reads: published checkpoints and sealed content. */
export type Db = Kysely<Database>;

/** Published checkpoints of the log larger than `size`, smallest first. */
export function checkpointsAfter(db: Db, size: number, upTo: number) {
  return db
    .selectFrom('log_checkpoints')
    .select(['size', 'note'])
    .where('size', '>', String(size))
    .where('size', '<=', String(upTo))
    .orderBy('size')
    .execute();
}

/** The sealed content of records [from, to), one row per digest (content is shared by digest). */
export function sealedOfEntries(db: Db, from: number, to: number) {
  return db
    .selectFrom('records as r')
    .innerJoin('record_content as c', 'c.digest', 'r.digest')
    .select(['c.digest', 'c.bytes', 'c.key_id'])
    .where('r.seq', '>=', String(from))
    .where('r.seq', '<', String(to))
    .distinct()
    .orderBy('c.digest')
    .execute();
}

/**
 * Sealed content under none of `keyIds` (after a key rotation re-sealed it), digests after
 * `after`, `limit` at a time.
 */
export function sealedNotUnderAny(db: Db, keyIds: string[], after: string, limit: number) {
  return db
    .selectFrom('record_content')
    .select(['digest', 'bytes', 'key_id'])
    .where('digest', '>', after)
    .where((eb) =>
      keyIds.length ? eb.or([eb('key_id', 'is', null), eb('key_id', 'not in', keyIds)]) : eb.lit(true),
    )
    .orderBy('digest')
    .limit(limit)
    .execute();
}
