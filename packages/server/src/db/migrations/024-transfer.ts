import { type Kysely, sql } from 'kysely';

/**
 * Transfer to the national archive: a captured item's attachments are records of their own
 * (kind `capture.attachment`, subject the item's id). A transfer reads them a page of items at a
 * time, by subject; this partial index makes that a lookup instead of a scan of the log. And
 * a transfer reads its scope a window of log indexes at a time; captured items (the bulk of an
 * archive) are found by their record_seq.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index captured_items_record_seq_idx on captured_items (record_seq)`.execute(db);
  await sql`create index records_attachment_subject_idx on records (subject) where kind = 'capture.attachment'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index records_attachment_subject_idx`.execute(db);
  await sql`drop index captured_items_record_seq_idx`.execute(db);
}
