import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.js';
import type { NotificationsTable } from '../db/tables/notifications.js';

export type Db = Kysely<Database>;
export type NotificationRow = Selectable<NotificationsTable>;

export function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

export async function choicesOf(
  db: Db,
  userIds: string[],
): Promise<Map<string, Record<string, { inApp: boolean; email: boolean }>>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('notification_preferences')
    .select(['user_id', 'kinds'])
    .where('user_id', 'in', userIds)
    .execute();
  return new Map(rows.map((r) => [r.user_id, r.kinds]));
}

export async function saveChoices(
  db: Db,
  userId: string,
  kinds: Record<string, { inApp: boolean; email: boolean }>,
  at: Date,
): Promise<void> {
  const json = JSON.stringify(kinds);
  await db
    .insertInto('notification_preferences')
    .values({ user_id: userId, kinds: json, updated_at: at })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ kinds: json, updated_at: at }))
    .execute();
}

export async function insertNotifications(
  db: Db,
  rows: Omit<NotificationRow, 'email_attempts' | 'email_sent_at' | 'email_error' | 'read_at'>[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('notifications')
    .values(rows.map((r) => ({ ...r, email_status: r.email_status as 'none' | 'pending' })))
    .execute();
}

export function listForUser(db: Db, userId: string, limit: number): Promise<NotificationRow[]> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('user_id', '=', userId)
    .where('in_app', '=', true)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function unreadCount(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('in_app', '=', true)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Marks these (or all) unread notifications of a person read; returns the ids it marked. */
export async function markRead(db: Db, userId: string, ids: string[] | 'all', at: Date): Promise<string[]> {
  let q = db
    .updateTable('notifications')
    .set({ read_at: at })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null);
  if (ids !== 'all') q = q.where('id', 'in', ids);
  const rows = await q.returning('id').execute();
  return rows.map((r) => r.id);
}

export function findMany(db: Db, ids: string[]): Promise<NotificationRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('notifications').selectAll().where('id', 'in', ids).execute();
}

/** Emails due now, oldest first. */
export function dueEmails(db: Db, now: Date, limit: number): Promise<NotificationRow[]> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('email_status', '=', 'pending')
    .where('email_next_at', '<=', now)
    .orderBy('email_next_at')
    .limit(limit)
    .execute();
}

/**
 * Takes a due email for this sender until `until` (another node seeing it due meanwhile finds it
 * taken): true when this node got it.
 */
export async function claimEmail(db: Db, id: string, seenNextAt: Date, until: Date): Promise<boolean> {
  const r = await db
    .updateTable('notifications')
    .set({ email_next_at: until })
    .where('id', '=', id)
    .where('email_status', '=', 'pending')
    .where('email_next_at', '=', seenNextAt)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function emailSent(db: Db, id: string, at: Date, attempts: number): Promise<void> {
  await db
    .updateTable('notifications')
    .set({
      email_status: 'sent',
      email_sent_at: at,
      email_attempts: attempts,
      email_next_at: null,
      email_error: null,
    })
    .where('id', '=', id)
    .execute();
}

export async function emailFailed(
  db: Db,
  id: string,
  attempts: number,
  error: string,
  next: Date | null,
): Promise<void> {
  await db
    .updateTable('notifications')
    .set({
      email_status: next ? 'pending' : 'failed',
      email_attempts: attempts,
      email_next_at: next,
      email_error: error.slice(0, 500),
    })
    .where('id', '=', id)
    .execute();
}

export async function emailOf(db: Db, userId: string): Promise<string | null> {
  const r = await db
    .selectFrom('users')
    .select(['email', 'status'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return r && r.status === 'active' ? r.email : null;
}
