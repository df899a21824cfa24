import { type Kysely, sql } from 'kysely';

/**
 * Sealing what was transferred (`hotline archive seal-transferred`): after a transfer to the
 * national archive is complete and verified, an office may drop the plaintext of its search
 * index and of its captured items' working copies for the items the bags hold. The sealed
 * content, the records log and the metadata a proof needs are not touched.
 *
 * `archive_sealed_entries` names each sealed entry of an office's index (kind and id, the
 * transfer, the records-log entry of the seal). The index is kept by triggers that refill an
 * entry from the views `archive_source_<kind>` (migration 023) whenever a source row changes (a
 * call edited, a person renamed, an item reclassified), so the seal is applied there, once: each
 * view becomes the view it was (kept as `archive_source_<kind>_open`) with a sealed entry's
 * title, text and names replaced by the metadata that stays (its kind and the transfer's id).
 * An entry refilled later stays sealed, whatever path refills it.
 */
const KINDS = ['call', 'briefing', 'memcon', 'readout', 'call_log', 'captured_item'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table archive_sealed_entries (
      office_id uuid not null,
      ref_kind text not null,
      ref_id uuid not null,
      transfer_id uuid not null,
      sealed_at timestamptz not null,
      record_seq bigint not null,
      primary key (office_id, ref_kind, ref_id)
    )`.execute(db);
  await sql`create index archive_sealed_entries_transfer_idx on archive_sealed_entries (transfer_id)`.execute(
    db,
  );
  // What a sealed entry shows and is found by: its kind and the transfer (search "sealed", or the
  // transfer's id); filters (kind, dates, office, account, person) read the columns, untouched.
  await sql`
    create function archive_sealed_title(kind text, transfer_id uuid) returns text language sql immutable as $$
      select kind || ' (sealed after transfer ' || transfer_id::text || ')'
    $$`.execute(db);
  await sql`
    create function archive_sealed_body(transfer_id uuid) returns text language sql immutable as $$
      select 'sealed transferred ' || transfer_id::text
    $$`.execute(db);
  for (const k of KINDS) {
    await sql.raw(`alter view archive_source_${k} rename to archive_source_${k}_open`).execute(db);
    await sql
      .raw(`
      create view archive_source_${k} as
      select s.ref_kind, s.ref_id, s.call_id, s.office_id, s.kind,
        case when x.ref_id is null then s.title else archive_sealed_title(s.kind, x.transfer_id) end as title,
        case when x.ref_id is null then s.body else archive_sealed_body(x.transfer_id) end as body,
        case when x.ref_id is null then s.names else '' end as names,
        s.occurred_at, s.classification, s.account_id, s.person_id, s.record_seq
      from archive_source_${k}_open s
      left join archive_sealed_entries x
        on x.office_id = s.office_id and x.ref_kind = s.ref_kind and x.ref_id = s.ref_id`)
      .execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const k of KINDS) {
    await sql.raw(`drop view archive_source_${k}`).execute(db);
    await sql.raw(`alter view archive_source_${k}_open rename to archive_source_${k}`).execute(db);
  }
  await sql`drop function archive_sealed_body(uuid)`.execute(db);
  await sql`drop function archive_sealed_title(text, uuid)`.execute(db);
  await sql`drop table archive_sealed_entries`.execute(db);
}
