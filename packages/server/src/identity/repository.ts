import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.js';
import type { OfficesTable } from '../db/tables/offices.js';
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
