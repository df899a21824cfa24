import { basename } from 'node:path';
import { type Clock, NotFoundError, newId, ValidationError } from '@hotline/common';
import type { Db } from '../db/database.js';
import { parseMbox } from '../importers/mbox.js';
import type { CapturedItem, ImportProgress } from '../importers/types.js';
import { parseXArchive } from '../importers/x-archive.js';
import { type Actor, authorize } from '../policy/policy.js';
import type { RecordsService } from '../records/records-service.js';
import { writeAudit } from './audit.js';

export type ImportFormat = 'mbox' | 'x';

export interface ImportResult {
  importId: string;
  added: number;
  skipped: number;
  attachments: number;
}

const ACCOUNT_KIND: Record<ImportFormat, 'email' | 'x'> = { mbox: 'email', x: 'x' };

/**
 * Personal-account capture. One file is one transaction: parsing streams inside it, so a
 * malformed file rolls back whole and nothing from it is kept. Items already captured (same
 * account and stable id) are skipped, so re-importing or an overlapping export adds nothing twice.
 */
export class CaptureService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
  ) {}

  async importFile(
    actor: Actor | null,
    format: ImportFormat,
    path: string,
    account: { identifier: string; ownerEmail: string },
    onProgress?: (p: ImportProgress) => void,
  ): Promise<ImportResult> {
    if (actor) authorize(actor, 'capture.import', 'import personal-account records');
    const owner = await this.db
      .selectFrom('users')
      .select(['id', 'office_id'])
      .where('email', '=', account.ownerEmail.toLowerCase())
      .executeTakeFirst();
    if (!owner) throw new NotFoundError('user', account.ownerEmail);
    const identifier = account.identifier.trim().toLowerCase();
    if (!identifier)
      throw new ValidationError(
        'Name the personal account (--account), e.g. name@gmail.example.com or @handle.',
        { field: 'account' },
      );
    const items: AsyncGenerator<CapturedItem> =
      format === 'mbox' ? parseMbox(path, { onProgress }) : parseXArchive(path, { onProgress });

    return this.db.transaction().execute(async (tx) => {
      const now = this.clock.now();
      await tx
        .insertInto('capture_accounts')
        .values({
          id: newId(now.getTime()),
          owner_id: owner.id,
          kind: ACCOUNT_KIND[format],
          identifier,
          official: false,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(['kind', 'identifier']).doNothing())
        .execute();
      const acct = await tx
        .selectFrom('capture_accounts')
        .select('id')
        .where('kind', '=', ACCOUNT_KIND[format])
        .where('identifier', '=', identifier)
        .executeTakeFirstOrThrow();
      const importId = newId(now.getTime());
      let added = 0;
      let skipped = 0;
      let attachments = 0;
      for await (const item of items) {
        const seen = await tx
          .selectFrom('captured_items')
          .select('id')
          .where('account_id', '=', acct.id)
          .where('source_id', '=', item.sourceId)
          .executeTakeFirst();
        if (seen) {
          skipped++;
          continue;
        }
        const id = newId(now.getTime());
        const source = `personal:${ACCOUNT_KIND[format]}:${identifier}`;
        const rec = await this.records.append(tx, {
          kind: `capture.${item.kind}`,
          office: owner.office_id,
          actor: actor?.userId ?? null,
          subject: id,
          at: item.occurredAt,
          content: item.raw,
        });
        for (const a of item.attachments) {
          await this.records.append(tx, {
            kind: 'capture.attachment',
            office: owner.office_id,
            subject: id,
            content: a.bytes,
          });
          attachments++;
        }
        await tx
          .insertInto('captured_items')
          .values({
            id,
            account_id: acct.id,
            kind: item.kind,
            source_id: item.sourceId,
            occurred_at: item.occurredAt,
            category: 'unknown',
            summary: JSON.stringify({
              source,
              from: item.from,
              to: item.to,
              cc: item.cc,
              bcc: item.bcc,
              subject: item.subject,
              attachments: item.attachments.map((a) => ({
                filename: a.filename,
                contentType: a.contentType,
                sha256: a.sha256,
              })),
              ...item.metadata,
            }) as never,
            record_id: rec.id,
            record_seq: String(rec.seq),
            import_id: importId,
          })
          .execute();
        added++;
      }
      await tx
        .insertInto('capture_imports')
        .values({
          id: importId,
          account_id: acct.id,
          format,
          file_name: basename(path),
          added,
          skipped,
          actor_id: actor?.userId ?? null,
          at: now,
        })
        .execute();
      await writeAudit(tx, this.records, {
        action: 'capture.imported',
        actor: actor ?? { userId: null, officeId: owner.office_id },
        office: owner.office_id,
        subject: importId,
        details: { format, file: basename(path), account: identifier, added, skipped, attachments },
      });
      return { importId, added, skipped, attachments };
    });
  }
}
