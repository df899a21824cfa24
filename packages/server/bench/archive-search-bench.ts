/**
 * Archive search at scale. Figures are printed, never asserted.
 *
 * Captured items are bulk-generated (words drawn in the bench, one INSERT … SELECT unnest per
 * 10,000 items; the index triggers of migration 023 fill `archive_entries` as they would for an
 * import, and those of 033 its name-words table), with a skewed vocabulary of 20,000 words and
 * 300 × 1,000 names. Queries are timed through the archive's own repository search (ranking,
 * total count, snippets, holds, provenance; the audit append of a recorded search is not
 * included) over a fixed mix: one rare-ish word, two words, a phrase, an exclusion, a prefix, a
 * misspelled name, a word with a date range; then five broad words apart.
 *
 * Baselines in the same run: at BENCH_ARCHIVE_BASE items (default 20,000), the same queries run
 * the way migration 017 did (tsvector and trigram similarity computed per query over the source
 * views), when the archive is filled in this run; and at full size, a sample of the misspelled
 * names matched the way migration 023 did (word_similarity of the query against every entry's
 * names, no name-words table), beside the same names through the name-words table.
 *
 * Filling a million items takes a quarter of an hour; it can be done once and kept:
 *   --pg-db NAME   the PostgreSQL database NAME on BENCH_PG_URL's server (created if missing)
 *   --keep         fill the schema `archive_bench` there and keep it (default: a throwaway schema)
 *   --reuse        use the kept schema as it is (filling only what is missing), then time queries
 *   --pg-only / --pglite-only, --items N (PostgreSQL), --pglite-items N, --queries N
 * e.g. fill once:   npx tsx bench/archive-search-bench.ts --pg-only --pg-db hotline_bench_search --keep
 *      time again:  npx tsx bench/archive-search-bench.ts --pg-only --pg-db hotline_bench_search --reuse
 *
 * Env (the flags win): BENCH_ARCHIVE_ITEMS (PostgreSQL, default 1,000,000),
 * BENCH_ARCHIVE_PGLITE_ITEMS (default 100,000), BENCH_ARCHIVE_BASE (default 20,000),
 * BENCH_ARCHIVE_MAX_FILL_S (stop generating after this many seconds, default 900; the size
 * reached is printed, and --reuse goes on from there), BENCH_ARCHIVE_QUERIES (default 200),
 * BENCH_ARCHIVE_BASELINE_NAMES (misspelled names timed the 023 way, default 5, each stopped
 * after 60 s), BENCH_ARCHIVE_SKIP_PGLITE=1, BENCH_PG_URL.
 */
import { sql } from 'kysely';
import { parseQuery } from '../src/archive/queries.js';
import * as repo from '../src/archive/repository.js';
import { type DatabaseHandle, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const PG_DB = option('--pg-db');
const REUSE = flag('--reuse');
const KEEP = REUSE || flag('--keep') || !!process.env.BENCH_ARCHIVE_KEEP;
const PG_ONLY = flag('--pg-only');
const PGLITE_ONLY = flag('--pglite-only');
const PG_SERVER = process.env.BENCH_PG_URL ?? 'postgres://postgres@localhost:5432/test';
const PG_URL = PG_DB ? withDatabase(PG_SERVER, PG_DB) : PG_SERVER;
const PG_N = Number(option('--items') ?? process.env.BENCH_ARCHIVE_ITEMS ?? 1_000_000);
const LITE_N = Number(option('--pglite-items') ?? process.env.BENCH_ARCHIVE_PGLITE_ITEMS ?? 100_000);
const BASE = Number(process.env.BENCH_ARCHIVE_BASE ?? 20_000);
const MAX_FILL_MS = Number(process.env.BENCH_ARCHIVE_MAX_FILL_S ?? 900) * 1000;
const QUERIES = Number(option('--queries') ?? process.env.BENCH_ARCHIVE_QUERIES ?? 200);
const BASELINE_NAMES = Number(process.env.BENCH_ARCHIVE_BASELINE_NAMES ?? 5);
const KEPT_SCHEMA = 'archive_bench';
const BATCH = 10_000;
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const OFFICE = '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a';
const USER = '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6b';
const ACCOUNT = '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6c';

/** A deterministic pseudo-random stream (mulberry32). */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Distinct pronounceable words: consonant-vowel syllables. */
function words(n: number, seed: number, syllables: number): string[] {
  const r = rng(seed);
  const c = 'bdfgklmnprstvz';
  const v = 'aeiou';
  const out = new Set<string>();
  while (out.size < n) {
    let w = '';
    for (let i = 0; i < syllables; i++) w += c[Math.floor(r() * c.length)]! + v[Math.floor(r() * v.length)]!;
    out.add(w);
  }
  return [...out];
}

const VOCAB = words(20_000, 1, 3).map((w) => `${w}n`);
const FIRST = words(300, 2, 2).map((w) => w[0]!.toUpperCase() + w.slice(1));
const LAST = words(1_000, 3, 3).map((w) => `${w[0]!.toUpperCase()}${w.slice(1)}ski`);

/** The schema and the bench's office, person and account; how many items there are already. */
async function setup(h: DatabaseHandle): Promise<number> {
  await migrateToLatest(h.db);
  const have = await sql<{ n: number }>`select count(*)::int as n from captured_items`.execute(h.db);
  if (have.rows[0]!.n > 0) return have.rows[0]!.n;
  await h.db
    .insertInto('offices')
    .values({
      id: OFFICE,
      slug: 'bench',
      name: 'Bench',
      country: 'US',
      leader_title: 'P',
      leader_name: 'P',
      time_zone: 'America/New_York',
    })
    .execute();
  await h.db
    .insertInto('users')
    .values({
      id: USER,
      office_id: OFFICE,
      email: 'leader@bench.example.gov',
      display_name: 'Leader',
      title: 'P',
      time_zone: 'America/New_York',
      roles: ['principal'],
      status: 'active',
      demo_persona: false,
    })
    .execute();
  await h.db
    .insertInto('capture_accounts')
    .values({
      id: ACCOUNT,
      owner_id: USER,
      kind: 'email',
      identifier: 'leader.private@personal.example.com',
      official: false,
      created_at: new Date(),
    })
    .execute();
  return 0;
}

/**
 * Items [from, to) as one statement: subject 6 words, text 30 words, a correspondent. The words
 * are drawn here (VOCAB[n·u³]: a few very common words, a long tail; deterministic per item) and
 * sent as three text arrays that one INSERT … SELECT unnest takes apart; drawing them in SQL
 * from a 20,000-element text[] walked the array for every word (~700 items/s under load).
 */
function insertBatch(h: DatabaseHandle, from: number, to: number) {
  const subjects: string[] = [];
  const correspondents: string[] = [];
  const texts: string[] = [];
  for (let g = from; g < to; g++) {
    const r = rng(g + 1);
    const word = () => VOCAB[Math.floor(VOCAB.length * r() ** 3)]!;
    subjects.push(Array.from({ length: 6 }, word).join(' '));
    correspondents.push(`${FIRST[Math.floor(r() * FIRST.length)]!} ${LAST[Math.floor(r() * LAST.length)]!}`);
    texts.push(Array.from({ length: 30 }, word).join(' '));
  }
  return sql`
    insert into captured_items (id, account_id, kind, source_id, occurred_at, category, summary, record_id, record_seq, import_id)
    select md5('item' || g)::uuid, ${ACCOUNT}, 'email', 'bench-' || g,
      timestamptz '2021-01-20 12:00:00+00' + g * interval '90 seconds',
      case when g % 10 = 0 then 'personal' else 'presidential' end,
      jsonb_build_object('subject', x.subject, 'from', x.correspondent,
        'to', 'leader.private@personal.example.com', 'text', x.text),
      md5('record' || g)::uuid, g, md5('import')::uuid
    from unnest(${subjects}::text[], ${correspondents}::text[], ${texts}::text[]) with ordinality
      as x(subject, correspondent, text, n),
      lateral (select ${from}::int + x.n::int - 1 as g) gg
  `.execute(h.db);
}

/** Grow the archive to n items (or until the time budget is spent); the size reached. */
async function fill(
  h: DatabaseHandle,
  have: number,
  n: number,
  label: string,
  rebuild = false,
): Promise<number> {
  const t0 = performance.now();
  // A bulk load: the triggers still write every index row, but the GIN indexes are built once
  // afterwards, as migration 023 builds them, rather than maintained row by row.
  const gin = rebuild
    ? (
        await sql<{ def: string; name: string }>`
          select indexdef as def, indexname as name from pg_indexes
          where tablename = 'archive_entries' and indexdef like '%USING gin%' and schemaname = current_schema()`.execute(
          h.db,
        )
      ).rows
    : [];
  for (const i of gin) await sql`drop index ${sql.id(i.name)}`.execute(h.db);
  let at = have;
  while (at < n && performance.now() - t0 < MAX_FILL_MS) {
    const next = Math.min(n, at + BATCH);
    await insertBatch(h, at, next);
    at = next;
    const s = (performance.now() - t0) / 1000;
    process.stdout.write(`\r  ${label}: ${fmt(at)} / ${fmt(n)} items (${fmt((at - have) / s)} items/s)   `);
  }
  process.stdout.write('\n');
  if (gin.length) {
    const t1 = performance.now();
    for (const i of gin) await sql.raw(i.def).execute(h.db);
    console.log(`  GIN indexes rebuilt in ${((performance.now() - t1) / 1000).toFixed(0)} s`);
  }
  // Autovacuum's work on a serving database: GIN pending lists merged, statistics current.
  await sql`vacuum analyze archive_entries`.execute(h.db);
  if (at < n) console.log(`  (time budget spent: ${fmt(at)} items, not ${fmt(n)})`);
  return at;
}

/** The query mix, drawn from the long tail of the vocabulary (and a broad one, counted apart). */
const KINDS = ['word', 'two words', 'phrase', 'exclusion', 'prefix', 'misspelled name', 'word + dates'];
type Query = { q: string; kind: string; from?: Date; to?: Date };

function queryMix(count: number): Query[] {
  const r = rng(42);
  const tail = () => VOCAB[2_000 + Math.floor(r() * 16_000)]!;
  const mid = () => VOCAB[200 + Math.floor(r() * 1_800)]!;
  const out: Query[] = [];
  const push = (q: Omit<Query, 'kind'>) => out.push({ ...q, kind: KINDS[out.length % 7]! });
  for (let i = 0; out.length < count; i++) {
    switch (i % 7) {
      case 0:
        push({ q: tail() });
        break;
      case 1:
        push({ q: `${mid()} ${mid()}` });
        break;
      case 2:
        push({ q: `"${mid()} ${tail()}"` });
        break;
      case 3:
        push({ q: `${tail()} -${mid()}` });
        break;
      case 4:
        push({ q: `${tail().slice(0, 5)}*` });
        break;
      case 5: {
        // A misspelled correspondent: one letter of the surname dropped.
        const last = LAST[Math.floor(r() * LAST.length)]!;
        const drop = 1 + Math.floor(r() * (last.length - 2));
        push({ q: last.slice(0, drop) + last.slice(drop + 1) });
        break;
      }
      default: {
        const from = new Date(Date.UTC(2021, 0, 20) + Math.floor(r() * 900) * 86_400_000);
        push({ q: mid(), from, to: new Date(from.getTime() + 30 * 86_400_000) });
      }
    }
  }
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function timeIndex(h: DatabaseHandle, mix: Query[]) {
  const times: number[] = [];
  const totals: number[] = [];
  let capped = 0;
  for (const m of mix) {
    const s: repo.SearchSql = {
      officeId: OFFICE,
      ...parseQuery(m.q),
      ...(m.from ? { from: m.from, to: m.to } : {}),
    };
    const t0 = performance.now();
    const found = await repo.transaction(h.db, (tx) => repo.search(tx, s, 20, 0));
    times.push(performance.now() - t0);
    totals.push(found.estimated ?? found.total);
    if (!found.exact) capped++;
  }
  return { times, totals, capped };
}

/** The same queries as migration 017 ran them: computed per query over the source views. */
async function timeViews(h: DatabaseHandle, mix: Query[]) {
  const times: number[] = [];
  for (const m of mix) {
    const p = parseQuery(m.q);
    const parts = [
      ...(p.web ? [sql`websearch_to_tsquery('english', ${p.web})`] : []),
      ...p.prefixes.map((x) => sql`to_tsquery('english', ${`${x}:*`})`),
    ];
    const tsq = sql`(${sql.join(parts, sql` && `)})`;
    const doc = sql`to_tsvector('english', e.title || ' ' || e.body)`;
    const sim = p.fuzzy ? sql`archive_name_similarity(${p.fuzzy}, e.names)` : sql`0`;
    const match = p.fuzzy ? sql`(${doc} @@ ${tsq} or ${sim} >= 0.5)` : sql`${doc} @@ ${tsq}`;
    const range = m.from ? sql`and e.occurred_at between ${m.from} and ${m.to}` : sql``;
    const t0 = performance.now();
    await sql`
      select e.ref_id, ts_headline('english', e.body, ${tsq}) as snippet, count(*) over () as total
      from archive_source_captured_item e
      where e.office_id = ${OFFICE} and ${match} ${range}
      order by round((coalesce(ts_rank(${doc}, ${tsq}), 0) + ${sim})::numeric, 6) desc, e.occurred_at desc, e.ref_id
      limit 20`.execute(h.db);
    times.push(performance.now() - t0);
  }
  return times;
}

const line = (label: string, xs: number[]) =>
  `${label.padEnd(44)} p50 ${pct(xs, 50).toFixed(1).padStart(7)} ms   p99 ${pct(xs, 99).toFixed(1).padStart(7)} ms   (${xs.length} queries)`;

/**
 * Misspelled names matched as migration 023 did: word_similarity of the query against every
 * entry's names (its trigram index on names is gone with 033, so this reads every entry of the
 * office), ranked and cut to a page as the search does. Each query is stopped after 60 s.
 */
async function timeNames023(h: DatabaseHandle, mix: Query[]) {
  const times: number[] = [];
  let stopped = 0;
  for (const m of mix) {
    const p = parseQuery(m.q);
    const tsq = sql`websearch_to_tsquery('english', ${p.web})`;
    const t0 = performance.now();
    try {
      await repo.transaction(h.db, async (tx) => {
        await sql`set local statement_timeout = '60s'`.execute(tx);
        await sql`
          select e.ref_id from archive_entries e
          where e.office_id = ${OFFICE}
            and (e.doc @@ ${tsq} or archive_name_similarity(${p.fuzzy}, e.names) >= ${repo.NAME_SIMILARITY}::real)
          order by round((coalesce(ts_rank(e.doc, ${tsq}), 0) + archive_name_similarity(${p.fuzzy}, e.names))::numeric, 6) desc,
            e.occurred_at desc, e.ref_id
          limit 20`.execute(tx);
      });
    } catch (err) {
      if (!/statement timeout/.test((err as Error).message)) throw err;
      stopped++;
    }
    times.push(performance.now() - t0);
  }
  return { times, stopped };
}

async function run(
  name: string,
  open: () => Promise<DatabaseHandle>,
  n: number,
  cleanup: (h: DatabaseHandle) => Promise<void>,
) {
  let h: DatabaseHandle;
  try {
    h = await open();
  } catch (err) {
    console.log(`${name}: skipped (${(err as Error).message})`);
    return;
  }
  try {
    console.log(`\n${name}`);
    let have = await setup(h);
    const mix = queryMix(QUERIES);
    if (have > 0) console.log(`  reusing ${fmt(have)} items already there`);
    else {
      const baseMix = mix.slice(0, Math.min(mix.length, 14));
      const f0 = performance.now();
      have = await fill(h, 0, Math.min(BASE, n), 'baseline size');
      console.log(
        `  insert with the index maintained row by row: ${fmt(have / ((performance.now() - f0) / 1000))} items/s (one ${fmt(have)}-row statement)`,
      );
      const vt = await timeViews(h, baseMix);
      const it = await timeIndex(h, baseMix);
      console.log(line(`017 view search, ${fmt(have)} items`, vt));
      console.log(line(`index search, ${fmt(have)} items`, it.times));
      console.log(
        `  index vs view at ${fmt(have)} items: p50 ×${(pct(vt, 50) / pct(it.times, 50)).toFixed(0)} faster, p99 ×${(pct(vt, 99) / pct(it.times, 99)).toFixed(0)} faster`,
      );
    }
    if (n > have) have = await fill(h, have, n, 'full size', true);
    const words = await sql<{ n: number }>`select count(*)::int as n from archive_name_words`.execute(h.db);
    console.log(`  ${fmt(have)} items; ${fmt(words.rows[0]!.n)} distinct name words`);
    await timeIndex(h, mix.slice(0, 10)); // warm the caches as a serving node would be
    const full = await timeIndex(h, mix);
    console.log(line(`windowed index search, ${fmt(have)} items`, full.times));
    for (const k of KINDS)
      console.log(
        line(
          `  ${k}`,
          full.times.filter((_t, i) => mix[i]!.kind === k),
        ),
      );
    console.log(
      `  matches per query: median ${fmt(pct(full.totals, 50))}, max ${fmt(Math.max(...full.totals))} (estimated past ${fmt(repo.SEARCH_WINDOW)}: ${full.capped} queries)`,
    );
    // A broad word (in most documents) ranks most of the archive: the worst case, shown apart.
    const broad = await timeIndex(
      h,
      VOCAB.slice(0, 5).map((q) => ({ q, kind: 'broad' })),
    );
    console.log(line(`  broad words (top 5 of the vocabulary)`, broad.times));
    console.log(`  broad matches (estimated): ${broad.totals.map(fmt).join(', ')}`);
    const all = [...full.times, ...broad.times];
    console.log(line(`overall (mix + broad words), ${fmt(have)} items`, all));
    if (BASELINE_NAMES > 0) {
      // Baseline in this run: the same misspelled names, through the name-words table and the 023 way.
      const names = mix.filter((m) => m.kind === 'misspelled name').slice(0, BASELINE_NAMES);
      const now = full.times.filter((_t, i) => mix[i]!.kind === 'misspelled name').slice(0, names.length);
      const old = await timeNames023(h, names);
      console.log(line(`  misspelled names, name-words table (033)`, now));
      console.log(
        line(`  the same names, similarity over all names (023)`, old.times) +
          (old.stopped ? `  ${old.stopped} stopped at 60 s` : ''),
      );
      console.log(
        `  033 vs 023 on misspelled names: p50 ×${(pct(old.times, 50) / pct(now, 50)).toFixed(0)} faster, max ×${(Math.max(...old.times) / Math.max(...now)).toFixed(0)} faster`,
      );
    }
  } finally {
    await cleanup(h);
  }
}

/** The bench's database on the PostgreSQL server, created if missing. */
async function ensureDatabase(name: string) {
  const admin = await openDatabase({ url: withDatabase(PG_SERVER, 'postgres'), poolSize: 1 });
  try {
    const r = await sql`select 1 from pg_database where datname = ${name}`.execute(admin.db);
    if (r.rows.length === 0) {
      await sql`create database ${sql.id(name)}`.execute(admin.db);
      console.log(`created database ${name}`);
    }
  } finally {
    await admin.close();
  }
}

console.log(
  `\nArchive search (captured items; ${QUERIES} queries: word, two words, phrase, exclusion, prefix, misspelled name, word + date range)`,
);
if (!PGLITE_ONLY) {
  if (PG_DB) await ensureDatabase(PG_DB);
  const schema = KEEP ? KEPT_SCHEMA : `archbench_${Date.now()}`;
  await run(
    `PostgreSQL (${new URL(PG_URL).pathname.slice(1)}, schema ${schema})`,
    () => openDatabase({ url: PG_URL, schema, poolSize: 2 }),
    PG_N,
    async (h) => {
      await h.close();
      if (KEEP) return console.log(`kept schema ${schema}; time it again with --reuse`);
      const admin = await openDatabase({ url: PG_URL, poolSize: 1 });
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db);
      await admin.close();
    },
  );
}
if (!PG_ONLY && !process.env.BENCH_ARCHIVE_SKIP_PGLITE)
  await run(
    'PGlite (in memory)',
    () => openDatabase({}),
    LITE_N,
    (h) => h.close(),
  );
