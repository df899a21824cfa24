import { basename } from 'node:path';
import { type Clock, ConflictError, NotFoundError, newId, ValidationError } from '@hotline/common';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { type Actor, authorize } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { AppendInput, RecordsService } from '../records/records-service.js';
import { parseCarrierCsv, parseColumnMapping } from './importers/csv.js';
import { readPhotoGps } from './importers/exif.js';
import { parseEml, parseMbox } from './importers/mbox.js';
import { parsePhoneBackup, toE164 } from './importers/phone.js';
import type { CapturedItem, ImportProgress } from './importers/types.js';
import { parseXArchive } from './importers/x-archive.js';
import {
  type CoveredStatus,
  evaluate,
  type OfficialCopy,
  type PraCategory,
  type RuleItem,
  type RuleStatus,
} from './twenty-day-rule.js';

export interface ComplianceRow {
  itemId: string;
  kind: string;
  owner: string;
  account: string;
  occurredAt: string;
  subject: string | null;
  category: PraCategory;
  result: RuleStatus;
}

import type { RequestsService } from '../calls/requests-service.js';

export type ImportFormat = 'mbox' | 'eml' | 'x' | 'phone' | 'csv';

export interface ImportResult {
  importId: string;
  added: number;
  skipped: number;
  attachments: number;
  /** off-channel contacts found in this import (each now a call that needs a memcon) */
  offChannel: { callId: string; leader: string; at: string }[];
}

const ACCOUNT_KIND: Record<ImportFormat, 'email' | 'x' | 'phone'> = {
  mbox: 'email',
  eml: 'email',
  x: 'x',
  phone: 'phone',
  csv: 'phone',
};

/** An official call within this window of a personal-phone contact counts as the record of it. */
const MATCH_WINDOW_MS = 2 * 60 * 60 * 1000;

/** An import batch is written when it holds this many items or this many bytes of content. */
const BATCH_ITEMS = 500;
const BATCH_BYTES = 8 * 1024 * 1024;

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
    private readonly calls?: Pick<RequestsService, 'logDetectedOffChannel'>,
  ) {}

  async importFile(
    actor: Actor | null,
    format: ImportFormat,
    path: string,
    account: { identifier: string; ownerEmail: string; official?: boolean; columns?: string },
    onProgress?: (p: ImportProgress) => void,
  ): Promise<ImportResult> {
    if (actor) authorize(actor, 'capture.import', 'import personal-account records');
    const owner = await this.db
      .selectFrom('users')
      .select(['id', 'office_id'])
      .where('email', '=', account.ownerEmail.toLowerCase())
      .executeTakeFirst();
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
    const items: AsyncGenerator<CapturedItem> =
      format === 'mbox'
        ? parseMbox(path, { onProgress })
        : format === 'eml'
          ? parseEml(path, { onProgress })
          : format === 'x'
            ? parseXArchive(path, { onProgress })
            : format === 'csv'
              ? parseCarrierCsv(path, parseColumnMapping(account.columns ?? ''), { onProgress })
              : parsePhoneBackup(path, { onProgress });

    const result = await this.db.transaction().execute(async (tx) => {
      const now = this.clock.now();
      await tx
        .insertInto('capture_accounts')
        .values({
          id: newId(now.getTime()),
          owner_id: owner.id,
          kind: ACCOUNT_KIND[format],
          identifier,
          official: account.official ?? false,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(['kind', 'identifier']).doNothing())
        .execute();
      const acct = await tx
        .selectFrom('capture_accounts')
        .select(['id', 'owner_id'])
        .where('kind', '=', ACCOUNT_KIND[format])
        .where('identifier', '=', identifier)
        .executeTakeFirstOrThrow();
      if (acct.owner_id !== owner.id) {
        throw new ConflictError(
          `The account ${identifier} is already captured for another person; import it for that person, or name this person's own account.`,
          { field: 'account' },
        );
      }
      const importId = newId(now.getTime());
      let added = 0;
      let skipped = 0;
      let attachments = 0;
      // Streamed in batches: memory is bounded by the batch (a count and a byte budget), and
      // each batch is a few set-based statements whatever its size.
      const flushBatch = async (batch: CapturedItem[]) => {
        if (batch.length === 0) return;
        // Already captured: one indexed lookup for the whole batch, the ids as one JSON array.
        const ids = JSON.stringify([...new Set(batch.map((b) => b.sourceId))]);
        const seen = new Set(
          (
            await tx
              .selectFrom('captured_items')
              .select('source_id')
              .where('account_id', '=', acct.id)
              .where(sql<boolean>`source_id = any(array(select json_array_elements_text(${ids}::json)))`)
              .execute()
          ).map((r) => r.source_id),
        );
        const fresh: CapturedItem[] = [];
        for (const item of batch) {
          if (seen.has(item.sourceId)) {
            skipped++;
            continue;
          }
          seen.add(item.sourceId);
          fresh.push(item);
        }
        if (fresh.length === 0) return;
        const itemIds = fresh.map(() => newId(now.getTime()));
        const source = `personal:${ACCOUNT_KIND[format]}:${identifier}`;
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
        const recs = await this.records.appendMany(tx, inputs);
        attachments += inputs.length - fresh.length;
        const rows = [];
        for (let k = 0; k < fresh.length; k++) {
          const item = fresh[k]!;
          // Location leaks: a photo whose EXIF carries a GPS position.
          const photoGps: { filename: string; lat: number; lon: number }[] = [];
          for (const a of item.attachments) {
            if (!a.contentType.startsWith('image/')) continue;
            const g = await readPhotoGps(a.bytes);
            if (g) photoGps.push({ filename: a.filename, ...g });
          }
          rows.push({
            id: itemIds[k]!,
            account_id: acct.id,
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
            import_id: importId,
          });
        }
        // The batch's rows as one JSON parameter: one statement, parsed and planned once, and
        // cheap to send (thousands of bind parameters are not, least of all to PGlite).
        await sql`insert into captured_items
            (id, account_id, kind, source_id, occurred_at, category, summary, record_id, record_seq, import_id)
          select id, account_id, kind, source_id, occurred_at, category, summary, record_id, record_seq, import_id
          from json_to_recordset(${JSON.stringify(rows)}::json) as r(id uuid, account_id uuid, kind text,
            source_id text, occurred_at timestamptz, category text, summary jsonb, record_id uuid,
            record_seq bigint, import_id uuid)`.execute(tx);
        added += fresh.length;
      };
      // Pipelined: the next batch is parsed while the previous one is written (one write in
      // flight, so at most two batches are held). Batches are written in order, each after the
      // one before has finished, so dedupe sees every earlier batch. Nothing is left running on
      // the transaction when parsing fails: the write in flight is awaited before rethrowing.
      let writing: Promise<void> | null = null;
      const write = async (batch: CapturedItem[]) => {
        await writing;
        writing = flushBatch(batch);
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
      return { importId, added, skipped, attachments, offChannel: [] as ImportResult['offChannel'] };
    });
    if (format === 'phone' || format === 'csv')
      result.offChannel = await this.detectOffChannel(result.importId, owner.id, owner.office_id);
    return result;
  }

  /**
   * Calls and texts between the account owner's personal number and a foreign leader's known
   * number, with no official call of the owner's office within two hours, become off-channel
   * contact alerts and `off_channel` calls that require a memcon. Idempotent per captured item.
   */
  async detectOffChannel(importId: string, ownerUserId: string, ownerOfficeId: string) {
    const found: ImportResult['offChannel'] = [];
    const owner = await this.db
      .selectFrom('users')
      .select('roles')
      .where('id', '=', ownerUserId)
      .executeTakeFirst();
    if (!owner?.roles.includes('principal') || !this.calls) return found;
    const contacts = await this.db.selectFrom('foreign_contacts').selectAll().execute();
    const byNumber = new Map(contacts.map((c) => [c.number, c]));
    const items = await this.db
      .selectFrom('captured_items')
      .select(['id', 'kind', 'occurred_at', 'summary'])
      .where('import_id', '=', importId)
      .where('kind', 'in', ['call', 'sms', 'mms'])
      .execute();
    for (const it of items) {
      const summary = it.summary as {
        number?: string;
        numbers?: string[];
        durationSeconds?: number;
        direction?: string;
      };
      const numbers = summary.number ? [summary.number] : (summary.numbers ?? []);
      const contact = numbers.map((n) => byNumber.get(n)).find(Boolean);
      if (
        !contact ||
        summary.direction === 'missed' ||
        summary.direction === 'rejected' ||
        summary.direction === 'blocked'
      )
        continue;
      const at = new Date(it.occurred_at);
      const official = await this.db
        .selectFrom('calls')
        .select('id')
        .where('owner_office_id', '=', ownerOfficeId)
        .where('channel', 'in', ['hotline', 'secure_line'])
        .where((eb) =>
          eb.or([
            eb('counterpart_leader', '=', contact.leader),
            ...(contact.office_id ? [eb('counterpart_office_id', '=', contact.office_id)] : []),
          ]),
        )
        .where('scheduled_start', '>=', new Date(at.getTime() - MATCH_WINDOW_MS))
        .where('scheduled_start', '<=', new Date(at.getTime() + MATCH_WINDOW_MS))
        .executeTakeFirst();
      if (official) continue;
      const already = await this.db
        .selectFrom('off_channel_alerts')
        .select('id')
        .where('captured_item_id', '=', it.id)
        .executeTakeFirst();
      if (already) continue;
      const end = new Date(at.getTime() + Math.max(60, summary.durationSeconds ?? 60) * 1000);
      const callId = await this.calls.logDetectedOffChannel({
        ownerOfficeId,
        ownerUserId,
        counterpartOfficeId: contact.office_id,
        counterpartLeader: contact.leader,
        counterpartCountry: contact.country,
        start: at,
        end,
        summary: `A ${it.kind === 'call' ? 'call' : 'text message'} with ${contact.leader} (${contact.number}) on a personal phone, with no official call on record.`,
        evidence: { capturedItemId: it.id, number: contact.number, kind: it.kind, at: at.toISOString() },
      });
      await this.db
        .insertInto('off_channel_alerts')
        .values({
          id: newId(),
          captured_item_id: it.id,
          call_id: callId,
          number: contact.number,
          leader: contact.leader,
          at,
        })
        .execute();
      found.push({ callId, leader: contact.leader, at: at.toISOString() });
    }
    return found;
  }

  /** Items from personal accounts waiting for the records officer to classify (2203(b)). */
  async queue(actor: Actor) {
    authorize(actor, 'capture.review', 'see the classification queue');
    return this.officeItems()
      .select([
        'captured_items.id',
        'captured_items.kind',
        'captured_items.occurred_at',
        'captured_items.summary',
        'capture_accounts.identifier',
        'users.display_name',
      ])
      .where('captured_items.category', '=', 'unknown')
      .where('capture_accounts.official', '=', false)
      .where('users.office_id', '=', actor.officeId)
      .orderBy('captured_items.occurred_at')
      .limit(500)
      .execute();
  }

  /** A records officer's classification decision: one record in the log, pointing at the item's record. */
  async classify(actor: Actor, itemId: string, category: 'presidential' | 'personal', reason: string) {
    authorize(actor, 'capture.review', 'classify captured records');
    return this.db.transaction().execute(async (tx) => {
      const item = await tx
        .selectFrom('captured_items')
        .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
        .innerJoin('users', 'users.id', 'capture_accounts.owner_id')
        .select([
          'captured_items.id',
          'captured_items.category',
          'captured_items.record_id',
          'users.office_id',
        ])
        .where('captured_items.id', '=', itemId)
        .forUpdate()
        .executeTakeFirst();
      if (!item || item.office_id !== actor.officeId) throw new NotFoundError('captured item', itemId);
      const rec = await this.records.append(tx, {
        kind: 'capture.classified',
        office: item.office_id,
        actor: actor.userId,
        subject: itemId,
        prev: item.record_id,
        content: { itemId, from: item.category, to: category, reason, statute: '44 U.S.C. 2203(b)' },
      });
      await tx.updateTable('captured_items').set({ category }).where('id', '=', itemId).execute();
      return { itemId, category, recordSeq: rec.seq };
    });
  }

  /** The 20-day rule over every captured item of the actor's office. */
  async compliance(actor: Actor, now = this.clock.now()): Promise<ComplianceRow[]> {
    authorize(actor, 'capture.read', 'see records compliance');
    const rows = await this.officeItems()
      .select([
        'captured_items.id',
        'captured_items.kind',
        'captured_items.occurred_at',
        'captured_items.category',
        'captured_items.summary',
        'capture_accounts.identifier',
        'capture_accounts.official',
        'users.display_name',
        'users.covered',
        'users.email',
      ])
      .where('users.office_id', '=', actor.officeId)
      .execute();
    const officialAccounts = new Set<string>();
    for (const a of await this.db
      .selectFrom('capture_accounts')
      .select('identifier')
      .where('official', '=', true)
      .execute())
      officialAccounts.add(a.identifier);
    for (const u of await this.db
      .selectFrom('users')
      .select('email')
      .where('office_id', '=', actor.officeId)
      .execute())
      officialAccounts.add(u.email.toLowerCase());
    type Summary = {
      to?: string[];
      cc?: string[];
      bcc?: string[];
      messageId?: string | null;
      bodyHash?: string;
      subject?: string | null;
      from?: string | null;
      number?: string;
      forwardedOf?: {
        from?: string | null;
        date?: string | null;
        subject?: string | null;
        messageId?: string;
      } | null;
    };
    const officialCopies: OfficialCopy[] = rows
      .filter((r) => r.official)
      .map((r) => {
        const s = r.summary as Summary;
        const f = s.forwardedOf;
        return {
          at: new Date(r.occurred_at),
          account: r.identifier,
          ...(s.messageId ? { messageId: s.messageId } : {}),
          ...(s.bodyHash ? { contentHash: s.bodyHash } : {}),
          ...(f
            ? {
                forwardedOf: {
                  ...(f.messageId ? { messageId: f.messageId } : {}),
                  ...(f.from ? { from: (/<([^>]+)>/.exec(f.from)?.[1] ?? f.from).toLowerCase() } : {}),
                  ...(f.date ? { date: new Date(f.date) } : {}),
                  ...(f.subject ? { subject: f.subject } : {}),
                },
              }
            : {}),
        };
      });
    return rows
      .filter((r) => !r.official)
      .map((r) => {
        const s = r.summary as Summary;
        const item: RuleItem = {
          createdAt: new Date(r.occurred_at),
          kind: r.kind as RuleItem['kind'],
          category: r.category,
          owner: r.covered as CoveredStatus,
          recipients: [...(s.to ?? []), ...(s.cc ?? []), ...(s.bcc ?? [])],
          ...(s.messageId ? { messageId: s.messageId } : {}),
          ...(s.bodyHash ? { contentHash: s.bodyHash } : {}),
          ...(s.subject ? { subject: s.subject } : {}),
          ...(s.from ? { from: s.from } : {}),
        };
        return {
          itemId: r.id,
          kind: r.kind,
          owner: r.display_name,
          account: r.identifier,
          occurredAt: new Date(r.occurred_at).toISOString(),
          subject: s.subject ?? null,
          category: r.category,
          result: evaluate(item, { officialAccounts, officialCopies, now }),
        };
      });
  }

  /** The compliance table as CSV (RFC 4180), for the records officer's files. */
  async complianceCsv(actor: Actor): Promise<string> {
    const rows = await this.compliance(actor);
    const q = (v: unknown) => {
      const s = v === null || v === undefined ? '' : String(v);
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const detail = (r: RuleStatus) =>
      r.status === 'due'
        ? `${r.daysLeft} days left; deadline ${r.deadline.toISOString()}`
        : r.status === 'overdue'
          ? `${r.daysOverdue} days overdue; deadline ${r.deadline.toISOString()}`
          : r.status === 'compliant-forwarded'
            ? `${r.method} at ${r.at.toISOString()} to ${r.account}`
            : r.status === 'compliant-copied'
              ? `copied ${r.account}`
              : r.status === 'not-applicable'
                ? r.reason
                : '';
    const lines = [
      ['item_id', 'kind', 'owner', 'account', 'occurred_at', 'subject', 'category', 'status', 'detail'].join(
        ',',
      ),
    ];
    for (const r of rows)
      lines.push(
        [
          r.itemId,
          r.kind,
          r.owner,
          r.account,
          r.occurredAt,
          r.subject,
          r.category,
          r.result.status,
          detail(r.result),
        ]
          .map(q)
          .join(','),
      );
    return `${lines.join('\r\n')}\r\n`;
  }

  /** The records officer's dashboard: counts by status and person, what falls due within 5 days, a monthly series. */
  async complianceSummary(actor: Actor) {
    const rows = await this.compliance(actor);
    const byStatus: Record<string, number> = {};
    const byPerson: Record<string, Record<string, number>> = {};
    const byMonth: Record<string, Record<string, number>> = {};
    for (const r of rows) {
      const st = r.result.status;
      byStatus[st] = (byStatus[st] ?? 0) + 1;
      byPerson[r.owner] ??= {};
      byPerson[r.owner]![st] = (byPerson[r.owner]![st] ?? 0) + 1;
      const month = r.occurredAt.slice(0, 7);
      byMonth[month] ??= {};
      byMonth[month]![st] = (byMonth[month]![st] ?? 0) + 1;
    }
    const dueSoon = rows
      .filter((r) => r.result.status === 'due' && r.result.daysLeft <= 5)
      .map((r) => ({
        itemId: r.itemId,
        owner: r.owner,
        account: r.account,
        subject: r.subject,
        kind: r.kind,
        daysLeft: r.result.status === 'due' ? r.result.daysLeft : 0,
      }))
      .sort((a, b) => a.daysLeft - b.daysLeft);
    const alerts = await this.db
      .selectFrom('off_channel_alerts')
      .innerJoin('calls', 'calls.id', 'off_channel_alerts.call_id')
      .select([
        'off_channel_alerts.call_id',
        'off_channel_alerts.leader',
        'off_channel_alerts.number',
        'off_channel_alerts.at',
        'calls.state',
      ])
      .where('calls.owner_office_id', '=', actor.officeId)
      .orderBy('off_channel_alerts.at', 'desc')
      .execute();
    return {
      total: rows.length,
      byStatus,
      byPerson,
      byMonth: Object.entries(byMonth)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([month, counts]) => ({ month, counts })),
      dueSoon,
      alerts: alerts.map((a) => ({
        callId: a.call_id,
        leader: a.leader,
        number: a.number,
        at: new Date(a.at).toISOString(),
        state: a.state,
      })),
    };
  }

  /**
   * Which device wrote what: posts per `source` (e.g. "Twitter for iPhone") per month for each X
   * account, and the share of each source's posts that leaked a location (geo, place, photo GPS).
   */
  async deviceSources(actor: Actor) {
    authorize(actor, 'capture.read', 'see device-source analysis');
    const rows = await this.officeItems()
      .select([
        'capture_accounts.identifier',
        'captured_items.occurred_at',
        'captured_items.summary',
        'captured_items.kind',
      ])
      .where('users.office_id', '=', actor.officeId)
      .where('captured_items.kind', 'in', ['tweet', 'tweet.deleted'])
      .execute();
    const accounts: Record<
      string,
      { sources: Record<string, { posts: number; flagged: number; byMonth: Record<string, number> }> }
    > = {};
    for (const r of rows) {
      const s = r.summary as { source?: string | null; locationLeak?: boolean };
      const src = s.source || 'unknown';
      accounts[r.identifier] ??= { sources: {} };
      const a = accounts[r.identifier]!;
      a.sources[src] ??= { posts: 0, flagged: 0, byMonth: {} };
      const e = a.sources[src]!;
      e.posts++;
      if (s.locationLeak) e.flagged++;
      const m = new Date(r.occurred_at).toISOString().slice(0, 7);
      e.byMonth[m] = (e.byMonth[m] ?? 0) + 1;
    }
    return Object.entries(accounts).map(([account, v]) => ({
      account,
      sources: Object.entries(v.sources).map(([source, e]) => ({
        source,
        posts: e.posts,
        flagged: e.flagged,
        flaggedShare: e.posts ? e.flagged / e.posts : 0,
        byMonth: e.byMonth,
      })),
    }));
  }

  /** Items that leaked a location: tweet geo/coordinates/place, or photo EXIF GPS. */
  async locationLeaks(actor: Actor) {
    authorize(actor, 'capture.read', 'see location leaks');
    const rows = await this.officeItems()
      .select([
        'captured_items.id',
        'captured_items.kind',
        'captured_items.occurred_at',
        'captured_items.summary',
        'capture_accounts.identifier',
      ])
      .where('users.office_id', '=', actor.officeId)
      .execute();
    return rows
      .filter((r) => (r.summary as { locationLeak?: boolean }).locationLeak)
      .map((r) => {
        const s = r.summary as {
          coordinates?: { coordinates?: [string | number, string | number] } | null;
          place?: { full_name?: string; name?: string } | null;
          photoGps?: { lat: number; lon: number }[];
        };
        const c = s.coordinates?.coordinates;
        const points = [
          ...(c ? [{ lat: Number(c[1]), lon: Number(c[0]) }] : []),
          ...(s.photoGps ?? []).map((g) => ({ lat: g.lat, lon: g.lon })),
        ];
        return {
          itemId: r.id,
          kind: r.kind,
          account: r.identifier,
          at: new Date(r.occurred_at).toISOString(),
          place: s.place?.full_name ?? s.place?.name ?? null,
          points,
        };
      });
  }

  /** Official accounts (emails, handles, numbers) and who in the office is covered by 2209(c). */
  async registry(actor: Actor) {
    authorize(actor, 'capture.registry', 'see the records registry');
    const accounts = await this.db
      .selectFrom('capture_accounts')
      .innerJoin('users', 'users.id', 'capture_accounts.owner_id')
      .select([
        'capture_accounts.id',
        'capture_accounts.kind',
        'capture_accounts.identifier',
        'capture_accounts.official',
        'users.display_name as owner',
      ])
      .where('users.office_id', '=', actor.officeId)
      .orderBy('capture_accounts.official', 'desc')
      .orderBy('capture_accounts.identifier')
      .execute();
    const people = await this.db
      .selectFrom('users')
      .select(['id', 'display_name', 'title', 'covered'])
      .where('office_id', '=', actor.officeId)
      .orderBy('display_name')
      .execute();
    return { accounts, people };
  }

  async addOfficialAccount(
    actor: Actor,
    input: { kind: 'email' | 'x' | 'phone'; identifier: string; ownerId: string },
  ) {
    authorize(actor, 'capture.registry', 'register official accounts');
    const identifier =
      input.kind === 'phone' ? toE164(input.identifier) : input.identifier.trim().toLowerCase();
    return this.db.transaction().execute(async (tx) => {
      const owner = await tx
        .selectFrom('users')
        .select(['id', 'office_id'])
        .where('id', '=', input.ownerId)
        .executeTakeFirst();
      if (!owner || owner.office_id !== actor.officeId) throw new NotFoundError('user', input.ownerId);
      const now = this.clock.now();
      const existing = await tx
        .selectFrom('capture_accounts')
        .select(['id', 'official'])
        .where('kind', '=', input.kind)
        .where('identifier', '=', identifier)
        .executeTakeFirst();
      if (existing)
        throw new ValidationError(
          `${identifier} is already registered as ${existing.official ? 'an official' : 'a personal'} account.`,
          { field: 'identifier' },
        );
      const id = newId(now.getTime());
      await tx
        .insertInto('capture_accounts')
        .values({ id, owner_id: owner.id, kind: input.kind, identifier, official: true, created_at: now })
        .execute();
      await writeAudit(tx, this.records, {
        action: 'capture.official_account_added',
        actor,
        office: owner.office_id,
        subject: id,
        details: { kind: input.kind, identifier },
      });
      return { id, kind: input.kind, identifier };
    });
  }

  async setCovered(actor: Actor, userId: string, covered: CoveredStatus) {
    authorize(actor, 'capture.registry', 'set who is covered by 44 U.S.C. 2209');
    return this.db.transaction().execute(async (tx) => {
      const u = await tx
        .selectFrom('users')
        .select(['id', 'office_id', 'covered'])
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!u || u.office_id !== actor.officeId) throw new NotFoundError('user', userId);
      await tx.updateTable('users').set({ covered }).where('id', '=', userId).execute();
      await writeAudit(tx, this.records, {
        action: 'capture.coverage_changed',
        actor,
        office: u.office_id,
        subject: userId,
        details: { from: u.covered, to: covered, statute: '44 U.S.C. 2209(c)' },
      });
      return { userId, covered };
    });
  }

  /** Captured items joined to their account and owner (callers filter by the owner's office). */
  private officeItems() {
    return this.db
      .selectFrom('captured_items')
      .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
      .innerJoin('users', 'users.id', 'capture_accounts.owner_id');
  }
}
