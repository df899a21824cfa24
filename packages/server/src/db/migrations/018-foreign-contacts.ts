import { type Kysely, sql } from 'kysely';

/**
 * The foreign contacts directory: each entry a foreign leader's known number, handle or email
 * (the `number` column holds the normalised value, whatever its kind), with where it came from
 * and when it was valid; retired entries stay on file. Off-channel alerts gain a kind: a missed,
 * rejected or blocked call is an 'attempted' contact, shown but with no call (no memcon) behind it.
 * Classification rules get their table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('foreign_contacts')
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('number'))
    .addColumn('source', 'text')
    .addColumn('valid_from', 'timestamptz')
    .addColumn('valid_to', 'timestamptz')
    .addColumn('retired_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('foreign_contacts_id').unique().on('foreign_contacts').column('id').execute();
  await db.schema
    .alterTable('off_channel_alerts')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('off_channel'))
    .execute();
  await db.schema
    .alterTable('off_channel_alerts')
    .alterColumn('call_id', (c) => c.dropNotNull())
    .execute();
  // Classification rules (44 U.S.C. 2203(b)): an account, correspondents and a date range decide
  // presidential or personal for the items they match, each decision a record naming the rule.
  await db.schema
    .createTable('classification_rules')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('office_id', 'uuid', (c) => c.notNull().references('offices.id'))
    .addColumn('account', 'text')
    .addColumn('correspondents', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('from_date', 'timestamptz')
    .addColumn('to_date', 'timestamptz')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('retired_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('captured_items_unknown')
    .on('captured_items')
    .columns(['category', 'occurred_at', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('captured_items_unknown').execute();
  await db.schema.dropTable('classification_rules').execute();
  await sql`delete from off_channel_alerts where call_id is null`.execute(db);
  await db.schema
    .alterTable('off_channel_alerts')
    .alterColumn('call_id', (c) => c.setNotNull())
    .execute();
  await db.schema.alterTable('off_channel_alerts').dropColumn('kind').execute();
  await db.schema.dropIndex('foreign_contacts_id').execute();
  for (const c of ['retired_at', 'valid_to', 'valid_from', 'source', 'kind', 'id'])
    await db.schema.alterTable('foreign_contacts').dropColumn(c).execute();
}
