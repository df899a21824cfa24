import { type Kysely, sql } from 'kysely';

/**
 * The archive at work: search, legal holds, access history.
 *
 * Search runs over `archive_entries`, a plain view: one row per searchable record per office
 * that may see it (calls and their call log to host and counterpart; briefings and memcons to
 * the office that wrote them; readouts to the host, published ones to the counterpart too;
 * captured items to the office of the account's owner). A view is always current with the
 * source tables (nothing to fill, nothing to drift); full-text and trigram matching are computed
 * per query. When the archive outgrows that, the view's columns are the shape of an index table.
 *
 * Legal holds name a matter, a scope (a saved search, resolved to records when placed, or a
 * list of records) and why; `legal_hold_items` are the records a hold covers. A trigger refuses
 * the DELETE of a captured item an active hold covers, whatever code path tries it.
 *
 * `archive_access` is a derived index of the records log: one row per record touched by a
 * search (as a result), a view or a hold change, with the seq of the log entry that says so.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // pg_trgm lives in one schema per database (public, unless it was there before us); the
  // archive calls it through a function of its own schema, so search_path does not matter
  // (tests and deployments may run each Hotline in its own schema).
  await sql`create extension if not exists pg_trgm with schema public`.execute(db);
  const trgm = await sql<{ nspname: string }>`
    select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'
  `.execute(db);
  const trgmSchema = trgm.rows[0]!.nspname.replace(/"/g, '""');
  await sql`
    create function archive_name_similarity(q text, names text) returns real language sql immutable as
    ${sql.raw(`$$ select "${trgmSchema}".word_similarity(q, names) $$`)}
  `.execute(db);
  // The text of a JSON document (memcons, call-log details, captured items' summaries): its
  // string values, without keys and punctuation, so matches and snippets read as prose.
  await sql`
    create function archive_text(doc jsonb) returns text language sql immutable as $$
      select coalesce(string_agg(v #>> '{}', ' '), '')
      from jsonb_path_query(doc, 'strict $.**') v where jsonb_typeof(v) = 'string'
    $$
  `.execute(db);
  await sql`
    create view archive_entries as
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
    ) o
    union all
    select 'briefing', b.id, b.call_id, b.office_id, 'briefing',
      ('Briefing v' || b.version || ': ' || c.purpose),
      concat_ws(' ', b.background_md, b.objectives_md, b.talking_points_md),
      concat_ws(' ', c.counterpart_leader, u.display_name),
      b.created_at, null, null, b.author_id, b.record_seq
    from briefings b join calls c on c.id = b.call_id join users u on u.id = b.author_id
    union all
    select 'memcon', m.id, m.call_id, m.office_id, 'memcon',
      ('Memcon v' || m.version || ': ' || c.purpose),
      archive_text(m.document),
      concat_ws(' ', c.counterpart_leader, u.display_name),
      m.created_at, m.classification, null, m.author_id, m.record_seq
    from memcons m join calls c on c.id = m.call_id join users u on u.id = m.author_id
    union all
    select 'readout', r.id, r.call_id, o.office_id, 'readout',
      r.title, r.body_md,
      concat_ws(' ', c.counterpart_leader, u.display_name),
      r.created_at, null, null, r.author_id, r.record_seq
    from readouts r join calls c on c.id = r.call_id join users u on u.id = r.author_id
    cross join lateral (
      select distinct x as office_id
      from unnest(case when r.status = 'published'
        then array[c.owner_office_id, c.counterpart_office_id, c.requesting_office_id]
        else array[c.owner_office_id] end) x
      where x is not null
    ) o
    union all
    select 'call_log', l.id, l.call_id, o.office_id, 'call_log',
      ('Call log: ' || l.kind || ' (' || c.purpose || ')'),
      concat_ws(' ', l.kind, archive_text(l.details)),
      concat_ws(' ', c.counterpart_leader, u.display_name),
      l.at, null, null, l.user_id, l.record_seq
    from call_log_entries l join calls c on c.id = l.call_id left join users u on u.id = l.user_id
    cross join lateral (
      select distinct x as office_id
      from unnest(array[c.owner_office_id, c.counterpart_office_id, c.requesting_office_id]) x
      where x is not null
    ) o
    union all
    select 'captured_item', i.id, null, u.office_id, i.kind,
      coalesce(i.summary->>'subject', i.kind || ' ' || coalesce(i.summary->>'from', '')),
      concat_ws(' ', i.summary->>'subject', archive_text(i.summary - 'subject' - 'attachments' - 'photoGps')),
      concat_ws(' ', u.display_name, archive_text(i.summary->'from'), archive_text(i.summary->'to'),
        archive_text(i.summary->'cc'), i.summary->>'contactName', i.summary->>'number'),
      i.occurred_at, i.category, i.account_id, a.owner_id, i.record_seq
    from captured_items i join capture_accounts a on a.id = i.account_id join users u on u.id = a.owner_id
  `.execute(db);

  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('office_id', 'uuid', (c) => c.notNull().references('offices.id'))
    .addColumn('matter', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('scope_kind', 'text', (c) => c.notNull())
    .addColumn('scope_search', 'jsonb')
    .addColumn('placed_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('placed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .addColumn('released_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('released_at', 'timestamptz')
    .addColumn('release_reason', 'text')
    .addColumn('release_seq', 'bigint')
    .execute();
  await db.schema
    .createTable('legal_hold_items')
    .addColumn('hold_id', 'uuid', (c) => c.notNull().references('legal_holds.id'))
    .addColumn('ref_kind', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'uuid', (c) => c.notNull())
    .addPrimaryKeyConstraint('legal_hold_items_pk', ['hold_id', 'ref_kind', 'ref_id'])
    .execute();
  await sql`create index legal_hold_items_ref_idx on legal_hold_items (ref_kind, ref_id)`.execute(db);
  await sql`
    create function refuse_held_captured_item_delete() returns trigger language plpgsql as $$
    begin
      if exists (
        select 1 from legal_hold_items i join legal_holds h on h.id = i.hold_id
        where i.ref_kind = 'captured_item' and i.ref_id = old.id and h.released_at is null
      ) then
        raise exception 'captured item % is under legal hold', old.id using errcode = 'P0001';
      end if;
      return old;
    end $$
  `.execute(db);
  await sql`
    create trigger captured_items_legal_hold before delete on captured_items
    for each row execute function refuse_held_captured_item_delete()
  `.execute(db);

  await db.schema
    .createTable('archive_access')
    .addColumn('ref_kind', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'uuid', (c) => c.notNull())
    .addColumn('office_id', 'uuid', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'uuid', (c) => c.notNull())
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index archive_access_ref_idx on archive_access (ref_kind, ref_id, record_seq)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('archive_access').execute();
  await sql`drop trigger captured_items_legal_hold on captured_items`.execute(db);
  await sql`drop function refuse_held_captured_item_delete()`.execute(db);
  await db.schema.dropTable('legal_hold_items').execute();
  await db.schema.dropTable('legal_holds').execute();
  await sql`drop view archive_entries`.execute(db);
  await sql`drop function archive_text(jsonb)`.execute(db);
  await sql`drop function archive_name_similarity(text, text)`.execute(db);
}
