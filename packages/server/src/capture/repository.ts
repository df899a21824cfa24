import { type Insertable, type Kysely, sql, type Updateable } from 'kysely';

import type { Database } from '../db/schema.js';
import type {
  CaptureAccountsTable,
  CapturedItemsTable,
  CaptureImportsTable,
  ClassificationRulesTable,
  ForeignContactsTable,
} from '../db/tables/capture.js';
import type { CoveredStatus } from './twenty-day-rule.js';

/** The capture domain's database access: queries only, no rules (the services decide). */
export type Db = Kysely<Database>;

export type AccountKind = CaptureAccountsTable['kind'];
export type Category = CapturedItemsTable['category'];

/** Run `fn` in one transaction. */
export function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

// ─── people ──────────────────────────────────────────────────────────────────────────────────

export function findUserByEmail(db: Db, email: string) {
  return db
    .selectFrom('users')
    .select(['id', 'office_id'])
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
}

export function findUserOffice(db: Db, id: string) {
  return db.selectFrom('users').select(['id', 'office_id']).where('id', '=', id).executeTakeFirst();
}

export function findUserRoles(db: Db, id: string) {
  return db.selectFrom('users').select('roles').where('id', '=', id).executeTakeFirst();
}

export function findUserCoverage(db: Db, id: string) {
  return db
    .selectFrom('users')
    .select(['id', 'office_id', 'covered'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function setUserCovered(db: Db, id: string, covered: CoveredStatus): Promise<void> {
  await db.updateTable('users').set({ covered }).where('id', '=', id).execute();
}

// ─── accounts ────────────────────────────────────────────────────────────────────────────────

export function findAccount(db: Db, kind: AccountKind, identifier: string) {
  return db
    .selectFrom('capture_accounts')
    .select(['id', 'owner_id', 'official'])
    .where('kind', '=', kind)
    .where('identifier', '=', identifier)
    .executeTakeFirst();
}

export function findAccountById(db: Db, id: string) {
  return db
    .selectFrom('capture_accounts')
    .innerJoin('users', 'users.id', 'capture_accounts.owner_id')
    .select([
      'capture_accounts.id',
      'capture_accounts.kind',
      'capture_accounts.identifier',
      'users.office_id',
    ])
    .where('capture_accounts.id', '=', id)
    .executeTakeFirst();
}

export async function insertAccount(db: Db, row: Insertable<CaptureAccountsTable>): Promise<void> {
  await db.insertInto('capture_accounts').values(row).execute();
}

/** Creates the account unless one of that kind and identifier exists; returns the one on file. */
export async function ensureAccount(db: Db, row: Insertable<CaptureAccountsTable>) {
  await db
    .insertInto('capture_accounts')
    .values(row)
    .onConflict((oc) => oc.columns(['kind', 'identifier']).doNothing())
    .execute();
  return db
    .selectFrom('capture_accounts')
    .select(['id', 'owner_id'])
    .where('kind', '=', row.kind)
    .where('identifier', '=', row.identifier)
    .executeTakeFirstOrThrow();
}

// ─── items and imports ───────────────────────────────────────────────────────────────────────

/** Of these source ids, the ones the account already holds: one indexed lookup, the ids as one JSON array. */
export async function capturedSourceIds(
  db: Db,
  accountId: string,
  sourceIds: string[],
): Promise<Set<string>> {
  const ids = JSON.stringify([...new Set(sourceIds)]);
  const rows = await db
    .selectFrom('captured_items')
    .select('source_id')
    .where('account_id', '=', accountId)
    .where(sql<boolean>`source_id = any(array(select json_array_elements_text(${ids}::json)))`)
    .execute();
  return new Set(rows.map((r) => r.source_id));
}

export interface CapturedItemRow {
  id: string;
  account_id: string;
  kind: string;
  source_id: string;
  occurred_at: Date;
  category: Category;
  summary: Record<string, unknown>;
  record_id: string;
  record_seq: number;
  import_id: string;
}

/**
 * A batch of rows as one JSON parameter: one statement, parsed and planned once, and cheap to
 * send (thousands of bind parameters are not, least of all to PGlite).
 */
export async function insertCapturedItems(db: Db, rows: CapturedItemRow[]): Promise<void> {
  await sql`insert into captured_items
      (id, account_id, kind, source_id, occurred_at, category, summary, record_id, record_seq, import_id)
    select id, account_id, kind, source_id, occurred_at, category, summary, record_id, record_seq, import_id
    from json_to_recordset(${JSON.stringify(rows)}::json) as r(id uuid, account_id uuid, kind text,
      source_id text, occurred_at timestamptz, category text, summary jsonb, record_id uuid,
      record_seq bigint, import_id uuid)`.execute(db);
}

export async function insertImport(db: Db, row: Insertable<CaptureImportsTable>): Promise<void> {
  await db.insertInto('capture_imports').values(row).execute();
}

export function importOffice(db: Db, importId: string) {
  return db
    .selectFrom('capture_imports')
    .innerJoin('capture_accounts', 'capture_accounts.id', 'capture_imports.account_id')
    .innerJoin('users', 'users.id', 'capture_accounts.owner_id')
    .select('users.office_id')
    .where('capture_imports.id', '=', importId)
    .executeTakeFirst();
}

export function importItemSummaries(db: Db, importId: string) {
  return db
    .selectFrom('captured_items')
    .select(['id', 'summary'])
    .where('import_id', '=', importId)
    .execute();
}

/** A captured item with its owner's office, locked for the classification decision. */
export function findItemForUpdate(db: Db, itemId: string) {
  return db
    .selectFrom('captured_items')
    .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
    .innerJoin('users', 'users.id', 'capture_accounts.owner_id')
    .select(['captured_items.id', 'captured_items.category', 'captured_items.record_id', 'users.office_id'])
    .where('captured_items.id', '=', itemId)
    .forUpdate()
    .executeTakeFirst();
}

/** A captured item with its account, office and archived record's content digest. */
export function itemWithRecord(db: Db, itemId: string) {
  return db
    .selectFrom('captured_items')
    .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
    .innerJoin('users', 'users.id', 'capture_accounts.owner_id')
    .innerJoin('records', 'records.id', 'captured_items.record_id')
    .select([
      'captured_items.id',
      'captured_items.kind',
      'captured_items.occurred_at',
      'captured_items.category',
      'captured_items.summary',
      'capture_accounts.identifier',
      'users.office_id',
      'records.digest',
    ])
    .where('captured_items.id', '=', itemId)
    .executeTakeFirst();
}

export function findItem(db: Db, itemId: string) {
  return db
    .selectFrom('captured_items')
    .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
    .innerJoin('users', 'users.id', 'capture_accounts.owner_id')
    .select(['captured_items.id', 'captured_items.category', 'users.office_id'])
    .where('captured_items.id', '=', itemId)
    .executeTakeFirst();
}

export async function setItemCategory(db: Db, itemId: string, category: Category): Promise<void> {
  await db.updateTable('captured_items').set({ category }).where('id', '=', itemId).execute();
}

// ─── off-channel contacts ────────────────────────────────────────────────────────────────────

/** The foreign contacts directory, retired entries included. */
export function foreignContacts(db: Db) {
  return db.selectFrom('foreign_contacts').selectAll().orderBy('leader').orderBy('number').execute();
}

export function findForeignContact(db: Db, id: string) {
  return db.selectFrom('foreign_contacts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function findForeignContactByValue(db: Db, value: string) {
  return db.selectFrom('foreign_contacts').selectAll().where('number', '=', value).executeTakeFirst();
}

export async function insertForeignContact(db: Db, row: Insertable<ForeignContactsTable>): Promise<void> {
  await db.insertInto('foreign_contacts').values(row).execute();
}

export async function updateForeignContact(
  db: Db,
  id: string,
  set: Partial<Omit<Insertable<ForeignContactsTable>, 'id'>>,
): Promise<void> {
  await db.updateTable('foreign_contacts').set(set).where('id', '=', id).execute();
}

/**
 * Captured calls, texts and emails with their owner (office and roles): one import's, or every
 * one on file (a re-scan after the directory changed).
 */
export function contactItems(db: Db, importId?: string) {
  let q = db
    .selectFrom('captured_items')
    .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
    .innerJoin('users', 'users.id', 'capture_accounts.owner_id')
    .select([
      'captured_items.id',
      'captured_items.kind',
      'captured_items.occurred_at',
      'captured_items.summary',
      'users.id as owner_id',
      'users.office_id',
      'users.roles',
    ])
    .where('captured_items.kind', 'in', ['call', 'sms', 'mms', 'email'])
    .where('capture_accounts.official', '=', false);
  if (importId) q = q.where('captured_items.import_id', '=', importId);
  return q.orderBy('captured_items.occurred_at').execute();
}

/** An official call (hotline or secure line) of the office with this counterpart in [from, to]. */
export function findOfficialCall(
  db: Db,
  q: { officeId: string; leader: string; counterpartOfficeId: string | null; from: Date; to: Date },
) {
  return db
    .selectFrom('calls')
    .select('id')
    .where('owner_office_id', '=', q.officeId)
    .where('channel', 'in', ['hotline', 'secure_line'])
    .where((eb) =>
      eb.or([
        eb('counterpart_leader', '=', q.leader),
        ...(q.counterpartOfficeId ? [eb('counterpart_office_id', '=', q.counterpartOfficeId)] : []),
      ]),
    )
    .where('scheduled_start', '>=', q.from)
    .where('scheduled_start', '<=', q.to)
    .executeTakeFirst();
}

export function findOffChannelAlert(db: Db, capturedItemId: string) {
  return db
    .selectFrom('off_channel_alerts')
    .select('id')
    .where('captured_item_id', '=', capturedItemId)
    .executeTakeFirst();
}

export async function insertOffChannelAlert(
  db: Db,
  row: {
    id: string;
    captured_item_id: string;
    call_id: string | null;
    kind: 'off_channel' | 'attempted';
    number: string;
    leader: string;
    at: Date;
  },
): Promise<void> {
  await db.insertInto('off_channel_alerts').values(row).execute();
}

/** The office's off-channel and attempted-contact alerts (by the captured item's owner). */
export function officeOffChannelAlerts(db: Db, officeId: string) {
  return db
    .selectFrom('off_channel_alerts')
    .innerJoin('captured_items', 'captured_items.id', 'off_channel_alerts.captured_item_id')
    .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
    .innerJoin('users', 'users.id', 'capture_accounts.owner_id')
    .leftJoin('calls', 'calls.id', 'off_channel_alerts.call_id')
    .select([
      'off_channel_alerts.kind',
      'off_channel_alerts.call_id',
      'off_channel_alerts.captured_item_id',
      'off_channel_alerts.leader',
      'off_channel_alerts.number',
      'off_channel_alerts.at',
      'calls.state',
    ])
    .where('users.office_id', '=', officeId)
    .orderBy('off_channel_alerts.at', 'desc')
    .execute();
}

// ─── reads for the records officer ───────────────────────────────────────────────────────────

/** Captured items joined to their account and owner, of one office (the owner's). */
function officeItems(db: Db, officeId: string) {
  return db
    .selectFrom('captured_items')
    .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
    .innerJoin('users', 'users.id', 'capture_accounts.owner_id')
    .where('users.office_id', '=', officeId);
}

/**
 * Personal-account items not yet classified, oldest first: one page of `limit`, after the
 * cursor (occurred_at, id) of the last item of the page before.
 */
export function unclassifiedItems(
  db: Db,
  officeId: string,
  page: { limit: number; after?: { at: Date; id: string } },
) {
  let q = officeItems(db, officeId)
    .select([
      'captured_items.id',
      'captured_items.kind',
      'captured_items.occurred_at',
      'captured_items.summary',
      'capture_accounts.identifier',
      'users.display_name',
    ])
    .where('captured_items.category', '=', 'unknown')
    .where('capture_accounts.official', '=', false);
  if (page.after) {
    const { at, id } = page.after;
    q = q.where(sql<boolean>`(captured_items.occurred_at, captured_items.id) > (${at}, ${id}::uuid)`);
  }
  return q.orderBy('captured_items.occurred_at').orderBy('captured_items.id').limit(page.limit).execute();
}

/** Unclassified personal-account items of the office (or of one import), with what a rule matches on. */
export function unclassifiedForRules(db: Db, officeId: string, importId?: string) {
  let q = officeItems(db, officeId)
    .select([
      'captured_items.id',
      'captured_items.occurred_at',
      'captured_items.summary',
      'captured_items.record_id',
      'capture_accounts.identifier',
    ])
    .where('captured_items.category', '=', 'unknown')
    .where('capture_accounts.official', '=', false);
  if (importId) q = q.where('captured_items.import_id', '=', importId);
  return q.orderBy('captured_items.occurred_at').execute();
}

export async function insertClassificationRule(
  db: Db,
  row: Insertable<ClassificationRulesTable>,
): Promise<void> {
  await db.insertInto('classification_rules').values(row).execute();
}

/** Every rule of the office, retired ones included, oldest first (the order they decide in). */
export function allClassificationRules(db: Db, officeId: string) {
  return db
    .selectFrom('classification_rules')
    .selectAll()
    .where('office_id', '=', officeId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function findClassificationRuleForUpdate(db: Db, id: string) {
  return db
    .selectFrom('classification_rules')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateClassificationRule(
  db: Db,
  id: string,
  set: Updateable<ClassificationRulesTable>,
): Promise<void> {
  await db.updateTable('classification_rules').set(set).where('id', '=', id).execute();
}

export function complianceItems(db: Db, officeId: string) {
  return officeItems(db, officeId)
    .leftJoin('capture_imports', 'capture_imports.id', 'captured_items.import_id')
    .select([
      'capture_imports.at as imported_at',
      'captured_items.id',
      'captured_items.kind',
      'captured_items.occurred_at',
      'captured_items.category',
      'captured_items.summary',
      'capture_accounts.identifier',
      'capture_accounts.official',
      'users.display_name',
      'users.covered',
      'users.email',
    ])
    .execute();
}

/** Every official account's identifier (all offices). */
export async function officialAccountIdentifiers(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('capture_accounts')
    .select('identifier')
    .where('official', '=', true)
    .execute();
  return rows.map((r) => r.identifier);
}

export async function officeEmails(db: Db, officeId: string): Promise<string[]> {
  const rows = await db.selectFrom('users').select('email').where('office_id', '=', officeId).execute();
  return rows.map((r) => r.email);
}

export function officeTweets(db: Db, officeId: string) {
  return officeItems(db, officeId)
    .select([
      'capture_accounts.identifier',
      'captured_items.occurred_at',
      'captured_items.summary',
      'captured_items.kind',
    ])
    .where('captured_items.kind', 'in', ['tweet', 'tweet.deleted'])
    .execute();
}

export function officeItemSummaries(db: Db, officeId: string) {
  return officeItems(db, officeId)
    .select([
      'captured_items.id',
      'captured_items.kind',
      'captured_items.occurred_at',
      'captured_items.summary',
      'capture_accounts.identifier',
    ])
    .execute();
}

export function officeAccounts(db: Db, officeId: string) {
  return db
    .selectFrom('capture_accounts')
    .innerJoin('users', 'users.id', 'capture_accounts.owner_id')
    .select([
      'capture_accounts.id',
      'capture_accounts.kind',
      'capture_accounts.identifier',
      'capture_accounts.official',
      'users.display_name as owner',
    ])
    .where('users.office_id', '=', officeId)
    .orderBy('capture_accounts.official', 'desc')
    .orderBy('capture_accounts.identifier')
    .execute();
}

export function officePeople(db: Db, officeId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'display_name', 'title', 'covered'])
    .where('office_id', '=', officeId)
    .orderBy('display_name')
    .execute();
}
