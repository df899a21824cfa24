import { basename } from 'node:path';
import { ConflictError, NotFoundError, newId, ValidationError } from '@hotline/common';
import { type Actor, authorize } from '../policy/policy.js';
import { auditRecord } from '../records/audit.js';
import type { AppendInput } from '../records/records-service.js';
import { type ImportDeps, publishImport } from './import-publish.js';
import { parseCarrierCsv, parseColumnMapping } from './importers/csv.js';
import { readPhotoGps } from './importers/exif.js';
import { parseEml, parseMbox } from './importers/mbox.js';
import { parsePhoneBackup, toE164 } from './importers/phone.js';
import type { CapturedItem, ImportProgress } from './importers/types.js';
import { parseXArchive } from './importers/x-archive.js';
import { capturedSourceIds, findUserByEmail, transaction } from './repository.js';
import * as staging from './staging/repository.js';

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

export type { ImportDeps } from './import-publish.js';

/** Who the import is for, and which account: what every step needs. */
interface ImportScope {
  actor: Actor | null;
  format: ImportFormat;
  owner: { id: string; office_id: string };
  accountId: string;
  identifier: string;
  importId: string;
  now: Date;
  /** source ids already staged from this file */
  seen: Set<string>;
}

interface Counts {
  /** records staged so far (the next record's ord) */
  records: number;
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
 * Step 2, stage: one batch prepared (records' envelopes, leaves and sealed content computed) and
 * written to the staging tables in one short transaction that takes no lock. Items the account
 * already holds (an earlier import) or that this file already gave are skipped.
 */
async function stageBatch(
  deps: ImportDeps,
  scope: ImportScope,
  batch: CapturedItem[],
  counts: Counts,
): Promise<void> {
  if (batch.length === 0) return;
  const held = await capturedSourceIds(
    deps.db,
    scope.accountId,
    batch.map((b) => b.sourceId),
  );
  const fresh: CapturedItem[] = [];
  let skipped = 0;
  for (const item of batch) {
    if (held.has(item.sourceId) || scope.seen.has(item.sourceId)) {
      skipped++;
      continue;
    }
    scope.seen.add(item.sourceId);
    fresh.push(item);
  }
  const { owner, actor, now } = scope;
  const itemIds = fresh.map(() => newId(now.getTime()));
  const source = `personal:${ACCOUNT_KIND[scope.format]}:${scope.identifier}`;
  // The batch's items' records first, then their attachments'.
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
  const prepared = await deps.records.prepare(inputs);
  const rows: staging.StagedItem[] = [];
  for (let k = 0; k < fresh.length; k++) {
    const item = fresh[k]!;
    const photoGps = await photoGpsOf(item);
    rows.push({
      id: itemIds[k]!,
      kind: item.kind,
      source_id: item.sourceId,
      occurred_at: item.occurredAt,
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
      record_id: prepared.out[k]!.id,
    });
  }
  const firstOrd = counts.records;
  const next = {
    records: counts.records + inputs.length,
    added: counts.added + fresh.length,
    skipped: counts.skipped + skipped,
    attachments: counts.attachments + inputs.length - fresh.length,
  };
  await transaction(deps.db, async (tx) => {
    if (inputs.length > 0) await deps.records.stage(tx, scope.importId, firstOrd, prepared);
    await staging.stageItems(tx, scope.importId, rows, next, now);
  });
  Object.assign(counts, next);
}

/**
 * Parse and stage, streamed in batches: memory is bounded by the batch (a count and a byte
 * budget). Pipelined: the next batch is parsed while the previous one is written (one write in
 * flight, so at most two batches are held). Batches are written in order, each after the one
 * before has finished. Nothing is left running when parsing fails: the write in flight is
 * awaited before rethrowing.
 */
async function stageAll(
  deps: ImportDeps,
  scope: ImportScope,
  items: AsyncIterable<CapturedItem>,
): Promise<Counts> {
  const counts: Counts = { records: 0, added: 0, skipped: 0, attachments: 0 };
  let writing: Promise<void> | null = null;
  const write = async (batch: CapturedItem[]) => {
    await writing;
    writing = stageBatch(deps, scope, batch, counts);
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

/** A file that did not parse leaves nothing: its staged records and items, and an account it created. */
export async function dropStaged(deps: ImportDeps, importId: string): Promise<void> {
  await transaction(deps.db, async (tx) => {
    const row = await staging.lockStaging(tx, importId);
    if (!row || row.state === 'sealed') return;
    await deps.records.dropStaged(tx, importId);
    await staging.deleteStaging(tx, importId);
    if (row.account_created) await staging.deleteAccountIfUnused(tx, row.account_id);
  });
}

/**
 * Personal-account capture of one file, whole or not at all, without holding up other writers.
 * 1. The account is claimed and the import begun (one import per account at a time).
 * 2. The file is parsed and staged in batches, each a short transaction that takes no lock;
 *    a malformed file stops here and everything staged is dropped: nothing from it is kept.
 * 3. Sealed, with the import's own `capture.imported` record staged after the items': from
 *    here the import is finished even after a crash (see publishImport).
 * 4. Published: records sequenced in short chunks (the import's record last), then the items
 *    and the import's row in one transaction that takes no lock on the log. Only then is the
 *    import acknowledged.
 * Items already captured (same account and stable id) are skipped, so re-importing or an
 * overlapping export adds nothing twice.
 */
export async function runImport(
  deps: ImportDeps,
  actor: Actor | null,
  format: ImportFormat,
  path: string,
  account: ImportAccount,
  onProgress?: (p: ImportProgress) => void,
): Promise<{ result: ImportResult; owner: { id: string; office_id: string } }> {
  const staged = await stageImport(deps, actor, format, path, account, onProgress);
  await publishImport(deps, staged.result.importId);
  return staged;
}

/**
 * Steps 1 to 3 of runImport: the file parsed, staged and sealed, not yet published (a crash
 * here loses nothing: the import is published at the next start).
 */
export async function stageImport(
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
  const now = deps.clock.now();
  const importId = newId(now.getTime());
  const accountId = await transaction(deps.db, async (tx) => {
    const acct = await staging.claimAccount(tx, {
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
    const begun = await staging.beginStaging(
      tx,
      {
        id: importId,
        account_id: acct.id,
        account_created: acct.created,
        owner_office_id: owner.office_id,
        actor_id: actor?.userId ?? null,
        format,
        file_name: basename(path),
        identifier,
      },
      now,
    );
    if (!begun)
      throw new ConflictError(
        `Another import of ${identifier} is under way; wait for it to finish, then import this file.`,
        { field: 'account' },
      );
    return acct.id;
  });
  const scope: ImportScope = {
    actor,
    format,
    owner,
    accountId,
    identifier,
    importId,
    now,
    seen: new Set(),
  };
  let counts: Counts;
  try {
    counts = await stageAll(deps, scope, items);
  } catch (err) {
    await dropStaged(deps, importId);
    throw err;
  }
  // The import's own record is staged last, so it is sequenced with the last chunk: publishing
  // the items afterwards then takes no lock on the log at all.
  const audit = await deps.records.prepare([
    auditRecord({
      action: 'capture.imported',
      actor: actor ?? { userId: null, officeId: owner.office_id },
      office: owner.office_id,
      subject: importId,
      details: {
        format,
        file: basename(path),
        account: identifier,
        added: counts.added,
        skipped: counts.skipped,
        attachments: counts.attachments,
      },
    }),
  ]);
  await transaction(deps.db, async (tx) => {
    await deps.records.stage(tx, importId, counts.records, audit);
    await staging.sealStaging(tx, importId, counts.records + 1, deps.clock.now());
  });
  return {
    result: {
      importId,
      added: counts.added,
      skipped: counts.skipped,
      attachments: counts.attachments,
      offChannel: [],
      attempted: [],
      classified: 0,
    },
    owner,
  };
}
