import { type Kysely, sql } from 'kysely';

/** 44 U.S.C. 2209(c): who is covered by the 20-day rule, as a user setting. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('covered', 'text', (c) =>
      c
        .notNull()
        .defaultTo('not_covered')
        .check(sql`covered in ('president','vice_president','covered_employee','not_covered')`),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('covered').execute();
}
