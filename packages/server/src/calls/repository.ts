import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.js';
import type { CallsTable } from '../db/tables/calls.js';

export type CallRow = Selectable<CallsTable>;

/** Queries over calls and their artifacts. No rules here. */
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

export function latestBriefing(db: Kysely<Database>, callId: string) {
  return db
    .selectFrom('briefings')
    .selectAll()
    .where('call_id', '=', callId)
    .orderBy('version', 'desc')
    .executeTakeFirst();
}

export function briefings(db: Kysely<Database>, callId: string) {
  return db.selectFrom('briefings').selectAll().where('call_id', '=', callId).orderBy('version').execute();
}

export function memcons(db: Kysely<Database>, callId: string) {
  return db.selectFrom('memcons').selectAll().where('call_id', '=', callId).orderBy('version').execute();
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
    .select(['id', 'display_name', 'time_zone', 'office_id', 'roles'])
    .where('id', 'in', ids)
    .execute();
}
