import type { Kysely } from 'kysely';

/**
 * Which archive key sealed each content row, so the key can be rotated: new content is sealed
 * under the new key and older rows are read with the retired key until they are re-sealed.
 * Rows from before this migration have no key id (null) and are opened by trying each key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('record_content').addColumn('key_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('record_content').dropColumn('key_id').execute();
}
