import { type Insertable, type Kysely, type Selectable, sql, type Updateable } from 'kysely';

export type { Db } from '../db/database.js';

import type { Database } from '../db/schema.js';
import type { ChallengesTable } from '../db/tables/challenges.js';
import type { InvitesTable } from '../db/tables/invites.js';
import type { OfficesTable } from '../db/tables/offices.js';
import type { PasskeysTable } from '../db/tables/passkeys.js';
import type { RoleGrantsTable } from '../db/tables/role-grants.js';
import type { SessionsTable } from '../db/tables/sessions.js';
import type { UsersTable } from '../db/tables/users.js';

export type OfficeRow = Selectable<OfficesTable>;
export type UserRow = Selectable<UsersTable>;

/** Queries over offices and users. No rules here: the services decide. */
export function findOffice(db: Kysely<Database>, id: string): Promise<OfficeRow | undefined> {
  return db.selectFrom('offices').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findOfficeBySlug(db: Kysely<Database>, slug: string): Promise<OfficeRow | undefined> {
  return db.selectFrom('offices').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function listOffices(db: Kysely<Database>): Promise<OfficeRow[]> {
  return db.selectFrom('offices').selectAll().orderBy('name').execute();
}

export function findUser(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export function listUsers(
  db: Kysely<Database>,
  officeId?: string,
  includeDisabled = false,
): Promise<UserRow[]> {
  let q = db.selectFrom('users').selectAll();
  if (!includeDisabled) q = q.where('status', '!=', 'disabled');
  if (officeId) q = q.where('office_id', '=', officeId);
  return q.orderBy('display_name').execute();
}

/** Run `fn` in one transaction. */
export function transaction<T>(db: Kysely<Database>, fn: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

// ─── offices, users and invites (IdentityService's writes) ───────────────────────────────────

export async function insertOffice(db: Kysely<Database>, row: Insertable<OfficesTable>): Promise<void> {
  await db.insertInto('offices').values(row).execute();
}

/** The office in force (not retired) for this country and leader title (case and spaces aside), other than `exceptId`. */
export function findOfficeFor(
  db: Kysely<Database>,
  country: string,
  leaderTitle: string,
  exceptId?: string,
): Promise<OfficeRow | undefined> {
  let q = db
    .selectFrom('offices')
    .selectAll()
    .where('country', '=', country)
    .where(sql<string>`lower(trim(leader_title))`, '=', leaderTitle.trim().toLowerCase())
    .where('retired_at', 'is', null);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return q.executeTakeFirst();
}

export async function updateOffice(
  db: Kysely<Database>,
  id: string,
  patch: Updateable<OfficesTable>,
): Promise<void> {
  await db.updateTable('offices').set(patch).where('id', '=', id).execute();
}

export async function insertUser(db: Kysely<Database>, row: Insertable<UsersTable>): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function setUserInterpreter(db: Kysely<Database>, id: string, on: boolean): Promise<void> {
  await db.updateTable('users').set({ interpreter: on }).where('id', '=', id).execute();
}

export async function setUserRoles(db: Kysely<Database>, id: string, roles: string[]): Promise<void> {
  await db.updateTable('users').set({ roles }).where('id', '=', id).execute();
}

// ─── role grants ─────────────────────────────────────────────────────────────────────────────

export type RoleGrantRow = Selectable<RoleGrantsTable>;

export async function insertRoleGrant(db: Kysely<Database>, row: Insertable<RoleGrantsTable>): Promise<void> {
  await db.insertInto('role_grants').values(row).execute();
}

export function findRoleGrant(db: Kysely<Database>, id: string): Promise<RoleGrantRow | undefined> {
  return db.selectFrom('role_grants').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A person's grants not revoked: in force (confirmed) and pending. */
export function openRoleGrants(db: Kysely<Database>, userId: string): Promise<RoleGrantRow[]> {
  return db
    .selectFrom('role_grants')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('granted_at')
    .execute();
}

export async function confirmRoleGrant(
  db: Kysely<Database>,
  id: string,
  by: string,
  at: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('role_grants')
    .set({ confirmed_by: by, confirmed_at: at })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!r;
}

export async function revokeRoleGrants(
  db: Kysely<Database>,
  ids: string[],
  by: string | null,
  at: Date,
): Promise<void> {
  if (!ids.length) return;
  await db
    .updateTable('role_grants')
    .set({ revoked_at: at, revoked_by: by })
    .where('id', 'in', ids)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Display names by user id (nulls skipped). */
export async function userDisplayNames(
  db: Kysely<Database>,
  ids: (string | null)[],
): Promise<Map<string, string>> {
  const want = [...new Set(ids.filter((x): x is string => !!x))];
  if (!want.length) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', want).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** An office's grants waiting for a second administrator, with the names of the person and the granter. */
export function pendingRoleGrants(db: Kysely<Database>, officeId: string) {
  return db
    .selectFrom('role_grants')
    .innerJoin('users as grantee', 'grantee.id', 'role_grants.user_id')
    .leftJoin('users as granter', 'granter.id', 'role_grants.granted_by')
    .selectAll('role_grants')
    .select(['grantee.display_name as user_name', 'granter.display_name as granter_name'])
    .where('role_grants.office_id', '=', officeId)
    .where('role_grants.confirmed_at', 'is', null)
    .where('role_grants.revoked_at', 'is', null)
    .orderBy('role_grants.granted_at')
    .execute();
}

export async function activateUser(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('users').set({ status: 'active' }).where('id', '=', id).execute();
}

export async function insertInvite(db: Kysely<Database>, row: Insertable<InvitesTable>): Promise<void> {
  await db.insertInto('invites').values(row).execute();
}

/** An invite by its token's hash, with the invited user and their office's name. */
export function findInvite(db: Kysely<Database>, tokenHash: string) {
  return db
    .selectFrom('invites')
    .innerJoin('users', 'users.id', 'invites.user_id')
    .innerJoin('offices', 'offices.id', 'users.office_id')
    .select([
      'invites.id as inviteId',
      'invites.used_at',
      'invites.expires_at',
      'invites.revoked_at',
      'users.id as userId',
      'users.display_name',
      'users.email',
      'users.status',
      'users.roles',
      'offices.name as officeName',
    ])
    .where('invites.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Marks the invite used unless it already was; true when this call used it. */
export async function useInvite(db: Kysely<Database>, id: string, at: Date): Promise<boolean> {
  const used = await db
    .updateTable('invites')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!used;
}

/** The demo chooser's rows: active demo personas with their office. */
export function demoPersonaRows(db: Kysely<Database>) {
  return db
    .selectFrom('users')
    .innerJoin('offices', 'offices.id', 'users.office_id')
    .select([
      'users.id',
      'users.display_name',
      'users.title',
      'users.roles',
      'offices.name as officeName',
      'offices.slug',
    ])
    .where('users.demo_persona', '=', true)
    .where('users.status', '=', 'active')
    .orderBy('offices.name')
    .orderBy('users.display_name')
    .execute();
}

// ─── passkeys and WebAuthn challenges ────────────────────────────────────────────────────────

export type PasskeyRow = Selectable<PasskeysTable>;

export function findPasskey(db: Kysely<Database>, id: string): Promise<PasskeyRow | undefined> {
  return db.selectFrom('passkeys').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The person's passkeys not revoked, oldest first. */
export function listPasskeys(db: Kysely<Database>, userId: string): Promise<PasskeyRow[]> {
  return db
    .selectFrom('passkeys')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .execute();
}

/** The person's live credentials, for excludeCredentials (a revoked one may be registered again). */
export function passkeyCredentials(db: Kysely<Database>, userId: string) {
  return db
    .selectFrom('passkeys')
    .select(['id', 'transports'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Marks a live passkey revoked; true when this call revoked it. */
export async function revokePasskey(
  db: Kysely<Database>,
  id: string,
  userId: string,
  at: Date,
  by: string,
): Promise<boolean> {
  const row = await db
    .updateTable('passkeys')
    .set({ revoked_at: at, revoked_by: by })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

export async function insertPasskey(db: Kysely<Database>, row: Insertable<PasskeysTable>): Promise<void> {
  await db.insertInto('passkeys').values(row).execute();
}

/** After a sign-in: the new counter, when, and the backed-up (BS) flag as the authenticator now reports it. */
export async function markPasskeyUsed(
  db: Kysely<Database>,
  id: string,
  counter: string,
  at: Date,
  backedUp: boolean,
) {
  await db
    .updateTable('passkeys')
    .set({ counter, last_used_at: at, backed_up: backedUp })
    .where('id', '=', id)
    .execute();
}

/** Drops expired challenges, then stores this one. */
export async function storeChallenge(
  db: Kysely<Database>,
  row: Insertable<ChallengesTable>,
  now: Date,
): Promise<void> {
  await db.deleteFrom('webauthn_challenges').where('expires_at', '<', now).execute();
  await db.insertInto('webauthn_challenges').values(row).execute();
}

/** Single use: the row is deleted as it is read. */
export function takeChallenge(db: Kysely<Database>, id: string) {
  return db.deleteFrom('webauthn_challenges').where('id', '=', id).returningAll().executeTakeFirst();
}

// ─── sessions ────────────────────────────────────────────────────────────────────────────────

export async function insertSession(db: Kysely<Database>, row: Insertable<SessionsTable>): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** A session by its token's hash, with its user. */
export function findSession(db: Kysely<Database>, tokenHash: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as sessionId',
      'sessions.expires_at',
      'sessions.revoked_at',
      'sessions.method',
      'sessions.last_seen_at',
      'users.id as userId',
      'users.office_id',
      'users.roles',
      'users.display_name',
      'users.status',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function revokeSession(db: Kysely<Database>, id: string, at: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Bookkeeping for the session lists (not a state change of a record, so no audit record). */
export async function touchSession(db: Kysely<Database>, id: string, at: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

// ─── refused sign-ins (counted per address and window) ───────────────────────────────────────

export async function countRefusal(
  db: Kysely<Database>,
  address: string,
  windowStart: Date,
  windowEnd: Date,
  at: Date,
): Promise<void> {
  await db
    .insertInto('sign_in_refusals')
    .values({
      address,
      window_start: windowStart,
      window_end: windowEnd,
      count: 1,
      first_at: at,
      last_at: at,
    })
    .onConflict((oc) =>
      oc.columns(['address', 'window_start']).doUpdateSet({
        count: sql<number>`sign_in_refusals.count + 1`,
        last_at: at,
      }),
    )
    .execute();
}

/** Marks every closed, unrecorded window recorded and returns them (the row locks keep two callers apart). */
export function takeClosedRefusalWindows(tx: Kysely<Database>, now: Date) {
  return tx
    .updateTable('sign_in_refusals')
    .set({ recorded_at: now })
    .where('recorded_at', 'is', null)
    .where('window_end', '<=', now)
    .returningAll()
    .execute();
}

// ─── sessions and invitations under the administrator's hand ─────────────────────────────────

export type SessionRow = Selectable<SessionsTable>;

export async function setUserStatus(db: Kysely<Database>, userId: string, status: 'active' | 'disabled') {
  await db.updateTable('users').set({ status }).where('id', '=', userId).execute();
}

export function revokeUnusedInvites(db: Kysely<Database>, userId: string, at: Date) {
  return db
    .updateTable('invites')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
}

export function pendingInvites(db: Kysely<Database>, officeId: string, now: Date) {
  return db
    .selectFrom('invites')
    .innerJoin('users', 'users.id', 'invites.user_id')
    .selectAll('users')
    .select([
      'invites.id as inviteId',
      'invites.created_at as inviteCreatedAt',
      'invites.created_by as inviteCreatedBy',
      'invites.expires_at as inviteExpiresAt',
    ])
    .where('users.office_id', '=', officeId)
    .where('invites.used_at', 'is', null)
    .where('invites.revoked_at', 'is', null)
    .where('invites.expires_at', '>', now)
    .orderBy('invites.created_at', 'desc')
    .execute();
}

export function findInviteById(db: Kysely<Database>, inviteId: string) {
  return db
    .selectFrom('invites')
    .innerJoin('users', 'users.id', 'invites.user_id')
    .select(['invites.id', 'invites.used_at', 'invites.revoked_at', 'users.id as userId', 'users.office_id'])
    .where('invites.id', '=', inviteId)
    .executeTakeFirst();
}

export async function revokeInvite(db: Kysely<Database>, inviteId: string, at: Date): Promise<void> {
  await db.updateTable('invites').set({ revoked_at: at }).where('id', '=', inviteId).execute();
}

export function liveSessions(db: Kysely<Database>, userId: string, now: Date): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Ends the person's live sessions (one, or all); returns the ids ended. */
export async function endSessions(
  db: Kysely<Database>,
  userId: string,
  now: Date,
  sessionId?: string,
): Promise<string[]> {
  let q = db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now);
  if (sessionId) q = q.where('id', '=', sessionId);
  return (await q.returning('id').execute()).map((r) => r.id);
}
