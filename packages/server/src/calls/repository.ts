import { type Insertable, type Kysely, type Selectable, sql, type Updateable } from 'kysely';

export type { Db } from '../db/database.js';

import type { Database } from '../db/schema.js';
import type {
  BriefingsTable,
  CallEventsTable,
  CallLogEntriesTable,
  CallReviewsTable,
  CallScheduleAnswersTable,
  CallsTable,
  MemconsTable,
  ReadoutsTable,
} from '../db/tables/calls.js';

export type CallRow = Selectable<CallsTable>;
export type BriefingRow = Selectable<BriefingsTable>;
export type MemconRow = Selectable<MemconsTable>;
export type ReadoutRow = Selectable<ReadoutsTable>;
export type NewCall = Omit<Insertable<CallsTable>, 'proposed_windows'> & Pick<CallRow, 'proposed_windows'>;
export type CallPatch = Omit<Updateable<CallsTable>, 'id' | 'proposed_windows'>;

/** A database handle or an open transaction. */
export type Tx = Kysely<Database>;

/** Run `fn` in one transaction. */
export function inTransaction<T>(db: Kysely<Database>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

/** The calls domain's queries and writes over calls and their artifacts. No rules here. */
export function findCall(db: Kysely<Database>, id: string): Promise<CallRow | undefined> {
  return db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCallForUpdate(db: Kysely<Database>, id: string): Promise<CallRow | undefined> {
  return db.selectFrom('calls').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Calls an office takes part in: as owner, requester or counterpart. */
export function listCallsForOffice(db: Kysely<Database>, officeId: string): Promise<CallRow[]> {
  return db
    .selectFrom('calls')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('owner_office_id', '=', officeId),
        eb('requesting_office_id', '=', officeId),
        eb('counterpart_office_id', '=', officeId),
      ]),
    )
    .orderBy('updated_at', 'desc')
    .execute();
}

export function principalCalls(db: Kysely<Database>, principalId: string): Promise<CallRow[]> {
  return db
    .selectFrom('calls')
    .selectAll()
    .where((eb) =>
      eb.or([eb('principal_id', '=', principalId), eb('counterpart_principal_id', '=', principalId)]),
    )
    .where('state', 'in', ['scheduled', 'briefed', 'in_progress'])
    .execute();
}

export function callEvents(db: Kysely<Database>, callId: string) {
  return db
    .selectFrom('call_events')
    .leftJoin('users', 'users.id', 'call_events.actor_id')
    .select([
      'call_events.action',
      'call_events.from_state',
      'call_events.to_state',
      'call_events.reason',
      'call_events.record_seq',
      'call_events.at',
      'call_events.details',
      'users.display_name as actorName',
    ])
    .where('call_id', '=', callId)
    .orderBy('call_events.at')
    .orderBy('call_events.record_seq')
    .execute();
}

export function callReviews(db: Kysely<Database>, callId: string) {
  return db
    .selectFrom('call_reviews')
    .innerJoin('users', 'users.id', 'call_reviews.reviewer_id')
    .select([
      'call_reviews.reviewer_id',
      'call_reviews.recommendation',
      'call_reviews.notes',
      'call_reviews.risks',
      'call_reviews.clearances',
      'call_reviews.at',
      'users.display_name as reviewerName',
    ])
    .where('call_id', '=', callId)
    .orderBy('call_reviews.at')
    .execute();
}

/** The reviewer role grants (in force, pending or revoked) of these people, for the flash rule. */
export function reviewerGrants(db: Kysely<Database>, userIds: string[]) {
  if (!userIds.length) return Promise.resolve([]);
  return db
    .selectFrom('role_grants')
    .select(['user_id', 'granted_by', 'confirmed_at', 'revoked_at'])
    .where('role', '=', 'reviewer')
    .where('user_id', 'in', userIds)
    .execute();
}

/** The office's active reviewers (who may record a review of its calls), for "who could approve". */
export function officeReviewers(db: Kysely<Database>, officeId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('office_id', '=', officeId)
    .where('status', '=', 'active')
    .where(sql<boolean>`'reviewer' = any(roles)`)
    .orderBy('display_name')
    .execute();
}

/** The latest version of one office's briefing of the call. */
export function latestBriefing(db: Kysely<Database>, callId: string, officeId: string) {
  return db
    .selectFrom('briefings')
    .selectAll()
    .where('call_id', '=', callId)
    .where('office_id', '=', officeId)
    .orderBy('version', 'desc')
    .executeTakeFirst();
}

/** One office's briefing versions of the call (each office sees only its own). */
export function briefings(db: Kysely<Database>, callId: string, officeId: string) {
  return db
    .selectFrom('briefings')
    .selectAll()
    .where('call_id', '=', callId)
    .where('office_id', '=', officeId)
    .orderBy('version')
    .execute();
}

/** One office's memcon versions of the call (each office keeps its own record of the conversation). */
export function memcons(db: Kysely<Database>, callId: string, officeId: string) {
  return db
    .selectFrom('memcons')
    .selectAll()
    .where('call_id', '=', callId)
    .where('office_id', '=', officeId)
    .orderBy('version')
    .execute();
}

/** Of these calls, those for which the office has a final memcon of its own. */
export async function callsWithFinalMemcon(
  db: Kysely<Database>,
  officeId: string,
  callIds: string[],
): Promise<Set<string>> {
  if (callIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('memcons')
    .select('call_id')
    .distinct()
    .where('office_id', '=', officeId)
    .where('status', '=', 'final')
    .where('call_id', 'in', callIds)
    .execute();
  return new Set(rows.map((r) => r.call_id));
}

export function readouts(db: Kysely<Database>, callId: string) {
  return db.selectFrom('readouts').selectAll().where('call_id', '=', callId).orderBy('version').execute();
}

export function callLog(db: Kysely<Database>, callId: string) {
  return db
    .selectFrom('call_log_entries')
    .leftJoin('users', 'users.id', 'call_log_entries.user_id')
    .select([
      'call_log_entries.kind',
      'call_log_entries.details',
      'call_log_entries.record_seq',
      'call_log_entries.at',
      'call_log_entries.user_id',
      'users.display_name as userName',
    ])
    .where('call_id', '=', callId)
    .orderBy('call_log_entries.at')
    .execute();
}

export function userNames(db: Kysely<Database>, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('users')
    .select(['id', 'display_name', 'time_zone', 'office_id', 'roles', 'interpreter'])
    .where('id', 'in', ids)
    .execute();
}

export function findUserContact(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('users')
    .select(['display_name', 'email', 'time_zone', 'office_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function officeNames(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  const uniq = [...new Set(ids)];
  if (uniq.length === 0) return new Map();
  const rows = await db.selectFrom('offices').select(['id', 'name']).where('id', 'in', uniq).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The leader of each of these offices, as title, name and country code. */
export async function officeLeaders(
  db: Kysely<Database>,
  ids: string[],
): Promise<Map<string, { leader_title: string; leader_name: string; country: string }>> {
  const uniq = [...new Set(ids)];
  if (uniq.length === 0) return new Map();
  const rows = await db
    .selectFrom('offices')
    .select(['id', 'leader_title', 'leader_name', 'country'])
    .where('id', 'in', uniq)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

// ------------------------------------------------------------------ writes

export async function insertCall(db: Kysely<Database>, row: NewCall): Promise<void> {
  await db
    .insertInto('calls')
    .values({ ...row, proposed_windows: JSON.stringify(row.proposed_windows) as never })
    .execute();
}

export async function updateCall(db: Kysely<Database>, id: string, set: CallPatch): Promise<void> {
  await db.updateTable('calls').set(set).where('id', '=', id).execute();
}

export async function insertCallEvent(db: Kysely<Database>, row: Insertable<CallEventsTable>): Promise<void> {
  await db
    .insertInto('call_events')
    .values({ ...row, details: JSON.stringify(row.details) as never })
    .execute();
}

export async function insertCallReview(
  db: Kysely<Database>,
  row: Insertable<CallReviewsTable>,
): Promise<void> {
  await db.insertInto('call_reviews').values(row).execute();
}

export async function insertBriefing(db: Kysely<Database>, row: Insertable<BriefingsTable>): Promise<void> {
  await db.insertInto('briefings').values(row).execute();
}

export async function approveBriefing(db: Kysely<Database>, id: string, by: string, at: Date): Promise<void> {
  await db.updateTable('briefings').set({ approved_by: by, approved_at: at }).where('id', '=', id).execute();
}

export async function insertMemcon(db: Kysely<Database>, row: Insertable<MemconsTable>): Promise<void> {
  await db
    .insertInto('memcons')
    .values({ ...row, document: JSON.stringify(row.document) as never })
    .execute();
}

export async function insertReadout(db: Kysely<Database>, row: Insertable<ReadoutsTable>): Promise<void> {
  await db.insertInto('readouts').values(row).execute();
}

export async function approveReadout(db: Kysely<Database>, id: string, by: string, at: Date): Promise<void> {
  await db
    .updateTable('readouts')
    .set({ status: 'approved', approved_by: by, approved_at: at })
    .where('id', '=', id)
    .execute();
}

export async function insertCallLogEntry(
  db: Kysely<Database>,
  row: Insertable<CallLogEntriesTable>,
): Promise<void> {
  await db
    .insertInto('call_log_entries')
    .values({ ...row, details: JSON.stringify(row.details) as never })
    .execute();
}

// ------------------------------------------------------------------ published readouts (the public site)

function publishedBase(db: Kysely<Database>) {
  return db
    .selectFrom('readouts')
    .innerJoin('calls', 'calls.id', 'readouts.call_id')
    .innerJoin('offices', 'offices.id', 'calls.owner_office_id')
    .leftJoin('records', 'records.id', 'readouts.record_id')
    .leftJoin('readouts as first', 'first.id', 'readouts.public_id')
    .select([
      'first.published_at as first_published_at',
      'readouts.id',
      'readouts.call_id',
      'readouts.title',
      'readouts.body_md',
      'readouts.published_at',
      'readouts.record_id',
      'readouts.record_seq',
      'readouts.status',
      'readouts.public_id',
      'readouts.supersedes_id',
      'readouts.reason',
      'readouts.superseded_at',
      'records.salt as record_salt',
      'records.envelope as record_envelope',
      'offices.name as officeName',
      'offices.time_zone as officeZone',
      'offices.leader_title',
      'offices.leader_name',
      'calls.counterpart_leader',
    ])
    .where('readouts.status', 'in', ['published', 'withdrawn']);
}

export type PublishedReadoutRow = Awaited<
  ReturnType<ReturnType<typeof publishedBase>['executeTakeFirstOrThrow']>
>;

/** Published readouts matching a search (title, text, counterpart, office), newest first, one page. */
export async function publishedReadouts(
  db: Kysely<Database>,
  query: string,
  page: number,
  perPage: number,
): Promise<{ rows: PublishedReadoutRow[]; total: number }> {
  // The current version of each readout; a withdrawn one leaves the list (its page stays).
  let q = publishedBase(db)
    .where('readouts.status', '=', 'published')
    .where('readouts.superseded_at', 'is', null);
  if (query.trim()) {
    const like = `%${query.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('readouts.title', 'ilike', like),
        eb('readouts.body_md', 'ilike', like),
        eb('calls.counterpart_leader', 'ilike', like),
        eb('offices.name', 'ilike', like),
      ]),
    );
  }
  const total = Number(
    (await q.clearSelect().select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n,
  );
  const rows = await q
    .orderBy('readouts.published_at', 'desc')
    .limit(perPage)
    .offset((page - 1) * perPage)
    .execute();
  return { rows, total };
}

/**
 * The readout at a public address: the current version of the readout it names (published,
 * corrected or withdrawn); or, for the id of a version since replaced, that version.
 */
export async function publishedReadout(
  db: Kysely<Database>,
  id: string,
): Promise<PublishedReadoutRow | undefined> {
  const current = await publishedBase(db)
    .where('readouts.public_id', '=', id)
    .where('readouts.superseded_at', 'is', null)
    .executeTakeFirst();
  return current ?? publishedBase(db).where('readouts.id', '=', id).executeTakeFirst();
}

/** The current public version of a call's readout (published or withdrawn), if any. */
export function currentPublicReadout(db: Kysely<Database>, callId: string): Promise<ReadoutRow | undefined> {
  return db
    .selectFrom('readouts')
    .selectAll()
    .where('call_id', '=', callId)
    .where('status', 'in', ['published', 'withdrawn'])
    .where('superseded_at', 'is', null)
    .orderBy('version', 'desc')
    .executeTakeFirst();
}

export async function supersedeReadout(db: Kysely<Database>, id: string, at: Date): Promise<void> {
  await db.updateTable('readouts').set({ superseded_at: at }).where('id', '=', id).execute();
}

/** The active people of these offices, as actors (who may come to owe a call a step). */
export async function activeStaff(
  db: Kysely<Database>,
  officeIds: string[],
): Promise<{ userId: string; officeId: string; roles: string[]; displayName: string }[]> {
  if (officeIds.length === 0) return [];
  const rows = await db
    .selectFrom('users')
    .select(['id', 'office_id', 'roles', 'display_name'])
    .where('office_id', 'in', officeIds)
    .where('status', '=', 'active')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    officeId: r.office_id,
    roles: r.roles,
    displayName: r.display_name,
  }));
}

/** The counterpart office's answers to the scheduled time, with who gave them (oldest first). */
export function scheduleAnswers(db: Kysely<Database>, callId: string) {
  return db
    .selectFrom('call_schedule_answers')
    .innerJoin('users', 'users.id', 'call_schedule_answers.user_id')
    .innerJoin('offices', 'offices.id', 'call_schedule_answers.office_id')
    .select([
      'call_schedule_answers.answer',
      'call_schedule_answers.proposed_start',
      'call_schedule_answers.note',
      'call_schedule_answers.schedule_sequence',
      'call_schedule_answers.at',
      'users.display_name as byName',
      'offices.name as officeName',
    ])
    .where('call_schedule_answers.call_id', '=', callId)
    .orderBy('call_schedule_answers.at')
    .execute();
}

export async function insertScheduleAnswer(
  db: Kysely<Database>,
  row: Insertable<CallScheduleAnswersTable>,
): Promise<void> {
  await db.insertInto('call_schedule_answers').values(row).execute();
}

/** A person's private notes on a call ('' when none). */
export async function callNotes(db: Kysely<Database>, callId: string, userId: string): Promise<string> {
  const r = await db
    .selectFrom('call_notes')
    .select('body')
    .where('call_id', '=', callId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r?.body ?? '';
}

export async function saveCallNotes(
  db: Kysely<Database>,
  callId: string,
  userId: string,
  body: string,
  at: Date,
): Promise<void> {
  await db
    .insertInto('call_notes')
    .values({ call_id: callId, user_id: userId, body, updated_at: at })
    .onConflict((oc) => oc.columns(['call_id', 'user_id']).doUpdateSet({ body, updated_at: at }))
    .execute();
}

/** The office's principal (its leader's account), for naming them on a call logged without one. */
export function officePrincipal(db: Kysely<Database>, officeId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'display_name', 'time_zone'])
    .where('office_id', '=', officeId)
    .where((eb) => eb(eb.val('principal'), '=', eb.fn.any('roles')))
    .where('status', '=', 'active')
    .orderBy('created_at')
    .executeTakeFirst();
}
