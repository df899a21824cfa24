import { type Kysely, sql } from 'kysely';

/**
 * The archive's search index. Migration 017 searched a view, computing each record's tsvector and
 * trigram similarity per query: 1.2–2.9 s at 20,000 items. `archive_entries` becomes a table with
 * the same columns plus `doc` (the stored tsvector of title and body), indexed by GIN on `doc`
 * and a trigram GIN on `names`.
 *
 * What a record looks like in the index is still defined once, as SQL: one view per kind
 * (`archive_source_<kind>`, 017's union split up). Statement-level triggers on each source table
 * refresh the rows a statement touched from those views, so the index is written in the same
 * transaction as the record, whatever code path writes it, and a bulk insert costs one join
 * rather than a query per row. The migration fills the index for the rows already there.
 */

const KINDS = {
  call: `
    select 'call'::text as ref_kind, c.id as ref_id, c.id as call_id, o.office_id, 'call'::text as kind,
      ('Call with ' || c.counterpart_leader || ': ' || c.purpose) as title,
      concat_ws(' ', c.purpose, array_to_string(c.topics, ' '), c.counterpart_leader, c.counterpart_country,
        array_to_string(c.participants, ' ')) as body,
      concat_ws(' ', c.counterpart_leader, array_to_string(c.participants, ' '), u.display_name) as names,
      c.created_at as occurred_at, null::text as classification, null::uuid as account_id,
      c.requested_by as person_id,
      (select min(e.record_seq) from call_events e where e.call_id = c.id) as record_seq
    from calls c
    join users u on u.id = c.requested_by
    cross join lateral (
      select distinct x as office_id
      from unnest(array[c.owner_office_id, c.counterpart_office_id, c.requesting_office_id]) x
      where x is not null
    ) o`,
  briefing: `
    select 'briefing'::text as ref_kind, b.id as ref_id, b.call_id, b.office_id, 'briefing'::text as kind,
      ('Briefing v' || b.version || ': ' || c.purpose) as title,
      concat_ws(' ', b.background_md, b.objectives_md, b.talking_points_md) as body,
      concat_ws(' ', c.counterpart_leader, u.display_name) as names,
      b.created_at as occurred_at, null::text as classification, null::uuid as account_id,
      b.author_id as person_id, b.record_seq
    from briefings b join calls c on c.id = b.call_id join users u on u.id = b.author_id`,
  memcon: `
    select 'memcon'::text as ref_kind, m.id as ref_id, m.call_id, m.office_id, 'memcon'::text as kind,
      ('Memcon v' || m.version || ': ' || c.purpose) as title,
      archive_text(m.document) as body,
      concat_ws(' ', c.counterpart_leader, u.display_name) as names,
      m.created_at as occurred_at, m.classification, null::uuid as account_id,
      m.author_id as person_id, m.record_seq
    from memcons m join calls c on c.id = m.call_id join users u on u.id = m.author_id`,
  readout: `
    select 'readout'::text as ref_kind, r.id as ref_id, r.call_id, o.office_id, 'readout'::text as kind,
      r.title, r.body_md as body,
      concat_ws(' ', c.counterpart_leader, u.display_name) as names,
      r.created_at as occurred_at, null::text as classification, null::uuid as account_id,
      r.author_id as person_id, r.record_seq
    from readouts r join calls c on c.id = r.call_id join users u on u.id = r.author_id
    cross join lateral (
      select distinct x as office_id
      from unnest(case when r.status = 'published'
        then array[c.owner_office_id, c.counterpart_office_id, c.requesting_office_id]
        else array[c.owner_office_id] end) x
      where x is not null
    ) o`,
  call_log: `
    select 'call_log'::text as ref_kind, l.id as ref_id, l.call_id, o.office_id, 'call_log'::text as kind,
      ('Call log: ' || l.kind || ' (' || c.purpose || ')') as title,
      concat_ws(' ', l.kind, archive_text(l.details)) as body,
      concat_ws(' ', c.counterpart_leader, u.display_name) as names,
      l.at as occurred_at, null::text as classification, null::uuid as account_id,
      l.user_id as person_id, l.record_seq
    from call_log_entries l join calls c on c.id = l.call_id left join users u on u.id = l.user_id
    cross join lateral (
      select distinct x as office_id
      from unnest(array[c.owner_office_id, c.counterpart_office_id, c.requesting_office_id]) x
      where x is not null
    ) o`,
  captured_item: `
    select 'captured_item'::text as ref_kind, i.id as ref_id, null::uuid as call_id, u.office_id, i.kind,
      coalesce(i.summary->>'subject', i.kind || ' ' || coalesce(i.summary->>'from', '')) as title,
      concat_ws(' ', i.summary->>'subject', archive_text(i.summary - 'subject' - 'attachments' - 'photoGps')) as body,
      concat_ws(' ', u.display_name, archive_text(i.summary->'from'), archive_text(i.summary->'to'),
        archive_text(i.summary->'cc'), i.summary->>'contactName', i.summary->>'number') as names,
      i.occurred_at, i.category as classification, i.account_id, a.owner_id as person_id, i.record_seq
    from captured_items i join capture_accounts a on a.id = i.account_id join users u on u.id = a.owner_id`,
} as const;
type Kind = keyof typeof KINDS;

const COLS =
  'ref_kind, ref_id, call_id, office_id, kind, title, body, names, occurred_at, classification, account_id, person_id, record_seq';

/** The source tables, the kind each holds, and the key joining the index to a changed row. */
const SOURCES: { table: string; kinds: Kind[]; key: 'ref_id' | 'call_id'; rowKey: string }[] = [
  // A call's rows include every artifact of it (titles carry its purpose, offices its parties).
  {
    table: 'calls',
    kinds: ['call', 'briefing', 'memcon', 'readout', 'call_log'],
    key: 'call_id',
    rowKey: 'id',
  },
  // The call's own row takes its record number from its first event.
  { table: 'call_events', kinds: ['call'], key: 'call_id', rowKey: 'call_id' },
  { table: 'briefings', kinds: ['briefing'], key: 'ref_id', rowKey: 'id' },
  { table: 'memcons', kinds: ['memcon'], key: 'ref_id', rowKey: 'id' },
  { table: 'readouts', kinds: ['readout'], key: 'ref_id', rowKey: 'id' },
  { table: 'call_log_entries', kinds: ['call_log'], key: 'ref_id', rowKey: 'id' },
  { table: 'captured_items', kinds: ['captured_item'], key: 'ref_id', rowKey: 'id' },
];

const fill = (kinds: readonly Kind[], key: string, rows: string, rowKey: string) =>
  kinds
    .map(
      (k) =>
        `insert into archive_entries (${COLS}) select ${COLS} from archive_source_${k} s
         where s.${key} in (select ${rowKey} from ${rows});`,
    )
    .join('\n');
const clear = (kinds: readonly Kind[], key: string, rows: string, rowKey: string) =>
  `delete from archive_entries where ref_kind in (${kinds.map((k) => `'${k}'`).join(', ')})
   and ${key} in (select ${rowKey} from ${rows});`;

export async function up(db: Kysely<unknown>): Promise<void> {
  const trgm = await sql<{ nspname: string }>`
    select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'
  `.execute(db);
  const trgmSchema = `"${trgm.rows[0]!.nspname.replace(/"/g, '""')}"`;

  await sql`drop view archive_entries`.execute(db);
  for (const [k, body] of Object.entries(KINDS))
    await sql.raw(`create view archive_source_${k} as ${body}`).execute(db);
  await sql
    .raw(`
    create table archive_entries (
      ref_kind text not null,
      ref_id uuid not null,
      call_id uuid,
      office_id uuid not null,
      kind text not null,
      title text not null,
      body text not null,
      names text not null,
      occurred_at timestamptz not null,
      classification text,
      account_id uuid,
      person_id uuid,
      record_seq bigint,
      doc tsvector generated always as (to_tsvector('english'::regconfig, title || ' ' || body)) stored,
      primary key (ref_kind, ref_id, office_id)
    )`)
    .execute(db);
  // Fill before indexing: one pass, then each index built once.
  for (const k of Object.keys(KINDS))
    await sql
      .raw(`insert into archive_entries (${COLS}) select ${COLS} from archive_source_${k}`)
      .execute(db);
  await sql`create index archive_entries_doc_idx on archive_entries using gin (doc)`.execute(db);
  await sql
    .raw(
      `create index archive_entries_names_idx on archive_entries using gin (names ${trgmSchema}.gin_trgm_ops)`,
    )
    .execute(db);
  await sql`create index archive_entries_office_idx on archive_entries (office_id, occurred_at desc)`.execute(
    db,
  );
  await sql`create index archive_entries_call_idx on archive_entries (call_id)`.execute(db);
  await sql`create index archive_entries_ref_idx on archive_entries (ref_id)`.execute(db);
  // word_similarity(q, names) >= pg_trgm.word_similarity_threshold, as an operator the trigram
  // index answers. A plain SQL function, so the planner inlines it and uses the index.
  await sql
    .raw(`create function archive_name_match(q text, names text) returns boolean language sql stable as
      $$ select q operator(${trgmSchema}.<%) names $$`)
    .execute(db);

  for (const s of SOURCES) {
    const fn = `archive_index_${s.table}`;
    await sql
      .raw(`
      create function ${fn}() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') then
          ${clear(s.kinds, s.key, 'old_rows', s.rowKey)}
        end if;
        if tg_op in ('INSERT', 'UPDATE') then
          ${tgOpClear(s)}
          ${fill(s.kinds, s.key, 'new_rows', s.rowKey)}
        end if;
        return null;
      end $$`)
      .execute(db);
    await sql
      .raw(`create trigger ${fn}_ins after insert on ${s.table} referencing new table as new_rows
        for each statement execute function ${fn}()`)
      .execute(db);
    await sql
      .raw(`create trigger ${fn}_upd after update on ${s.table} referencing old table as old_rows new table as new_rows
        for each statement execute function ${fn}()`)
      .execute(db);
    await sql
      .raw(`create trigger ${fn}_del after delete on ${s.table} referencing old table as old_rows
        for each statement execute function ${fn}()`)
      .execute(db);
  }
  // A renamed person: the names of the records they wrote, requested or own.
  const all = Object.keys(KINDS) as Kind[];
  await sql
    .raw(`
    create function archive_index_users() returns trigger language plpgsql as $$
    begin
      delete from archive_entries where person_id = new.id;
      ${all.map((k) => `insert into archive_entries (${COLS}) select ${COLS} from archive_source_${k} s where s.person_id = new.id;`).join('\n')}
      return null;
    end $$`)
    .execute(db);
  await sql`
    create trigger archive_index_users_upd after update on users
    for each row when (old.display_name is distinct from new.display_name) execute function archive_index_users()
  `.execute(db);
  await accessRequests(db);
}

/**
 * Access requests (44 U.S.C. 2205; FOIA once an office's records are open, `records_open_on`):
 * who asks, on what basis, for what (a saved search or a list of records), by when; the notices
 * of 2208 (who was notified when) and the working-day clock they start, with its one extension.
 */
async function accessRequests(db: Kysely<unknown>) {
  await db.schema.alterTable('offices').addColumn('records_open_on', 'date').execute();
  await db.schema
    .createTable('access_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('office_id', 'uuid', (c) => c.notNull().references('offices.id'))
    .addColumn('requester_kind', 'text', (c) => c.notNull())
    .addColumn('requester', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('scope_kind', 'text', (c) => c.notNull())
    .addColumn('scope_search', 'jsonb')
    .addColumn('scope_records', 'jsonb')
    .addColumn('received_on', 'date', (c) => c.notNull())
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('notice_expires_on', 'date')
    .addColumn('extension_days', 'integer')
    .addColumn('extended_to', 'date')
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .execute();
  await sql`create index access_requests_office_idx on access_requests (office_id, status, due_on)`.execute(
    db,
  );
  await db.schema
    .createTable('access_request_notices')
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('access_requests.id'))
    .addColumn('party', 'text', (c) => c.notNull())
    .addColumn('notified_on', 'date', (c) => c.notNull())
    .addColumn('recorded_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_request_notices_pk', ['request_id', 'party'])
    .execute();
}

/**
 * An insert into a table whose rows are keyed by call (call_events): the call's row may be
 * indexed already (its record number was not known), so it is replaced, not added twice.
 */
function tgOpClear(s: (typeof SOURCES)[number]): string {
  return s.key === 'call_id'
    ? `if tg_op = 'INSERT' then ${clear(s.kinds, s.key, 'new_rows', s.rowKey)} end if;`
    : '';
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('access_request_notices').execute();
  await db.schema.dropTable('access_requests').execute();
  await db.schema.alterTable('offices').dropColumn('records_open_on').execute();
  await sql`drop trigger archive_index_users_upd on users`.execute(db);
  await sql`drop function archive_index_users()`.execute(db);
  for (const s of SOURCES) {
    for (const op of ['ins', 'upd', 'del'])
      await sql.raw(`drop trigger archive_index_${s.table}_${op} on ${s.table}`).execute(db);
    await sql.raw(`drop function archive_index_${s.table}()`).execute(db);
  }
  await sql`drop function archive_name_match(text, text)`.execute(db);
  await sql`drop table archive_entries`.execute(db);
  for (const k of Object.keys(KINDS)) await sql.raw(`drop view archive_source_${k}`).execute(db);
  await sql.raw(`create view archive_entries as ${Object.values(KINDS).join(' union all ')}`).execute(db);
}
