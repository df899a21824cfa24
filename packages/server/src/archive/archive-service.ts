import { type Clock, ConflictError, NotFoundError, newId, ValidationError } from '@hotline/common';
import type { ArchiveRef, ArchiveSearch } from '@hotline/contract';
import { type Actor, authorize } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import type { ArchiveQueries } from './queries.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/** Records a saved-search hold may cover when placed (a larger matter is split into holds). */
export const HOLD_SCOPE_CAP = 10_000;

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/**
 * The archive at work. Every search, view and hold change is a state change: one transaction
 * with its audit record in the records log, and rows in `archive_access` (the records touched,
 * pointing to that log entry) so the records officer can list a record's access history.
 */
export class ArchiveService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    private readonly queries: ArchiveQueries,
    /** Matches counted and ranked per search (repository.ts SEARCH_WINDOW); tests make it small. */
    private readonly searchWindow = repo.SEARCH_WINDOW,
  ) {}

  async search(actor: Actor, s: ArchiveSearch, page: number, pageSize: number) {
    authorize(actor, 'archive.search', 'search the archive');
    const q = await this.queries.toSql(actor, s);
    return repo.transaction(this.db, async (tx) => {
      const found = await repo.search(tx, q, pageSize, (page - 1) * pageSize, this.searchWindow);
      const hits = found.rows.map((r) => ({
        refKind: r.ref_kind as ArchiveRef['refKind'],
        refId: r.ref_id,
        kind: r.kind,
        callId: r.call_id,
        title: r.title,
        snippet: r.snippet,
        rank: Number(r.rank),
        occurredAt: iso(r.occurred_at)!,
        classification: r.classification,
        held: !!r.held,
        provenance: {
          seq: r.record_seq === null ? null : Number(r.record_seq),
          sequencedAt: iso(r.sequenced_at),
        },
      }));
      const rec = await writeAudit(tx, this.records, {
        action: 'archive.searched',
        actor,
        details: { search: s, page, pageSize, results: hits.map((h) => `${h.refKind}:${h.refId}`) },
      });
      await this.access(tx, actor, 'search', hits, rec.seq);
      return {
        total: found.total,
        totalExact: found.exact,
        estimatedTotal: found.estimated,
        page,
        pageSize,
        hits,
        recordSeq: rec.seq,
      };
    });
  }

  /** Open one record of the archive, with its provenance in the records log. */
  async view(actor: Actor, ref: ArchiveRef) {
    authorize(actor, 'archive.search', 'open archive records');
    return repo.transaction(this.db, async (tx) => {
      const e = await repo.findEntry(tx, actor.officeId, ref.refKind, ref.refId);
      if (!e) throw new NotFoundError(ref.refKind, ref.refId);
      const holds = await repo.activeHoldsOn(tx, actor.officeId, ref.refKind, ref.refId);
      const rec = await writeAudit(tx, this.records, {
        action: 'archive.viewed',
        actor,
        subject: `${ref.refKind}:${ref.refId}`,
      });
      await this.access(tx, actor, 'view', [ref], rec.seq);
      return {
        refKind: ref.refKind,
        refId: ref.refId,
        kind: e.kind,
        callId: e.call_id,
        title: e.title,
        body: e.body,
        names: e.names,
        occurredAt: iso(e.occurred_at)!,
        classification: e.classification,
        provenance: {
          seq: e.record_seq === null ? null : Number(e.record_seq),
          sequencedAt: iso(e.sequenced_at ?? null),
          recordKind: e.record_kind ?? null,
        },
        holds,
        recordSeq: rec.seq,
      };
    });
  }

  /**
   * Place a legal hold: a matter, why, and a scope (a saved search, resolved now to the records
   * it matches, or a list of records). Captured items in scope are locked first, so a disposal
   * racing this hold either finished before (the hold is refused: a record is gone) or waits and
   * then sees the hold (the disposal is refused).
   */
  async placeHold(
    actor: Actor,
    input: {
      matter: string;
      reason: string;
      scope: { kind: 'search'; search: ArchiveSearch } | { kind: 'records'; records: ArchiveRef[] };
    },
  ) {
    authorize(actor, 'archive.hold', 'place legal holds');
    const q = input.scope.kind === 'search' ? await this.queries.toSql(actor, input.scope.search) : null;
    return repo.transaction(this.db, async (tx) => {
      let refs: { ref_kind: string; ref_id: string }[];
      if (input.scope.kind === 'search') {
        refs = await repo.searchRefs(tx, q!, HOLD_SCOPE_CAP + 1);
        if (refs.length > HOLD_SCOPE_CAP)
          throw new ValidationError(`The search matches more than ${HOLD_SCOPE_CAP} records; narrow it.`);
      } else {
        const wanted = dedupe(input.scope.records);
        const seen = await repo.visibleRefs(tx, actor.officeId, wanted);
        const have = new Set(seen.map((r) => `${r.ref_kind}:${r.ref_id}`));
        const missing = wanted.find((r) => !have.has(`${r.refKind}:${r.refId}`));
        if (missing) throw new NotFoundError(missing.refKind, missing.refId);
        refs = wanted.map((r) => ({ ref_kind: r.refKind, ref_id: r.refId }));
      }
      if (refs.length === 0) throw new ValidationError('The hold covers no records.');
      const captured = refs.filter((r) => r.ref_kind === 'captured_item').map((r) => r.ref_id);
      const locked = new Set((await repo.lockCapturedItems(tx, captured)).map((r) => r.id));
      const gone = captured.find((id) => !locked.has(id));
      if (gone) throw new ConflictError(`Captured item ${gone} was disposed of before the hold was placed.`);
      const now = this.clock.now();
      const id = newId(now.getTime());
      const rec = await writeAudit(tx, this.records, {
        action: 'archive.hold_placed',
        actor,
        subject: `hold:${id}`,
        details: {
          holdId: id,
          matter: input.matter,
          reason: input.reason,
          scope: input.scope.kind === 'search' ? { search: input.scope.search } : { records: refs.length },
          records: refs.map((r) => `${r.ref_kind}:${r.ref_id}`),
        },
      });
      await repo.insertHold(tx, {
        id,
        office_id: actor.officeId,
        matter: input.matter,
        reason: input.reason,
        scope_kind: input.scope.kind,
        scope_search: input.scope.kind === 'search' ? input.scope.search : null,
        placed_by: actor.userId,
        placed_at: now,
        record_seq: String(rec.seq),
        released_by: null,
        released_at: null,
        release_reason: null,
        release_seq: null,
      });
      await repo.insertHoldItems(tx, id, refs);
      await this.access(
        tx,
        actor,
        'hold_placed',
        refs.map((r) => ({ refKind: r.ref_kind, refId: r.ref_id })),
        rec.seq,
      );
      return { id, items: refs.length, recordSeq: rec.seq };
    });
  }

  async releaseHold(actor: Actor, holdId: string, reason: string) {
    authorize(actor, 'archive.hold', 'release legal holds');
    return repo.transaction(this.db, async (tx) => {
      const h = await repo.findHoldForUpdate(tx, holdId);
      if (!h || h.office_id !== actor.officeId) throw new NotFoundError('legal hold', holdId);
      if (h.released_at) throw new ConflictError(`Legal hold ${holdId} was already released.`);
      const items = await repo.holdItems(tx, holdId);
      const rec = await writeAudit(tx, this.records, {
        action: 'archive.hold_released',
        actor,
        subject: `hold:${holdId}`,
        details: { holdId, matter: h.matter, reason },
      });
      await repo.releaseHold(tx, holdId, {
        released_by: actor.userId,
        released_at: this.clock.now(),
        release_reason: reason,
        release_seq: rec.seq,
      });
      await this.access(
        tx,
        actor,
        'hold_released',
        items.map((r) => ({ refKind: r.ref_kind, refId: r.ref_id })),
        rec.seq,
      );
      return { id: holdId, recordSeq: rec.seq };
    });
  }

  private access(
    tx: Db,
    actor: Actor,
    action: string,
    refs: { refKind: string; refId: string }[],
    seq: number,
  ) {
    const at = this.clock.now();
    return repo.insertAccess(
      tx,
      dedupe(refs).map((r) => ({
        ref_kind: r.refKind,
        ref_id: r.refId,
        office_id: actor.officeId,
        action,
        actor_id: actor.userId,
        record_seq: String(seq),
        at,
      })),
    );
  }
}

function dedupe<T extends { refKind: string; refId: string }>(refs: T[]): T[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = `${r.refKind}:${r.refId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
