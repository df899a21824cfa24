import { type Kysely, sql } from 'kysely';

import type { Database } from '../db/schema.js';

/** The demo seed's own database access: what the services have no write for (seeding only). */
export type Db = Kysely<Database>;

/** Run `fn` in one transaction. */
export function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

export function findOfficeBySlug(db: Db, slug: string) {
  return db.selectFrom('offices').select('id').where('slug', '=', slug).executeTakeFirst();
}

/** Every demo persona with their office's slug and zone. */
export function demoPeople(db: Db) {
  return db
    .selectFrom('users')
    .innerJoin('offices', 'offices.id', 'users.office_id')
    .select([
      'users.id',
      'users.roles',
      'users.office_id',
      'users.display_name',
      'users.time_zone',
      'offices.slug',
      'offices.time_zone as office_zone',
    ])
    .where('users.demo_persona', '=', true)
    .execute();
}

/** The records officer of the office with this slug. */
export function findRecordsOfficer(db: Db, slug: string) {
  return db
    .selectFrom('users')
    .innerJoin('offices', 'offices.id', 'users.office_id')
    .select(['users.id', 'users.office_id', 'users.roles', 'users.display_name'])
    .where('offices.slug', '=', slug)
    .where((eb) => eb(eb.val('records'), '=', eb.fn.any('users.roles')))
    .executeTakeFirstOrThrow();
}

/** The demo's interpreters: flagged so the schedule form offers them (migration 021). */
export async function markInterpreters(db: Db, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db.updateTable('users').set({ interpreter: true }).where('id', 'in', userIds).execute();
}

/** 2209(c): the president is covered, and so are the office's staff and reviewers not yet covered. */
export async function markCovered(db: Db, presidentId: string, officeId: string): Promise<void> {
  await db.updateTable('users').set({ covered: 'president' }).where('id', '=', presidentId).execute();
  await db
    .updateTable('users')
    .set({ covered: 'covered_employee' })
    .where('office_id', '=', officeId)
    .where('covered', '=', 'not_covered')
    .where((eb) =>
      eb.or([
        eb(sql<string>`'staff'`, '=', eb.fn.any('roles')),
        eb(sql<string>`'reviewer'`, '=', eb.fn.any('roles')),
      ]),
    )
    .execute();
}

/** Known numbers of foreign leaders (kept if already on file). */
export async function insertForeignContacts(
  db: Db,
  rows: { number: string; leader: string; country: string; office_id: string | null }[],
): Promise<void> {
  await db
    .insertInto('foreign_contacts')
    .values(rows)
    .onConflict((oc) => oc.column('number').doNothing())
    .execute();
}

export async function tableExists(db: Db, table: string): Promise<boolean> {
  const r = await sql<{ t: string | null }>`select to_regclass(${table})::text as t`.execute(db);
  return r.rows[0]?.t != null;
}

export async function officeSlugsNotIn(db: Db, slugs: string[]): Promise<string[]> {
  const rows = await db.selectFrom('offices').select('slug').where('slug', 'not in', slugs).execute();
  return rows.map((r) => r.slug);
}

export async function anyRecord(db: Db): Promise<boolean> {
  return (await db.selectFrom('records').select('seq').limit(1).executeTakeFirst()) !== undefined;
}
