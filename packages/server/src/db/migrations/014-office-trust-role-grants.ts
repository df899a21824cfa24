import { type Kysely, sql } from 'kysely';

/**
 * Trust between offices (issue "Trust between offices", points 3 and 4).
 * - offices: who vouched for the office (the server operator, named as OS user@host, or the demo
 *   seed) and when; an office replaced by another is retired (retired_at) and names its successor.
 *   Offices made before this migration have no voucher (null): the app shows them as not vouched.
 * - role_grants: every role a person holds, as a record naming who granted it and, for roles that
 *   need it, the second administrator who confirmed it. A grant is in force from confirmed_at until
 *   revoked_at; users.roles stays the roles in force (what sessions read). Existing roles are
 *   carried over as grants by the operator (granted_by null) at the user's creation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('offices')
    .addColumn('vouched_by', 'text')
    .addColumn('vouched_at', 'timestamptz')
    .addColumn('retired_at', 'timestamptz')
    .addColumn('replaced_by', 'uuid', (c) => c.references('offices.id'))
    .execute();
  await db.schema
    .createTable('role_grants')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('office_id', 'uuid', (c) => c.notNull().references('offices.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('granted_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('granted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('confirmed_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'uuid', (c) => c.references('users.id'))
    .execute();
  await db.schema.createIndex('role_grants_user_idx').on('role_grants').column('user_id').execute();
  await db.schema
    .createIndex('role_grants_pending_idx')
    .on('role_grants')
    .column('office_id')
    .where(sql.ref('confirmed_at'), 'is', null)
    .execute();
  await sql`
    insert into role_grants (id, user_id, office_id, role, granted_by, granted_at, confirmed_at)
    select gen_random_uuid(), u.id, u.office_id, r.role, null, u.created_at, u.created_at
    from users u cross join lateral unnest(u.roles) as r(role)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('role_grants').execute();
  await db.schema
    .alterTable('offices')
    .dropColumn('vouched_by')
    .dropColumn('vouched_at')
    .dropColumn('retired_at')
    .dropColumn('replaced_by')
    .execute();
}
