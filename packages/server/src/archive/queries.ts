import type { Clock } from '@hotline/common';
import type { ArchiveSearch } from '@hotline/contract';
import type { CaptureQueries } from '../capture/queries.js';
import { type Actor, authorize } from '../policy/policy.js';
import type { Db, SearchSql } from './repository.js';
import * as repo from './repository.js';

const PREFIX = /(^|\s)([\p{L}\p{N}]+)\*(?=\s|$)/gu;

/**
 * A person's query as SQL takes it. websearch_to_tsquery reads phrases ("..."), exclusion
 * (-word) and `or`; it has no prefix syntax, so each `word*` is taken out and becomes its own
 * `word:*` term ANDed in. The words that are not excluded are also matched against names by
 * trigram similarity (a misspelled correspondent still finds the record), unless the query
 * excludes a word. Prefix words inside a quoted phrase are not supported (the `*` is dropped
 * by websearch_to_tsquery's parser).
 */
export function parseQuery(q: string | undefined): Pick<SearchSql, 'web' | 'prefixes' | 'fuzzy'> {
  const text = (q ?? '').trim();
  const prefixes: string[] = [];
  const web = text
    .replace(PREFIX, (_m, lead: string, word: string) => {
      prefixes.push(word.toLowerCase());
      return lead;
    })
    .replace(/\s+/g, ' ')
    .trim();
  const words = text.split(/\s+/);
  // An excluded word must exclude: a name that merely resembles the query would bring it back.
  if (words.some((w) => w.startsWith('-'))) return { web, prefixes, fuzzy: '' };
  const fuzzy = words
    .filter((w) => w && !w.startsWith('-') && w.toLowerCase() !== 'or')
    .map((w) => w.replace(/["*]/g, ''))
    .join(' ')
    .trim();
  return { web, prefixes, fuzzy };
}

/** The archive's reads that are not themselves accesses: the holds list and access history. */
export class ArchiveQueries {
  constructor(
    private readonly db: Db,
    private readonly captureQueries: CaptureQueries,
    private readonly clock: Clock,
  ) {}

  /**
   * A search as SQL runs it, the 20-day filter resolved by the rule (capture/compliance.ts) and
   * the name words of a query that matches names found.
   */
  async toSql(actor: Actor, s: ArchiveSearch): Promise<SearchSql> {
    const out: SearchSql = { officeId: actor.officeId, ...parseQuery(s.q) };
    if (s.person) out.person = s.person;
    if (s.account) out.account = s.account;
    if (s.kind) out.kind = s.kind;
    if (s.from) out.from = new Date(s.from);
    if (s.to) out.to = new Date(s.to);
    if (s.classification) out.classification = s.classification;
    if (s.held !== undefined) out.held = s.held;
    if (s.twentyDay) {
      const rows = await this.captureQueries.compliance(actor, this.clock.now());
      out.capturedIds = rows.filter((r) => r.result.status === s.twentyDay).map((r) => r.itemId);
    }
    // The words of names like the query's (a lookup in the small name-words table), so that
    // every reader of the search (the transfer's scope too) matches names the same way.
    return repo.withNameWords(this.db, out);
  }

  async holds(actor: Actor) {
    authorize(actor, 'archive.hold', 'see legal holds');
    const rows = await repo.listHolds(this.db, actor.officeId);
    return rows.map((h) => ({
      id: h.id,
      matter: h.matter,
      reason: h.reason,
      scopeKind: h.scope_kind,
      scopeSearch: (h.scope_search as ArchiveSearch | null) ?? null,
      placedBy: h.placed_by,
      placedAt: new Date(h.placed_at).toISOString(),
      recordSeq: Number(h.record_seq),
      releasedBy: h.released_by,
      releasedAt: h.released_at ? new Date(h.released_at).toISOString() : null,
      releaseReason: h.release_reason,
      items: Number(h.items ?? 0),
    }));
  }

  /** Who searched up, opened or held a record, each with its records-log entry. */
  async accessHistory(actor: Actor, refKind: string, refId: string) {
    authorize(actor, 'archive.search', 'see who accessed a record');
    const rows = await repo.accessHistory(this.db, actor.officeId, refKind, refId);
    return rows.map((r) => ({
      action: r.action,
      actorId: r.actor_id,
      actorName: r.display_name ?? null,
      at: new Date(r.at).toISOString(),
      recordSeq: Number(r.record_seq),
    }));
  }
}
