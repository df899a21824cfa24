import { createHash } from 'node:crypto';
import { type Clock, ConflictError, NotFoundError, newId, ValidationError } from '@hotline/common';
import type { ArchiveRef } from '@hotline/contract';
import { strToU8, zipSync } from 'fflate';
import { type Actor, authorize } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import { recordPdf } from '../transfer/pdf.js';
import { type AppliedRedaction, applyRedactions, type RedactionInput, reasonLabel } from './redaction.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
type Stored = AppliedRedaction & { field: 'title' | 'body' };

/**
 * Redacted copies and the exports that answer access requests. A redacted copy is a new derived
 * version of an archive record, the redactions burned into its text; the record itself is never
 * written. An export holds only redacted copies (text and PDF made from the redacted text) and
 * a redaction report. Each act is one transaction with its audit record in the records log; the
 * audit names spans and reasons, never the words taken out.
 */
export class RedactionService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
  ) {}

  async redact(actor: Actor, ref: ArchiveRef, redactions: RedactionInput[], requestId?: string) {
    authorize(actor, 'archive.requests', 'make redacted copies');
    if (redactions.length === 0) throw new ValidationError('A redacted copy needs at least one redaction.');
    return repo.transaction(this.db, async (tx) => {
      const e = await repo.findEntry(tx, actor.officeId, ref.refKind, ref.refId);
      if (!e) throw new NotFoundError(ref.refKind, ref.refId);
      if (requestId) await this.openRequest(tx, actor, requestId);
      let body: ReturnType<typeof applyRedactions>;
      try {
        body = applyRedactions(e.body, redactions);
      } catch (err) {
        if (err instanceof RangeError) throw new ValidationError(err.message);
        throw err;
      }
      // Words redacted from the text go from the title too, wherever they occur there.
      const titleWords = redactions.filter(
        (r) => 'text' in r && r.text.trim() && e.title.toLowerCase().includes(r.text.trim().toLowerCase()),
      );
      const title = titleWords.length ? applyRedactions(e.title, titleWords) : { text: e.title, applied: [] };
      const stored: Stored[] = [
        ...title.applied.map((a) => ({ ...a, field: 'title' as const })),
        ...body.applied.map((a) => ({ ...a, field: 'body' as const })),
      ];
      const now = this.clock.now();
      const id = newId(now.getTime());
      const rec = await writeAudit(tx, this.records, {
        action: 'archive.redacted',
        actor,
        subject: `${ref.refKind}:${ref.refId}`,
        details: {
          copyId: id,
          requestId: requestId ?? null,
          sourceSha256: sha256(`${e.title}\n${e.body}`),
          redactions: stored.map(({ field, start, end, reason }) => ({ field, start, end, reason })),
        },
      });
      await repo.insertRedactedCopy(tx, {
        id,
        office_id: actor.officeId,
        ref_kind: ref.refKind,
        ref_id: ref.refId,
        request_id: requestId ?? null,
        title: title.text,
        body: body.text,
        redactions: stored,
        source_sha256: sha256(`${e.title}\n${e.body}`),
        created_by: actor.userId,
        created_at: now,
        record_seq: String(rec.seq),
      });
      await repo.insertAccess(tx, [
        {
          ref_kind: ref.refKind,
          ref_id: ref.refId,
          office_id: actor.officeId,
          action: 'redacted',
          actor_id: actor.userId,
          record_seq: String(rec.seq),
          at: now,
        },
      ]);
      return {
        id,
        ...ref,
        requestId: requestId ?? null,
        title: title.text,
        body: body.text,
        redactions: stored,
        recordSeq: rec.seq,
      };
    });
  }

  /** The redacted copies made of one record, newest last. */
  async copiesOf(actor: Actor, ref: ArchiveRef) {
    authorize(actor, 'archive.requests', 'see redacted copies');
    const rows = await repo.redactedCopiesOf(this.db, actor.officeId, ref.refKind, ref.refId);
    return rows.map(copyView);
  }

  /**
   * Answer an access request with an export: a zip of the redacted copies made under it (each as
   * text and as a PDF written from the redacted text) and a redaction report. The export is a
   * row and a records-log entry (what, by whom, under which request); the request is answered.
   */
  async exportAnswer(actor: Actor, requestId: string) {
    authorize(actor, 'archive.requests', 'answer access requests');
    return repo.transaction(this.db, async (tx) => {
      const req = await this.openRequest(tx, actor, requestId);
      const copies = await repo.redactedCopiesForRequest(tx, actor.officeId, requestId);
      if (copies.length === 0)
        throw new ConflictError(
          'No redacted copies were made under this request; make them first (an export holds only redacted copies).',
        );
      const files: Record<string, Uint8Array> = {};
      const report: string[] = [
        `Redaction report — access request ${requestId}`,
        `Requester: ${req.requester} (${req.requester_kind}); legal basis: ${req.legal_basis}`,
        '',
      ];
      let n = 0;
      for (const c of copies) {
        n++;
        const base = `records/${String(n).padStart(3, '0')}-${c.ref_kind}-${c.ref_id}`;
        files[`${base}.txt`] = strToU8(`${c.title}\n\n${c.body}\n`);
        files[`${base}.pdf`] = await recordPdf({
          title: c.title,
          facts: `Redacted copy ${c.id} of ${c.ref_kind} ${c.ref_id}`,
          body: c.body,
          at: new Date(c.created_at),
        });
        report.push(
          `${base}: ${c.ref_kind} ${c.ref_id}, redacted copy ${c.id} (records log #${c.record_seq})`,
        );
        for (const r of c.redactions)
          report.push(
            `  ${r.field} characters ${r.start}–${r.end} (${r.length}): ${r.reason} ${reasonLabel(r.reason as never)}`,
          );
      }
      files['redaction-report.txt'] = strToU8(`${report.join('\n')}\n`);
      files['redaction-report.json'] = strToU8(
        JSON.stringify(
          {
            requestId,
            copies: copies.map((c) => ({
              copyId: c.id,
              refKind: c.ref_kind,
              refId: c.ref_id,
              recordSeq: Number(c.record_seq),
              redactions: c.redactions.map((r) => ({ ...r, label: reasonLabel(r.reason as never) })),
            })),
          },
          null,
          2,
        ),
      );
      const listed = Object.entries(files).map(([name, b]) => ({ name, sha256: sha256(b), bytes: b.length }));
      const now = this.clock.now();
      const id = newId(now.getTime());
      const rec = await writeAudit(tx, this.records, {
        action: 'archive.exported',
        actor,
        subject: `access_request:${requestId}`,
        details: { exportId: id, requestId, copies: copies.map((c) => c.id), files: listed },
      });
      await repo.insertExport(tx, {
        id,
        office_id: actor.officeId,
        request_id: requestId,
        copies: copies.map((c) => c.id),
        files: listed,
        created_by: actor.userId,
        created_at: now,
        record_seq: String(rec.seq),
      });
      await repo.updateAccessRequest(tx, requestId, { status: 'answered' });
      await repo.insertAccess(
        tx,
        dedupeRefs(copies).map((c) => ({
          ref_kind: c.ref_kind,
          ref_id: c.ref_id,
          office_id: actor.officeId,
          action: 'exported',
          actor_id: actor.userId,
          record_seq: String(rec.seq),
          at: now,
        })),
      );
      const zip = zipSync(files, { level: 6, mtime: now });
      return { id, requestId, files: listed, recordSeq: rec.seq, zip };
    });
  }

  private async openRequest(tx: Db, actor: Actor, id: string) {
    const r = await repo.findAccessRequestForUpdate(tx, id);
    if (!r || r.office_id !== actor.officeId) throw new NotFoundError('access request', id);
    if (r.status === 'answered') throw new ConflictError(`Access request ${id} was already answered.`);
    return r;
  }
}

function dedupeRefs<T extends { ref_kind: string; ref_id: string }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = `${r.ref_kind}:${r.ref_id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function copyView(c: Awaited<ReturnType<typeof repo.redactedCopiesOf>>[number]) {
  return {
    id: c.id,
    refKind: c.ref_kind as ArchiveRef['refKind'],
    refId: c.ref_id,
    requestId: c.request_id,
    title: c.title,
    body: c.body,
    redactions: c.redactions,
    createdBy: c.created_by,
    createdAt: new Date(c.created_at).toISOString(),
    recordSeq: Number(c.record_seq),
  };
}
