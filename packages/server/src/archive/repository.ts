import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type {
  AccessRequestNoticesTable,
  AccessRequestsTable,
  ArchiveAccessTable,
  ArchiveExportsTable,
  ArchiveRedactedCopiesTable,
  DisposalRequestsTable,
  LegalHoldsTable,
} from '../db/tables/archive.js';

/** The archive domain's database access: queries only, no rules (the services decide). */
export type Db = Kysely<Database>;

export function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

/** A search as SQL sees it: the parsed text query and the filters, all parameters. */
export interface SearchSql {
  officeId: string;
  /** websearch_to_tsquery input (phrases, -exclusion, or); '' when none. */
  web: string;
  /** Words to match as prefixes (`word*`), letters and digits only. */
  prefixes: string[];
  /** The raw text for trigram matching of names; '' when none. */
  fuzzy: string;
  /**
   * The words of names (archive_name_words) like a word of `fuzzy`, found by `nameWords`; the
   * search reads entries holding one of them. Resolved by the search itself when absent.
   */
  nameWords?: string[];
  person?: string;
  account?: string;
  kind?: string;
  from?: Date;
  to?: Date;
  classification?: string;
  held?: boolean;
  /** Only these captured items (the 20-day filter, computed by the rule in TypeScript). */
  capturedIds?: string[];
}

/** How alike a name must be to the query (pg_trgm word_similarity via archive_name_similarity, 0..1). */
export const NAME_SIMILARITY = 0.5;

function tsQuery(s: SearchSql): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (s.web.trim()) parts.push(sql`websearch_to_tsquery('english', ${s.web})`);
  for (const p of s.prefixes) parts.push(sql`to_tsquery('english', ${`${p}:*`})`);
  if (parts.length === 0) return sql`null::tsquery`;
  return sql`(${sql.join(parts, sql` && `)})`;
}

const DOC = sql`e.doc`;
const HELD = sql`exists (select 1 from legal_hold_items hi join legal_holds h on h.id = hi.hold_id
  where hi.ref_kind = e.ref_kind and hi.ref_id = e.ref_id and h.released_at is null and h.office_id = e.office_id)`;

/** The trigram threshold for this transaction (archive_name_match reads it; the index answers it). */
function nameThreshold(db: Db) {
  return sql`select set_config('pg_trgm.word_similarity_threshold', ${String(NAME_SIMILARITY)}, true)`.execute(
    db,
  );
}

/** At most this many name words stand for a misspelled query (the most alike first). */
export const NAME_WORDS_CAP = 500;
/** Of which at most this many are highlighted in snippets. */
const HIGHLIGHT_NAME_WORDS = 20;

/**
 * The words of the office's names (archive_name_words, a few thousand rows) as alike to a word
 * of the query as a name must be (word_similarity ≥ NAME_SIMILARITY, through the table's
 * trigram index), most alike first. An entry whose names are alike to the query through one of
 * its words holds one of these: the search then needs the GIN index on `name_words` only, never
 * a trigram scan of every entry's names.
 */
export async function nameWords(db: Db, officeId: string, fuzzy: string): Promise<string[]> {
  const words = [...new Set(fuzzy.toLowerCase().split(/\s+/).filter(Boolean))];
  if (words.length === 0) return [];
  const run = async (tx: Db) => {
    await nameThreshold(tx);
    const r = await sql<{ word: string }>`
      select w.word from archive_name_words w
      where w.office_id = ${officeId}
        and (${sql.join(
          words.map((q) => sql`archive_name_match(${q}, w.word)`),
          sql` or `,
        )})
      order by greatest(${sql.join(words.map((q) => sql`archive_name_similarity(${q}, w.word)`))}) desc, w.word
      limit ${NAME_WORDS_CAP}`.execute(tx);
    return r.rows.map((x) => x.word);
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** The search with its name words found (when it matches names and they are not found yet). */
export async function withNameWords(db: Db, s: SearchSql): Promise<SearchSql> {
  if (!s.fuzzy || s.nameWords) return s;
  return { ...s, nameWords: await nameWords(db, s.officeId, s.fuzzy) };
}

/**
 * Names alike to the query: an entry holding one of the query's name words (GIN on
 * name_words), whose names are as alike to the query as 023 required (word_similarity of the
 * whole query against the names, ≥ NAME_SIMILARITY), computed for those entries only.
 */
function nameMatch(s: SearchSql): RawBuilder<unknown> | null {
  if (!s.fuzzy) return null;
  if (!s.nameWords)
    throw new Error(
      'A search matching names needs its name words first (archive/repository.ts withNameWords).',
    );
  if (s.nameWords.length === 0) return null;
  return sql`(e.name_words && ${s.nameWords}::text[] and archive_name_similarity(${s.fuzzy}, e.names) >= ${NAME_SIMILARITY}::real)`;
}

function where(s: SearchSql, tsq: RawBuilder<unknown>): RawBuilder<unknown> {
  const conds: RawBuilder<unknown>[] = [sql`e.office_id = ${s.officeId}`];
  const text = s.web.trim() || s.prefixes.length > 0;
  const names = text ? nameMatch(s) : null;
  if (names) conds.push(sql`(${DOC} @@ ${tsq} or ${names})`);
  else if (text) conds.push(sql`${DOC} @@ ${tsq}`);
  if (s.person) conds.push(sql`e.person_id = ${s.person}`);
  if (s.account) conds.push(sql`e.account_id = ${s.account}`);
  if (s.kind) conds.push(sql`(e.kind = ${s.kind} or e.ref_kind = ${s.kind})`);
  if (s.from) conds.push(sql`e.occurred_at >= ${s.from}`);
  if (s.to) conds.push(sql`e.occurred_at <= ${s.to}`);
  if (s.classification) conds.push(sql`e.classification = ${s.classification}`);
  if (s.held !== undefined) conds.push(s.held ? HELD : sql`not ${HELD}`);
  if (s.capturedIds)
    conds.push(
      s.capturedIds.length
        ? sql`e.ref_kind = 'captured_item' and e.ref_id in (${sql.join(s.capturedIds)})`
        : sql`false`,
    );
  return sql.join(conds, sql` and `);
}

/**
 * The WHERE of a search over `archive_entries e` (the transfer's scope is a search too); a
 * search matching names needs its name words found first (withNameWords; toSql does).
 */
export function searchCondition(s: SearchSql): RawBuilder<unknown> {
  return where(s, tsQuery(s));
}

export interface HitRow {
  ref_kind: string;
  ref_id: string;
  kind: string;
  call_id: string | null;
  title: string;
  snippet: string;
  rank: number;
  occurred_at: Date;
  classification: string | null;
  held: boolean;
  record_seq: string | null;
  sequenced_at: Date | null;
  counted: string;
}

/**
 * How many matches a search counts and ranks. Beyond it a search is a "2,000+" search: the
 * count stops (the planner's estimate is given instead, "about 87,650"), and the best results
 * are taken among the newest SEARCH_WINDOW matches, found in date order through the
 * (office_id, occurred_at) index, so a word in most of the archive never ranks or counts the
 * whole archive. Paging stays inside the window (100 pages of 20; as Elasticsearch's
 * max_result_window does); narrowing the search (dates, kind, more words) reaches the rest.
 */
export const SEARCH_WINDOW = 2_000;

/** Names are matched by trigram similarity only when the words themselves find fewer than this. */
export const FUZZY_BELOW = 20;

export interface SearchPage {
  rows: HitRow[];
  /** Matches counted: exact when `exact`, else the window (there are more). */
  total: number;
  exact: boolean;
  /** The planner's estimate of all matches when the count stopped at the window; null when exact. */
  estimated: number | null;
}

/**
 * One page of a search, best first: ts_rank of the text match plus the name similarity,
 * then newest, then by reference (a total order, so both databases page identically), among
 * the newest `window` matches (all of them when there are no more). The window is fetched on
 * the indexes alone; ranks are computed for its rows only, snippets, holds and provenance for
 * the page's rows only.
 */
export async function search(
  db: Db,
  s: SearchSql,
  limit: number,
  offset: number,
  window = SEARCH_WINDOW,
): Promise<SearchPage> {
  const text = !!(s.web.trim() || s.prefixes.length > 0);
  const q = await withFuzzyIfNeeded(db, s, text);
  const tsq = tsQuery(q);
  const rank = text
    ? sql`round((coalesce(ts_rank(e.doc, ${tsq}), 0) + ${q.fuzzy ? sql`archive_name_similarity(${q.fuzzy}, e.names)` : sql`0`})::numeric, 6)::float8`
    : sql`0::float8`;
  // A misspelled name is highlighted as the name words it was taken for (the most alike first).
  const lit =
    q.fuzzy && q.nameWords?.length
      ? sql`(${tsq} || ${sql.join(
          q.nameWords.slice(0, HIGHLIGHT_NAME_WORDS).map((w) => sql`plainto_tsquery('english', ${w})`),
          sql` || `,
        )})`
      : tsq;
  const snippet = text
    ? sql`ts_headline('english', e.body, ${lit}, 'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=10, MaxFragments=2')`
    : sql`left(e.body, 200)`;
  // The window's rows carry only their key, date and rank (never the documents), so it stays in
  // memory; one row past the window says that there are more. Names are matched through exact
  // name words (GIN), so the planner's estimates hold and it may walk the date index or not.
  const r = await sql<HitRow>`
    with cand as materialized (
      select e.ref_kind, e.ref_id, e.office_id, e.occurred_at, ${rank} as rank
      from archive_entries e
      where ${where(q, tsq)}
      order by e.occurred_at desc, e.ref_kind, e.ref_id
      limit ${window + 1}
    ),
    win as (
      select c.* from cand c
      order by c.occurred_at desc, c.ref_kind, c.ref_id
      limit ${window}
    ),
    page as (
      select w.*, (select count(*) from cand) as counted
      from win w
      order by w.rank desc, w.occurred_at desc, w.ref_kind, w.ref_id
      limit ${limit} offset ${offset}
    )
    select e.ref_kind, e.ref_id, e.kind, e.call_id, e.title, ${snippet} as snippet, p.rank,
      e.occurred_at, e.classification, ${HELD} as held, e.record_seq, r.at as sequenced_at, p.counted
    from page p
    join archive_entries e on e.ref_kind = p.ref_kind and e.ref_id = p.ref_id and e.office_id = p.office_id
    left join records r on r.seq = e.record_seq
    order by p.rank desc, p.occurred_at desc, p.ref_kind, p.ref_id
  `.execute(db);
  let counted = r.rows.length ? Number(r.rows[0]!.counted) : 0;
  // A page past the end has no rows to carry the count: count the window alone.
  if (r.rows.length === 0 && offset > 0) counted = await countUpTo(db, q, window + 1);
  const exact = counted <= window;
  return {
    rows: r.rows,
    total: Math.min(counted, window),
    exact,
    estimated: exact ? null : Math.max(window + 1, await estimate(db, q)),
  };
}

/**
 * The search with its name match kept only when the words alone find too little (then with
 * its name words found).
 */
async function withFuzzyIfNeeded(db: Db, s: SearchSql, text: boolean): Promise<SearchSql> {
  if (!s.fuzzy || !text) return s;
  const plain = { ...s, fuzzy: '' };
  return (await countUpTo(db, plain, FUZZY_BELOW)) < FUZZY_BELOW ? withNameWords(db, s) : plain;
}

async function countUpTo(db: Db, s: SearchSql, cap: number): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from (select 1 from archive_entries e where ${where(s, tsQuery(s))} limit ${cap}) x`.execute(
    db,
  );
  return r.rows[0]!.n;
}

/** The planner's row estimate for the search's matches (EXPLAIN, no execution). */
async function estimate(db: Db, s: SearchSql): Promise<number> {
  const r = await sql<{ 'QUERY PLAN': unknown }>`
    explain (format json) select 1 from archive_entries e where ${where(s, tsQuery(s))}`.execute(db);
  const raw = r.rows[0]?.['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: { 'Plan Rows': number } }[];
  return Math.round(plan[0]?.Plan['Plan Rows'] ?? 0);
}

/** Every record a search matches (a saved-search hold's scope), up to `cap`. */
export async function searchRefs(db: Db, search: SearchSql, cap: number) {
  const s = await withNameWords(db, search);
  const r = await sql<{ ref_kind: string; ref_id: string }>`
    select e.ref_kind, e.ref_id from archive_entries e
    where ${where(s, tsQuery(s))}
    order by e.ref_kind, e.ref_id limit ${cap}
  `.execute(db);
  return r.rows;
}

export function findEntry(db: Db, officeId: string, refKind: string, refId: string) {
  return db
    .selectFrom('archive_entries as e')
    .leftJoin('records as r', 'r.seq', 'e.record_seq')
    .select([
      'e.ref_kind',
      'e.ref_id',
      'e.kind',
      'e.call_id',
      'e.title',
      'e.body',
      'e.names',
      'e.occurred_at',
      'e.classification',
      'e.record_seq',
      'r.at as sequenced_at',
      'r.kind as record_kind',
    ])
    .where('e.office_id', '=', officeId)
    .where('e.ref_kind', '=', refKind)
    .where('e.ref_id', '=', refId)
    .executeTakeFirst();
}

export function activeHoldsOn(db: Db, officeId: string, refKind: string, refId: string) {
  return db
    .selectFrom('legal_hold_items as i')
    .innerJoin('legal_holds as h', 'h.id', 'i.hold_id')
    .select(['h.id', 'h.matter'])
    .where('h.office_id', '=', officeId)
    .where('h.released_at', 'is', null)
    .where('i.ref_kind', '=', refKind)
    .where('i.ref_id', '=', refId)
    .orderBy('h.placed_at')
    .execute();
}

export function visibleRefs(db: Db, officeId: string, refs: { refKind: string; refId: string }[]) {
  if (refs.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('archive_entries')
    .select(['ref_kind', 'ref_id'])
    .where('office_id', '=', officeId)
    .where((eb) =>
      eb.or(refs.map((r) => eb.and([eb('ref_kind', '=', r.refKind), eb('ref_id', '=', r.refId)]))),
    )
    .execute();
}

/** Lock captured items (held or disposed, one at a time): the rows that still exist. */
export function lockCapturedItems(db: Db, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('captured_items')
    .select('id')
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
}

export function insertHold(db: Db, row: LegalHoldsTable) {
  return db.insertInto('legal_holds').values(row).execute();
}

export function insertHoldItems(db: Db, holdId: string, refs: { ref_kind: string; ref_id: string }[]) {
  if (refs.length === 0) return Promise.resolve();
  return db
    .insertInto('legal_hold_items')
    .values(refs.map((r) => ({ hold_id: holdId, ref_kind: r.ref_kind, ref_id: r.ref_id })))
    .execute()
    .then(() => undefined);
}

export function findHoldForUpdate(db: Db, id: string) {
  return db.selectFrom('legal_holds').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function holdItems(db: Db, holdId: string) {
  return db
    .selectFrom('legal_hold_items')
    .select(['ref_kind', 'ref_id'])
    .where('hold_id', '=', holdId)
    .execute();
}

export function releaseHold(
  db: Db,
  id: string,
  v: { released_by: string; released_at: Date; release_reason: string; release_seq: number },
) {
  return db
    .updateTable('legal_holds')
    .set({ ...v, release_seq: String(v.release_seq) })
    .where('id', '=', id)
    .execute();
}

export function listHolds(db: Db, officeId: string) {
  return db
    .selectFrom('legal_holds as h')
    .selectAll('h')
    .select((eb) =>
      eb
        .selectFrom('legal_hold_items as i')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('i.hold_id', '=', 'h.id')
        .as('items'),
    )
    .where('h.office_id', '=', officeId)
    .orderBy('h.placed_at', 'desc')
    .orderBy('h.id')
    .execute();
}

export function insertAccess(db: Db, rows: ArchiveAccessTable[]) {
  if (rows.length === 0) return Promise.resolve();
  return db
    .insertInto('archive_access')
    .values(rows)
    .execute()
    .then(() => undefined);
}

export function accessHistory(db: Db, officeId: string, refKind: string, refId: string) {
  return db
    .selectFrom('archive_access as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .select(['a.action', 'a.actor_id', 'u.display_name', 'a.at', 'a.record_seq'])
    .where('a.office_id', '=', officeId)
    .where('a.ref_kind', '=', refKind)
    .where('a.ref_id', '=', refId)
    .orderBy('a.record_seq')
    .execute();
}

/** A captured item for disposal, with its office (its account owner's). */
export function findCapturedItemForUpdate(db: Db, id: string) {
  return db
    .selectFrom('captured_items as i')
    .innerJoin('capture_accounts as a', 'a.id', 'i.account_id')
    .innerJoin('users as u', 'u.id', 'a.owner_id')
    .select(['i.id', 'i.category', 'i.record_id', 'u.office_id', 'a.official'])
    .where('i.id', '=', id)
    .forUpdate(['i'])
    .executeTakeFirst();
}

export function activeHoldsOnCapturedItem(db: Db, id: string) {
  return db
    .selectFrom('legal_hold_items as i')
    .innerJoin('legal_holds as h', 'h.id', 'i.hold_id')
    .select(['h.id', 'h.matter'])
    .where('h.released_at', 'is', null)
    .where('i.ref_kind', '=', 'captured_item')
    .where('i.ref_id', '=', id)
    .execute();
}

export async function deleteCapturedItem(db: Db, id: string) {
  await db.deleteFrom('off_channel_alerts').where('captured_item_id', '=', id).execute();
  await db.deleteFrom('captured_items').where('id', '=', id).execute();
}

// Access requests: dates travel as YYYY-MM-DD text (a `date` column would come back as a
// local-time Date from node-postgres).

export function officeRecordsOpenOn(db: Db, officeId: string) {
  return db
    .selectFrom('offices')
    .select(sql<string | null>`records_open_on::text`.as('records_open_on'))
    .where('id', '=', officeId)
    .executeTakeFirst();
}

export function insertAccessRequest(db: Db, row: AccessRequestsTable) {
  return db
    .insertInto('access_requests')
    .values({
      ...row,
      scope_records: row.scope_records === null ? null : JSON.stringify(row.scope_records),
    } as never)
    .execute();
}

const REQUEST_COLS = sql`r.id, r.office_id, r.requester_kind, r.requester, r.legal_basis, r.scope_kind,
  r.scope_search, r.scope_records, r.received_on::text as received_on, r.due_on::text as due_on, r.status,
  r.notice_expires_on::text as notice_expires_on, r.extension_days, r.extended_to::text as extended_to,
  r.created_by, r.created_at, r.record_seq`;

export async function findAccessRequestForUpdate(db: Db, id: string) {
  const r =
    await sql<AccessRequestsTable>`select ${REQUEST_COLS} from access_requests r where r.id = ${id} for update`.execute(
      db,
    );
  return r.rows[0];
}

export function updateAccessRequest(
  db: Db,
  id: string,
  v: Partial<Pick<AccessRequestsTable, 'status' | 'notice_expires_on' | 'extension_days' | 'extended_to'>>,
) {
  return db.updateTable('access_requests').set(v).where('id', '=', id).execute();
}

export function insertNotice(db: Db, row: AccessRequestNoticesTable) {
  return db.insertInto('access_request_notices').values(row).execute();
}

export async function notices(db: Db, requestIds: string[]) {
  if (requestIds.length === 0) return [];
  const r = await sql<AccessRequestNoticesTable>`
    select request_id, party, notified_on::text as notified_on, recorded_by, record_seq
    from access_request_notices where request_id in (${sql.join(requestIds)}) order by notified_on, party`.execute(
    db,
  );
  return r.rows;
}

/** The office's requests not yet answered, soonest due first. */
export async function openAccessRequests(db: Db, officeId: string) {
  const r = await sql<AccessRequestsTable>`
    select ${REQUEST_COLS} from access_requests r
    where r.office_id = ${officeId} and r.status <> 'answered'
    order by r.due_on, r.created_at, r.id`.execute(db);
  return r.rows;
}

export function insertRedactedCopy(db: Db, row: ArchiveRedactedCopiesTable) {
  return db
    .insertInto('archive_redacted_copies')
    .values({ ...row, redactions: JSON.stringify(row.redactions) as never })
    .execute();
}

export function findRedactedCopy(db: Db, officeId: string, id: string) {
  return db
    .selectFrom('archive_redacted_copies')
    .selectAll()
    .where('office_id', '=', officeId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function redactedCopiesOf(db: Db, officeId: string, refKind: string, refId: string) {
  return db
    .selectFrom('archive_redacted_copies')
    .selectAll()
    .where('office_id', '=', officeId)
    .where('ref_kind', '=', refKind)
    .where('ref_id', '=', refId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function redactedCopiesForRequest(db: Db, officeId: string, requestId: string) {
  return db
    .selectFrom('archive_redacted_copies')
    .selectAll()
    .where('office_id', '=', officeId)
    .where('request_id', '=', requestId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function insertExport(db: Db, row: ArchiveExportsTable) {
  return db
    .insertInto('archive_exports')
    .values({
      ...row,
      copies: JSON.stringify(row.copies) as never,
      files: JSON.stringify(row.files) as never,
    })
    .execute();
}

// Disposal requests (dates as YYYY-MM-DD text, like access requests).

const DISPOSAL_COLUMNS = sql`d.id, d.office_id, d.item_id, d.basis, d.kept_copy_id, d.reason, d.archivist_views,
  d.archivist_views_on::text as archivist_views_on, d.eligible_on::text as eligible_on, d.requested_by,
  d.requested_at, d.record_seq, d.disposed_by, d.disposed_at, d.disposed_seq, d.withdrawn_by, d.withdrawn_at,
  d.withdrawn_reason, d.withdrawn_seq`;

/** Another captured item of the office holding the same message (same kind and source id), not itself up for disposal. */
export async function keptCopyOf(db: Db, officeId: string, itemId: string) {
  const r = await sql<{ id: string }>`
    select o.id from captured_items i
    join captured_items o on o.kind = i.kind and o.source_id = i.source_id and o.id <> i.id
    join capture_accounts a on a.id = o.account_id join users u on u.id = a.owner_id
    where i.id = ${itemId} and u.office_id = ${officeId}
      and not exists (select 1 from disposal_requests d where d.item_id = o.id and d.disposed_at is null
        and d.withdrawn_at is null)
    order by o.id limit 1 for update of o`.execute(db);
  return r.rows[0]?.id ?? null;
}

export function insertDisposalRequest(db: Db, row: DisposalRequestsTable) {
  return db.insertInto('disposal_requests').values(row).execute();
}

/** The item's disposal request not yet carried out, locked. */
export async function pendingDisposalForUpdate(db: Db, itemId: string) {
  const r = await sql<DisposalRequestsTable>`
    select ${DISPOSAL_COLUMNS} from disposal_requests d
    where d.item_id = ${itemId} and d.disposed_at is null and d.withdrawn_at is null
    order by d.requested_at limit 1 for update`.execute(db);
  return r.rows[0];
}

export function markDisposed(db: Db, id: string, by: string, at: Date, seq: number) {
  return db
    .updateTable('disposal_requests')
    .set({ disposed_by: by, disposed_at: at, disposed_seq: String(seq) })
    .where('id', '=', id)
    .execute();
}

export interface DisposalRow extends DisposalRequestsTable {
  item_title: string | null;
  item_kind: string | null;
  item_occurred_at: Date | null;
}

/** The office's disposal requests, newest first, with what the item is while it still exists. */
export async function disposalRequests(db: Db, officeId: string) {
  const r = await sql<DisposalRow>`
    select ${DISPOSAL_COLUMNS}, e.title as item_title, e.kind as item_kind, e.occurred_at as item_occurred_at
    from disposal_requests d
    left join archive_entries e on e.ref_kind = 'captured_item' and e.ref_id = d.item_id and e.office_id = d.office_id
    where d.office_id = ${officeId}
    order by d.requested_at desc, d.id`.execute(db);
  return r.rows;
}

/** A disposal request, locked. */
export async function findDisposalForUpdate(db: Db, id: string) {
  const r = await sql<DisposalRequestsTable>`
    select ${DISPOSAL_COLUMNS} from disposal_requests d where d.id = ${id} for update`.execute(db);
  return r.rows[0];
}

export function markWithdrawn(db: Db, id: string, by: string, at: Date, reason: string, seq: number) {
  return db
    .updateTable('disposal_requests')
    .set({ withdrawn_by: by, withdrawn_at: at, withdrawn_reason: reason, withdrawn_seq: String(seq) })
    .where('id', '=', id)
    .execute();
}

/** Active legal holds on each of these captured items. */
export async function activeHoldsOnCapturedItems(db: Db, officeId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('legal_hold_items as i')
    .innerJoin('legal_holds as h', 'h.id', 'i.hold_id')
    .select(['i.ref_id as item_id', 'h.id', 'h.matter'])
    .where('h.office_id', '=', officeId)
    .where('h.released_at', 'is', null)
    .where('i.ref_kind', '=', 'captured_item')
    .where('i.ref_id', 'in', ids)
    .orderBy('h.placed_at')
    .execute();
}
