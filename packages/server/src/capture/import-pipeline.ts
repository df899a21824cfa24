import { basename } from 'node:path';
import { type Clock, ConflictError, NotFoundError, newId, ValidationError } from '@hotline/common';
import { type Actor, authorize } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { AppendInput, RecordsService } from '../records/records-service.js';
import { parseCarrierCsv, parseColumnMapping } from './importers/csv.js';
import { readPhotoGps } from './importers/exif.js';
import { parseEml, parseMbox } from './importers/mbox.js';
import { parsePhoneBackup, toE164 } from './importers/phone.js';
import type { CapturedItem, ImportProgress } from './importers/types.js';
import { parseXArchive } from './importers/x-archive.js';
import type { Db } from './repository.js';
import {
  type CapturedItemRow,
  capturedSourceIds,
  ensureAccount,
  findUserByEmail,
  insertCapturedItems,
  insertImport,
  transaction,
} from './repository.js';

export type ImportFormat = 'mbox' | 'eml' | 'x' | 'phone' | 'csv';

export interface ImportAccount {
  identifier: string;
  ownerEmail: string;
  official?: boolean;
  columns?: string;
}

export interface ImportResult {
  importId: string;
  added: number;
  skipped: number;
  attachments: number;
  /** off-channel contacts found in this import (each now a call that needs a memcon) */
  offChannel: { callId: string; leader: string; at: string }[];
  /** attempted contacts (missed, rejected, blocked calls from a foreign leader): shown, no memcon */
  attempted: { leader: string; number: string; at: string }[];
  /** new items decided by the office's classification rules */
  classified: number;
}

export const ACCOUNT_KIND: Record<ImportFormat, 'email' | 'x' | 'phone'> = {
  mbox: 'email',
  eml: 'email',
  x: 'x',
  phone: 'phone',
  csv: 'phone',
};

/** An import batch is written when it holds this many items or this many bytes of content. */
const BATCH_ITEMS = 500;
const BATCH_BYTES = 8 * 1024 * 1024;

export interface ImportDeps {
  db: Db;
  records: RecordsService;
  clock: Clock;
}

/** Who the import is for, and which account: what every step needs. */
interface ImportScope {
  actor: Actor | null;
  format: ImportFormat;
  owner: { id: string; office_id: string };
  accountId: string;
  identifier: string;
  importId: string;
  now: Date;
}

interface Counts {
  added: number;
  skipped: number;
  attachments: number;
}

/**
 * Step 1, parse: the file as a stream of captured items, read by the format's importer.
 * Nothing is read until the stream is iterated.
 */
export function parse(
  format: ImportFormat,
  path: string,
  columns: string | undefined,
  onProgress?: (p: ImportProgress) => void,
  identifier?: string,
): AsyncGenerator<CapturedItem> {
  return format === 'mbox'
    ? parseMbox(path, { onProgress })
    : format === 'eml'
      ? parseEml(path, { onProgress })
      : format === 'x'
        ? parseXArchive(path, { onProgress })
        : format === 'csv'
          ? parseCarrierCsv(path, parseColumnMapping(columns ?? ''), {
              onProgress,
              ...(identifier ? { ownNumber: toE164(identifier) } : {}),
            })
          : parsePhoneBackup(path, { onProgress });
}

/** A photo attachment's EXIF GPS positions (a location leak). */
async function photoGpsOf(item: CapturedItem) {
  const photoGps: { filename: string; lat: number; lon: number }[] = [];
  for (const a of item.attachments) {
    if (!a.contentType.startsWith('image/')) continue;
    const g = await readPhotoGps(a.bytes);
    if (g) photoGps.push({ filename: a.filename, ...g });
  }
  return photoGps;
}

/**
 * Step 2, stage: one batch into the records log and `captured_items`. Items the account already
 * holds (same stable id, in an earlier import or an earlier batch) are skipped. A batch is a few
 * set-based statements whatever its size.
 */
async function stageBatch(
  tx: Db,
  records: RecordsService,
  scope: ImportScope,
  batch: CapturedItem[],
  counts: Counts,
): Promise<void> {
  if (batch.length === 0) return;
  const seen = await capturedSourceIds(
    tx,
    scope.accountId,
    batch.map((b) => b.sourceId),
  );
  const fresh: CapturedItem[] = [];
  for (const item of batch) {
    if (seen.has(item.sourceId)) {
      counts.skipped++;
      continue;
    }
    seen.add(item.sourceId);
    fresh.push(item);
  }
  if (fresh.length === 0) return;
  const { owner, actor, now } = scope;
  const itemIds = fresh.map(() => newId(now.getTime()));
  const source = `personal:${ACCOUNT_KIND[scope.format]}:${scope.identifier}`;
  // One appendMany for the batch: the items' records first, then their attachments'
  // (the same sequence numbers as appending them in two calls, in half the statements).
  const inputs: AppendInput[] = fresh.map((item, k) => ({
    kind: `capture.${item.kind}`,
    office: owner.office_id,
    actor: actor?.userId ?? null,
    subject: itemIds[k]!,
    at: item.occurredAt,
    content: item.raw,
  }));
  for (let k = 0; k < fresh.length; k++)
    for (const a of fresh[k]!.attachments)
      inputs.push({
        kind: 'capture.attachment',
        office: owner.office_id,
        subject: itemIds[k]!,
        content: a.bytes,
      });
  const recs = await records.appendMany(tx, inputs);
  counts.attachments += inputs.length - fresh.length;
  const rows: CapturedItemRow[] = [];
  for (let k = 0; k < fresh.length; k++) {
    const item = fresh[k]!;
    const photoGps = await photoGpsOf(item);
    rows.push({
      id: itemIds[k]!,
      account_id: scope.accountId,
      kind: item.kind,
      source_id: item.sourceId,
      occurred_at: item.occurredAt,
      category: 'unknown',
      summary: {
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
        photoGps,
        locationLeak: !!item.metadata.locationLeak || photoGps.length > 0,
      },
      record_id: recs[k]!.id,
      record_seq: recs[k]!.seq,
      import_id: scope.importId,
    });
  }
  await insertCapturedItems(tx, rows);
  counts.added += fresh.length;
}

/**
 * Parse and stage, streamed in batches: memory is bounded by the batch (a count and a byte
 * budget). Pipelined: the next batch is parsed while the previous one is written (one write in
 * flight, so at most two batches are held). Batches are written in order, each after the one
 * before has finished, so dedupe sees every earlier batch. Nothing is left running on the
 * transaction when parsing fails: the write in flight is awaited before rethrowing.
 */
async function stageAll(
  tx: Db,
  records: RecordsService,
  scope: ImportScope,
  items: AsyncIterable<CapturedItem>,
): Promise<Counts> {
  const counts: Counts = { added: 0, skipped: 0, attachments: 0 };
  let writing: Promise<void> | null = null;
  const write = async (batch: CapturedItem[]) => {
    await writing;
    writing = stageBatch(tx, records, scope, batch, counts);
    writing.catch(() => {}); // observed by the next await; never unhandled meanwhile
  };
  let batch: CapturedItem[] = [];
  let batchBytes = 0;
  try {
    for await (const item of items) {
      batch.push(item);
      batchBytes += item.raw.length;
      for (const a of item.attachments) batchBytes += a.bytes.length;
      if (batch.length >= BATCH_ITEMS || batchBytes >= BATCH_BYTES) {
        await write(batch);
        batch = [];
        batchBytes = 0;
      }
    }
    await write(batch);
    await writing;
  } catch (err) {
    await (writing as Promise<void> | null)?.catch(() => {});
    throw err;
  }
  return counts;
}

/** Step 3, publish: the import's row and its audit record, which make the staged items one import. */
async function publish(
  tx: Db,
  records: RecordsService,
  scope: ImportScope,
  path: string,
  counts: Counts,
): Promise<void> {
  const { actor, owner, format, importId } = scope;
  await insertImport(tx, {
    id: importId,
    account_id: scope.accountId,
    format,
    file_name: basename(path),
    added: counts.added,
    skipped: counts.skipped,
    actor_id: actor?.userId ?? null,
    at: scope.now,
  });
  await writeAudit(tx, records, {
    action: 'capture.imported',
    actor: actor ?? { userId: null, officeId: owner.office_id },
    office: owner.office_id,
    subject: importId,
    details: { format, file: basename(path), account: scope.identifier, ...counts },
  });
}

/**
 * Personal-account capture of one file. One file is one transaction: parsing streams inside it,
 * so a malformed file rolls back whole and nothing from it is kept. Items already captured (same
 * account and stable id) are skipped, so re-importing or an overlapping export adds nothing twice.
 * Returns the import's id and counts, and the owner (for off-channel detection after it commits).
 */
export async function runImport(
  deps: ImportDeps,
  actor: Actor | null,
  format: ImportFormat,
  path: string,
  account: ImportAccount,
  onProgress?: (p: ImportProgress) => void,
): Promise<{ result: ImportResult; owner: { id: string; office_id: string } }> {
  if (actor) authorize(actor, 'capture.import', 'import personal-account records');
  const owner = await findUserByEmail(deps.db, account.ownerEmail);
  // Another office's people are not found: an office's records officer captures only its own.
  if (!owner || (actor && owner.office_id !== actor.officeId)) {
    throw new NotFoundError('user', account.ownerEmail);
  }
  const identifier = account.identifier.trim().toLowerCase();
  if (!identifier)
    throw new ValidationError(
      'Name the personal account (--account), e.g. name@gmail.example.com or @handle.',
      { field: 'account' },
    );
  const items = parse(format, path, account.columns, onProgress, identifier);

  const result = await transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const acct = await ensureAccount(tx, {
      id: newId(now.getTime()),
      owner_id: owner.id,
      kind: ACCOUNT_KIND[format],
      identifier,
      official: account.official ?? false,
      created_at: now,
    });
    if (acct.owner_id !== owner.id) {
      throw new ConflictError(
        `The account ${identifier} is already captured for another person; import it for that person, or name this person's own account.`,
        { field: 'account' },
      );
    }
    const scope: ImportScope = {
      actor,
      format,
      owner,
      accountId: acct.id,
      identifier,
      importId: newId(now.getTime()),
      now,
    };
    const counts = await stageAll(tx, deps.records, scope, items);
    await publish(tx, deps.records, scope, path, counts);
    return {
      importId: scope.importId,
      ...counts,
      offChannel: [] as ImportResult['offChannel'],
      attempted: [],
      classified: 0,
    };
  });
  return { result, owner };
}
