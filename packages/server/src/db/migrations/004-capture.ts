import { type Kysely, sql } from 'kysely';

/** Personal-account capture: accounts (personal and official), captured items, import runs. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('capture_accounts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('owner_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('official', 'boolean', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('capture_accounts_uq', ['kind', 'identifier'])
    .execute();
  await db.schema
    .createTable('captured_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('capture_accounts.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('summary', 'jsonb', (c) => c.notNull())
    .addColumn('record_id', 'uuid', (c) => c.notNull())
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .addColumn('import_id', 'uuid', (c) => c.notNull())
    .addUniqueConstraint('captured_items_uq', ['account_id', 'source_id'])
    .execute();
  await db.schema
    .createTable('capture_imports')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('capture_accounts.id'))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('added', 'integer', (c) => c.notNull())
    .addColumn('skipped', 'integer', (c) => c.notNull())
    .addColumn('actor_id', 'uuid')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index captured_items_category_idx on captured_items (category, occurred_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['capture_imports', 'captured_items', 'capture_accounts'])
    await db.schema.dropTable(t).execute();
}
