import { type Kysely, sql } from 'kysely';

/**
 * A transfer reads its scope in log order, a page at a time after the last entry it wrote
 * (keyset pagination on (record_seq, ref_kind, ref_id::text), the transfer's total order).
 * Without an index in that order, every page read all of the office's entries through
 * (office_id, occurred_at) and filtered them by log index (measured: 21,745 rows read for each
 * 2,000-row page of a 24,000-item archive), and an index on the log index alone still left
 * PostgreSQL sorting every entry from the cursor to the end before it took a page (10,000 rows
 * sorted for a page of 2,000 at 90,000 of 100,000). This index holds the order itself: the
 * cursor is an index condition and a page reads its own rows, in order, with no sort.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index archive_entries_transfer_idx on archive_entries (office_id, record_seq, ref_kind, (ref_id::text))`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index archive_entries_transfer_idx`.execute(db);
}
