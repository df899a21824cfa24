import { type Kysely, sql } from 'kysely';

/**
 * Several server processes on one PostgreSQL behave as one: who is in which call's room
 * (live_peers, authoritative: the mesh limit is counted here under a per-call lock), which node
 * is alive (live_nodes, a heartbeat), relayed payloads too big for a NOTIFY (live_messages), and
 * the request rate limits shared by every node (rate_limits).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('live_nodes')
    .addColumn('node_id', 'text', (c) => c.primaryKey())
    .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('live_peers')
    .addColumn('peer_id', 'text', (c) => c.primaryKey())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('office_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('roles', 'jsonb', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('can_send', 'boolean', (c) => c.notNull())
    .addColumn('muted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('speaking', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('resume_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('live_peers_call').on('live_peers').column('call_id').execute();
  await db.schema.createIndex('live_peers_node').on('live_peers').column('node_id').execute();
  await db.schema
    .createTable('live_messages')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('resets_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['rate_limits', 'live_messages', 'live_peers', 'live_nodes']) {
    await db.schema.dropTable(t).execute();
  }
}
