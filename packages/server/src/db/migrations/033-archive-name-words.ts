import { type Kysely, sql } from 'kysely';

/**
 * Misspelled names without a trigram scan of the archive. Migration 023 matched a misspelled
 * name by `word_similarity(query, names) >= 0.5` through a trigram GIN index on every entry's
 * `names`: a name's trigrams (`ski`, `ead`, …) are in a large share of all names, so the index
 * handed back a third of a million-record archive to recheck (p99 36 s at 1,000,000 items).
 *
 * As pg_trgm's documentation recommends, misspellings are now matched against the distinct
 * words of names, a small table (thousands of rows, not millions):
 *
 * - `archive_entries.name_words`: the words of an entry's `names` (lower case, split at
 *   white space, each once), a stored generated column with a GIN index (`&&`, exact words).
 * - `archive_name_words (office_id, word)`: every word in some entry's `name_words`, per office
 *   (a search never sees another office's names), with a trigram GIN index on `word`.
 *
 * A search finds the words like each query word (`archive_name_match`, the index), then the
 * entries holding any of them (`name_words && …`, the GIN index), and keeps only those whose
 * `names` are as alike as before (word_similarity ≥ 0.5): see archive/repository.ts.
 *
 * The words table is kept by statement-level triggers on `archive_entries` itself, the one
 * place every write of the index passes (023's triggers on seven source tables and on users
 * all write there, in the writer's transaction): an insert adds its new words, a delete (a
 * disposal, a re-indexed call, a renamed person) removes the words no entry of the office holds
 * any more. Doing it in each of 023's trigger functions instead would mean redefining all of
 * them. Concurrency: an insert takes a KEY SHARE lock on the words it finds (shared: inserters
 * never wait for each other) before adding the missing ones, and a delete locks the words it
 * found unused and checks again in a new statement; so a word a concurrent transaction is
 * adding an entry for is never removed from under it. The migration fills the table for the
 * entries already there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const trgm = await sql<{ nspname: string }>`
    select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'
  `.execute(db);
  const trgmSchema = `"${trgm.rows[0]!.nspname.replace(/"/g, '""')}"`;

  await sql`
    create function archive_name_tokens(names text) returns text[] language sql immutable parallel safe as $$
      select coalesce(array_agg(distinct t order by t), '{}'::text[])
      from regexp_split_to_table(lower(names), '[[:space:]]+') t where t <> ''
    $$`.execute(db);
  // A stored column: the table is rewritten once here; afterwards each write computes it.
  await sql`alter table archive_entries
    add column name_words text[] generated always as (archive_name_tokens(names)) stored`.execute(db);
  await sql`create index archive_entries_name_words_idx on archive_entries using gin (name_words)`.execute(
    db,
  );
  // Nothing reads the trigram index on the whole `names` any more; it cost every write.
  await sql`drop index archive_entries_names_idx`.execute(db);

  await sql`
    create table archive_name_words (
      office_id uuid not null,
      word text not null,
      primary key (office_id, word)
    )`.execute(db);
  await sql`
    insert into archive_name_words (office_id, word)
    select distinct e.office_id, w from archive_entries e cross join lateral unnest(e.name_words) w`.execute(
    db,
  );
  await sql
    .raw(
      `create index archive_name_words_trgm_idx on archive_name_words using gin (word ${trgmSchema}.gin_trgm_ops)`,
    )
    .execute(db);

  // The entries' words, added: the ones already there locked against removal (KEY SHARE, which
  // never waits for another inserter), then the missing ones inserted in a new statement.
  await sql`
    create function archive_name_words_add() returns trigger language plpgsql as $$
    begin
      perform 1 from archive_name_words a
      where (a.office_id, a.word) in (select n.office_id, w from new_rows n cross join lateral unnest(n.name_words) w)
      order by a.office_id, a.word for key share;
      insert into archive_name_words (office_id, word)
      select distinct n.office_id, w from new_rows n cross join lateral unnest(n.name_words) w
      order by 1, 2
      on conflict do nothing;
      return null;
    end $$`.execute(db);
  await removal(db);
  await sql`create trigger archive_name_words_ins after insert on archive_entries
    referencing new table as new_rows for each statement execute function archive_name_words_add()`.execute(
    db,
  );
  await sql`create trigger archive_name_words_upd_add after update on archive_entries
    referencing new table as new_rows for each statement execute function archive_name_words_add()`.execute(
    db,
  );
  await sql`create trigger archive_name_words_upd_remove after update on archive_entries
    referencing old table as old_rows for each statement execute function archive_name_words_remove()`.execute(
    db,
  );
  await sql`create trigger archive_name_words_del after delete on archive_entries
    referencing old table as old_rows for each statement execute function archive_name_words_remove()`.execute(
    db,
  );
}

/**
 * The removed entries' words that no entry of the office holds any more: found, locked (a
 * concurrent inserter holding one commits first), checked again with a new snapshot, deleted.
 *
 * Whether a word is still held is asked in two steps, because no one plan answers it fast for
 * every word. First the office's newest PROBE entries, in date order (its index): a common word
 * (the owner's name, in every item) is there, and asking the GIN index for it would read its
 * whole posting list, a million entries (a second per disposal at 1,000,000 items). The words
 * not found there are rarer, and `archive_name_words_unheld` asks the GIN index on name_words
 * for each, with bitmap scans only: a walk of the office's rows, which a planner expecting an
 * early match may prefer, would read the whole archive for a word that is really gone.
 * Exported for a rerun on a kept bench database (`create or replace`).
 */
export const PROBE = 1_000;
export async function removal(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function archive_name_words_unheld(offices uuid[], words text[])
    returns table (office_id uuid, word text) language sql stable
    set enable_seqscan = off set enable_indexscan = off set enable_indexonlyscan = off as $$
      select g.office_id, g.word from unnest(offices, words) g(office_id, word)
      where not exists (select 1 from archive_entries e where e.name_words @> array[g.word] and e.office_id = g.office_id)
    $$`.execute(db);
  await sql
    .raw(`
    create or replace function archive_name_words_remove() returns trigger language plpgsql as $$
    declare
      offices uuid[];
      words text[];
    begin
      -- The removed rows' words not in the office's newest entries.
      select array_agg(g.office_id order by g.office_id, g.word), array_agg(g.word order by g.office_id, g.word)
      into offices, words
      from (select distinct o.office_id, w as word from old_rows o cross join lateral unnest(o.name_words) w) g
      where not exists (
        select 1 from (
          select e.name_words from archive_entries e where e.office_id = g.office_id
          order by e.occurred_at desc limit ${PROBE}
        ) recent where recent.name_words @> array[g.word]);
      if words is null then return null; end if;
      -- Of those, the ones no entry holds (the GIN index).
      select array_agg(u.office_id order by u.office_id, u.word), array_agg(u.word order by u.office_id, u.word)
      into offices, words
      from archive_name_words_unheld(offices, words) u;
      if words is null then return null; end if;
      perform 1 from archive_name_words a
      where (a.office_id, a.word) in (select * from unnest(offices, words))
      order by a.office_id, a.word for update;
      -- A new statement, a new snapshot: an inserter that held a lock on one has committed.
      delete from archive_name_words a
      where (a.office_id, a.word) in (select * from archive_name_words_unheld(offices, words));
      return null;
    end $$`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['ins', 'upd_add', 'upd_remove', 'del'])
    await sql.raw(`drop trigger archive_name_words_${t} on archive_entries`).execute(db);
  await sql`drop function archive_name_words_add()`.execute(db);
  await sql`drop function archive_name_words_remove()`.execute(db);
  await sql`drop function archive_name_words_unheld(uuid[], text[])`.execute(db);
  await sql`drop table archive_name_words`.execute(db);
  const trgm = await sql<{ nspname: string }>`
    select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'
  `.execute(db);
  const trgmSchema = `"${trgm.rows[0]!.nspname.replace(/"/g, '""')}"`;
  await sql
    .raw(
      `create index archive_entries_names_idx on archive_entries using gin (names ${trgmSchema}.gin_trgm_ops)`,
    )
    .execute(db);
  await sql`alter table archive_entries drop column name_words`.execute(db);
  await sql`drop function archive_name_tokens(text)`.execute(db);
}
