import type { Kysely } from 'kysely';

/** Foreign leaders' and offices' known numbers, and off-channel contact alerts raised from captures. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('foreign_contacts')
    .addColumn('number', 'text', (c) => c.primaryKey())
    .addColumn('leader', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('office_id', 'uuid', (c) => c.references('offices.id'))
    .execute();
  await db.schema
    .createTable('off_channel_alerts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('captured_item_id', 'uuid', (c) => c.notNull().unique().references('captured_items.id'))
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('leader', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('off_channel_alerts').execute();
  await db.schema.dropTable('foreign_contacts').execute();
}
