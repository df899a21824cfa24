import { type Insertable, type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type {
  MessagingArchiveKeysSealedTable,
  MessagingCredentialsTable,
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

export async function insertGroup(tx: Db, row: Insertable<MessagingGroupsTable>) {
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

// ------------------------------------------------------------------ credentials (migration 030)

export async function insertCredential(tx: Db, row: Omit<MessagingCredentialsTable, 'revoked_at'>) {
  await tx
    .insertInto('messaging_credentials')
    .values({
      ...row,
      signature_public_key: bytes(row.signature_public_key),
      signature: bytes(row.signature),
      revoked_at: null,
    })
    .execute();
}

export async function credentialByKey(tx: Db, key: Uint8Array) {
  return tx
    .selectFrom('messaging_credentials')
    .selectAll()
    .where('signature_public_key', '=', bytes(key))
    .executeTakeFirst();
}

/** A device's earlier credentials end when it gets a new one (a new signature key). */
export async function revokeDeviceCredentials(tx: Db, userId: string, deviceId: string, at: Date) {
  return tx
    .updateTable('messaging_credentials')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('device_id', '=', deviceId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
}

/** A device's key packages not yet handed out (its last-resort one included): no one can add it any more. */
export async function dropDeviceKeyPackages(tx: Db, userId: string, deviceId: string) {
  await tx
    .deleteFrom('messaging_key_packages')
    .where('owner_kind', '=', 'person')
    .where('user_id', '=', userId)
    .where('device_id', '=', deviceId)
    .where('claimed_at', 'is', null)
    .execute();
}

export async function credentialsOf(db: Db, userId: string) {
  return db
    .selectFrom('messaging_credentials')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('issued_at')
    .orderBy('device_id')
    .execute();
}

export async function liveCredential(db: Db, userId: string, deviceId: string, key: Uint8Array) {
  return db
    .selectFrom('messaging_credentials')
    .select('id')
    .where('user_id', '=', userId)
    .where('device_id', '=', deviceId)
    .where('signature_public_key', '=', bytes(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

// ------------------------------------------------------------------ directory, conversations, read state

export async function activePeople(db: Db) {
  return db
    .selectFrom('users')
    .innerJoin('offices', 'offices.id', 'users.office_id')
    .select([
      'users.id as id',
      'users.display_name as name',
      'users.title as title',
      'users.roles as roles',
      'users.office_id as officeId',
      'offices.name as officeName',
    ])
    .where('users.status', '=', 'active')
    .orderBy('offices.name')
    .orderBy('users.display_name')
    .execute();
}

export async function officeNames(db: Db, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await db.selectFrom('offices').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function userNames(db: Db, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** The conversations with a leaf of this person. */
export async function groupsOf(db: Db, userId: string) {
  return db
    .selectFrom('messaging_groups')
    .selectAll()
    .where(sql<boolean>`roster @> ${JSON.stringify([{ kind: 'person', userId }])}::jsonb`)
    .execute();
}

/** Per conversation: the last message, and the application messages of others after the person's read mark. */
export async function conversationStats(db: Db, groupIds: string[], userId: string) {
  if (groupIds.length === 0)
    return new Map<string, { lastSeq: number; lastAt: Date | null; unread: number }>();
  const r = await sql<{ group_id: string; last_seq: string | null; last_at: Date | null; unread: string }>`
    select g.id as group_id,
      (select max(m.seq) from messaging_messages m where m.group_id = g.id) as last_seq,
      (select max(m.created_at) from messaging_messages m where m.group_id = g.id) as last_at,
      (select count(*) from messaging_messages m
        where m.group_id = g.id and m.kind = 'application' and m.sender_user_id <> ${userId}
          and m.seq > coalesce((select rs.seq from messaging_read_state rs where rs.group_id = g.id and rs.user_id = ${userId}), 0)
      ) as unread
    from messaging_groups g where g.id in (${sql.join(groupIds)})`.execute(db);
  return new Map(
    r.rows.map((x) => [
      x.group_id,
      {
        lastSeq: Number(x.last_seq ?? 0),
        lastAt: x.last_at === null ? null : new Date(x.last_at),
        unread: Number(x.unread),
      },
    ]),
  );
}

export async function setReadState(tx: Db, groupId: string, userId: string, seq: number, at: Date) {
  await sql`insert into messaging_read_state (group_id, user_id, seq, updated_at)
    values (${groupId}, ${userId}, ${String(seq)}, ${at})
    on conflict (group_id, user_id) do update set
      seq = greatest(messaging_read_state.seq, excluded.seq), updated_at = excluded.updated_at`.execute(tx);
}

export async function maxSeq(db: Db, groupId: string) {
  const r = await db
    .selectFrom('messaging_messages')
    .select(sql<string | null>`max(seq)`.as('m'))
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  return Number(r?.m ?? 0);
}

export async function setDisappear(tx: Db, groupId: string, seconds: number | null) {
  await tx
    .updateTable('messaging_groups')
    .set({ disappear_after_seconds: seconds })
    .where('id', '=', groupId)
    .execute();
}

/** Acknowledgements per message of a conversation: office → archived_at. */
export async function archivedAcks(db: Db, groupId: string, seqs: string[]) {
  if (seqs.length === 0) return [];
  return db
    .selectFrom('messaging_archived')
    .select(['seq', 'office_id', 'archived_at'])
    .where('group_id', '=', groupId)
    .where('seq', 'in', seqs)
    .execute();
}

// ------------------------------------------------------------------ blobs

export async function insertBlob(
  tx: Db,
  row: {
    id: string;
    group_id: string;
    uploaded_by: string;
    data: Uint8Array;
    sha256: string;
    created_at: Date;
    record_seq: string;
  },
) {
  await tx
    .insertInto('messaging_blobs')
    .values({ ...row, data: bytes(row.data) })
    .execute();
}

export async function blobAt(db: Db, groupId: string, id: string) {
  return db
    .selectFrom('messaging_blobs')
    .select(['id', 'data', 'sha256', 'created_at'])
    .where('group_id', '=', groupId)
    .where('id', '=', id)
    .executeTakeFirst();
}

// ------------------------------------------------------------------ records member

export async function groupsOfRecords(db: Db, officeId: string) {
  return db
    .selectFrom('messaging_groups')
    .select(['id', 'epoch'])
    .where(sql<boolean>`roster @> ${JSON.stringify([{ kind: 'records', officeId }])}::jsonb`)
    .orderBy('created_at')
    .execute();
}

/** Demo records officers: the active demo personas holding the records role, oldest first. */
export async function demoRecordsOfficerRows(db: Db) {
  return db
    .selectFrom('users')
    .select(['id', 'office_id', 'roles', 'display_name'])
    .where('demo_persona', '=', true)
    .where('status', '=', 'active')
    .where(sql<boolean>`'records' = any(roles)`)
    .orderBy('office_id')
    .orderBy('created_at')
    .execute();
}

/** Whether an office is on this server. */
export async function officeExists(db: Db, id: string): Promise<boolean> {
  return !!(await db.selectFrom('offices').select('id').where('id', '=', id).executeTakeFirst());
}

/** An office's messaging archive key (by its public key) already sealed under the split. */
export async function sealedArchiveKeyOf(tx: Db, officeId: string, publicKey: Uint8Array) {
  return tx
    .selectFrom('messaging_archive_keys_sealed')
    .select('archive_key_id')
    .where('office_id', '=', officeId)
    .where('public_key', '=', publicKey)
    .executeTakeFirst();
}

export async function insertSealedArchiveKey(tx: Db, row: MessagingArchiveKeysSealedTable) {
  await tx.insertInto('messaging_archive_keys_sealed').values(row).execute();
}

/** The messaging archive keys of an office sealed under the split, oldest first. */
export function sealedArchiveKeys(db: Db, officeId: string) {
  return db
    .selectFrom('messaging_archive_keys_sealed')
    .select(['public_key', 'archive_key_id', 'sealed'])
    .where('office_id', '=', officeId)
    .orderBy('sealed_at')
    .execute();
}
