import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type {
  MessagingGroupsTable,
  MessagingKeyPackagesTable,
  MessagingWelcomesTable,
  RosterLeaf,
} from '../db/tables/messaging.js';

/** The messaging domain's database access: queries only, no rules (the service decides). */
export type Db = Kysely<Database>;

export function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

export const bytes = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export async function insertKeyPackages(
  tx: Db,
  rows: Omit<MessagingKeyPackagesTable, 'claimed_at' | 'claimed_by'>[],
): Promise<void> {
  await tx
    .insertInto('messaging_key_packages')
    .values(rows.map((r) => ({ ...r, data: bytes(r.data), claimed_at: null, claimed_by: null })))
    .execute();
}

export async function existingRefs(tx: Db, refs: string[]): Promise<string[]> {
  if (refs.length === 0) return [];
  const rows = await tx.selectFrom('messaging_key_packages').select('ref').where('ref', 'in', refs).execute();
  return rows.map((r) => r.ref);
}

/** A device's last-resort package is replaced when the device publishes a new one. */
export async function dropLastResort(
  tx: Db,
  userId: string | null,
  officeId: string,
  deviceId: string | null,
) {
  let q = tx
    .deleteFrom('messaging_key_packages')
    .where('last_resort', '=', true)
    .where('office_id', '=', officeId);
  q = userId === null ? q.where('user_id', 'is', null) : q.where('user_id', '=', userId);
  q = deviceId === null ? q.where('device_id', 'is', null) : q.where('device_id', '=', deviceId);
  await q.execute();
}

/** The devices holding key packages for a person (or for an office's records member when userId is null). */
export async function devicesWithPackages(tx: Db, owner: { userId: string } | { recordsOfficeId: string }) {
  let q = tx.selectFrom('messaging_key_packages').select('device_id').distinct();
  q =
    'userId' in owner
      ? q.where('user_id', '=', owner.userId).where('owner_kind', '=', 'person')
      : q.where('office_id', '=', owner.recordsOfficeId).where('owner_kind', '=', 'records');
  return (await q.orderBy('device_id').execute()).map((r) => r.device_id);
}

/**
 * Claim one unused, not-last-resort package of a device, or nothing. One statement: the row is
 * picked and marked claimed under FOR UPDATE SKIP LOCKED, so concurrent claims never get the same one.
 */
export async function claimOne(
  tx: Db,
  owner: { userId: string } | { recordsOfficeId: string },
  deviceId: string | null,
  claimedBy: string,
  now: Date,
) {
  const ownerCond =
    'userId' in owner
      ? sql`user_id = ${owner.userId} and owner_kind = 'person'`
      : sql`office_id = ${owner.recordsOfficeId} and owner_kind = 'records'`;
  const deviceCond = deviceId === null ? sql`device_id is null` : sql`device_id = ${deviceId}`;
  const r = await sql<MessagingKeyPackagesTable>`
    update messaging_key_packages set claimed_at = ${now}, claimed_by = ${claimedBy}
    where ref = (
      select ref from messaging_key_packages
      where ${ownerCond} and ${deviceCond} and claimed_at is null and not last_resort
      order by uploaded_at, ref limit 1
      for update skip locked
    ) and claimed_at is null
    returning *`.execute(tx);
  return r.rows[0];
}

export async function lastResortOf(
  tx: Db,
  owner: { userId: string } | { recordsOfficeId: string },
  deviceId: string | null,
) {
  let q = tx.selectFrom('messaging_key_packages').selectAll().where('last_resort', '=', true);
  q =
    'userId' in owner
      ? q.where('user_id', '=', owner.userId).where('owner_kind', '=', 'person')
      : q.where('office_id', '=', owner.recordsOfficeId).where('owner_kind', '=', 'records');
  q = deviceId === null ? q.where('device_id', 'is', null) : q.where('device_id', '=', deviceId);
  return q.orderBy('uploaded_at', 'desc').executeTakeFirst();
}

export async function upsertRecordsKey(
  tx: Db,
  row: {
    office_id: string;
    signature_key: Uint8Array;
    archive_public_key: Uint8Array;
    key_package_ref: string;
    published_by: string;
    published_at: Date;
    record_seq: string;
  },
) {
  await tx
    .insertInto('messaging_records_keys')
    .values({
      ...row,
      signature_key: bytes(row.signature_key),
      archive_public_key: bytes(row.archive_public_key),
    })
    .onConflict((oc) =>
      oc.column('office_id').doUpdateSet({
        signature_key: bytes(row.signature_key),
        archive_public_key: bytes(row.archive_public_key),
        key_package_ref: row.key_package_ref,
        published_by: row.published_by,
        published_at: row.published_at,
        record_seq: row.record_seq,
      }),
    )
    .execute();
}

export async function recordsKeysWithArchive(db: Db) {
  return db
    .selectFrom('messaging_records_keys')
    .select(['office_id', 'signature_key', 'archive_public_key'])
    .orderBy('office_id')
    .execute();
}

export async function recordsKeys(db: Db) {
  return db
    .selectFrom('messaging_records_keys')
    .select(['office_id', 'signature_key'])
    .orderBy('office_id')
    .execute();
}

export async function insertGroup(tx: Db, row: MessagingGroupsTable) {
  await tx
    .insertInto('messaging_groups')
    .values({ ...row, roster: JSON.stringify(row.roster) as unknown as RosterLeaf[] })
    .execute();
}

export async function lockGroup(tx: Db, id: string) {
  return tx.selectFrom('messaging_groups').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findGroup(db: Db, id: string) {
  return db.selectFrom('messaging_groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function advanceGroup(tx: Db, id: string, epoch: bigint, roster: RosterLeaf[]) {
  await tx
    .updateTable('messaging_groups')
    .set({ epoch: String(epoch), roster: JSON.stringify(roster) as unknown as RosterLeaf[] })
    .where('id', '=', id)
    .execute();
}

export async function insertMessage(
  tx: Db,
  row: {
    group_id: string;
    epoch: bigint;
    kind: 'commit' | 'application';
    sender_user_id: string;
    data: Uint8Array;
    created_at: Date;
    record_seq: number;
  },
): Promise<number> {
  const r = await tx
    .insertInto('messaging_messages')
    .values({
      group_id: row.group_id,
      epoch: String(row.epoch),
      kind: row.kind,
      sender_user_id: row.sender_user_id,
      data: bytes(row.data),
      created_at: row.created_at,
      record_seq: String(row.record_seq),
    } as never)
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(r.seq);
}

export async function messagesAfter(db: Db, groupId: string, after: number, limit: number) {
  return db
    .selectFrom('messaging_messages')
    .select(['seq', 'epoch', 'kind', 'sender_user_id', 'data', 'created_at'])
    .where('group_id', '=', groupId)
    .where('seq', '>', String(after))
    .orderBy('seq')
    .limit(limit)
    .execute();
}

export async function insertWelcomes(tx: Db, rows: MessagingWelcomesTable[]) {
  if (rows.length === 0) return;
  await tx
    .insertInto('messaging_welcomes')
    .values(rows.map((r) => ({ ...r, data: bytes(r.data) })))
    .execute();
}

export async function welcomesFor(db: Db, userId: string) {
  return db
    .selectFrom('messaging_welcomes')
    .selectAll()
    .where('recipient_user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function recordsMemberOf(db: Db, officeId: string) {
  return db
    .selectFrom('messaging_records_keys')
    .selectAll()
    .where('office_id', '=', officeId)
    .executeTakeFirst();
}

export async function welcomesForOffice(db: Db, officeId: string) {
  return db
    .selectFrom('messaging_welcomes')
    .selectAll()
    .where('recipient_user_id', 'is', null)
    .where('recipient_office_id', '=', officeId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function messageAt(tx: Db, groupId: string, seq: number) {
  return tx
    .selectFrom('messaging_messages')
    .select(['seq', 'epoch', 'kind', 'data'])
    .where('group_id', '=', groupId)
    .where('seq', '=', String(seq))
    .executeTakeFirst();
}

export async function insertArchived(
  tx: Db,
  row: { group_id: string; seq: number; office_id: string; record_seq: number; archived_at: Date },
) {
  const r = await tx
    .insertInto('messaging_archived')
    .values({ ...row, seq: String(row.seq), record_seq: String(row.record_seq) })
    .onConflict((oc) => oc.columns(['seq', 'office_id']).doNothing())
    .returning('seq')
    .executeTakeFirst();
  return r !== undefined;
}

export async function archivedSeqs(db: Db, groupId: string, officeId: string) {
  const rows = await db
    .selectFrom('messaging_archived')
    .select('seq')
    .where('group_id', '=', groupId)
    .where('office_id', '=', officeId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => Number(r.seq));
}
