import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clock, ConflictError, canonicalJson, newId, ValidationError } from '@hotline/common';
import type { ArchiveSearch } from '@hotline/contract';
import type { WitnessPolicy } from '@hotline/ledger';
import type { ArchiveQueries } from '../archive/queries.js';
import { type Actor, authorize } from '../policy/policy.js';
import { ArchiveSealedError } from '../records/archive-key.js';
import { writeAudit } from '../records/audit.js';
import type { ArchiveKeyCustody } from '../records/key-custody.js';
import type { KeyShare } from '../records/key-shares.js';
import type { LogService } from '../records/log-service.js';
import type { RecordsService } from '../records/records-service.js';
import { BagWriter, writeBagInfo } from './bag-writer.js';
import { BagPaths, collisionKey } from './bagit.js';
import { fsSyncer, type Syncer } from './durable.js';
import { recordPdf } from './pdf.js';
import { type ProofLine, Prover, policyText } from './proof.js';
import {
  accountFolder,
  attachmentPath,
  type BagFile,
  type EntryRow,
  entryFiles,
  mboxEntry,
  NARA_HEADER,
  naraRow,
  pdfPath,
  wantsPdf,
} from './render.js';
import type { Cursor, Db, ScopeRow } from './repository.js';
import * as repo from './repository.js';
import { transferInfo, transferTagFiles } from './transfer-info.js';
import {
  bagName,
  type FinishedBag,
  isEmptyOrMissing,
  readState,
  saveState,
  type TransferState,
} from './transfer-state.js';

/** Entries of the scope read per page (keyset, in log order; at most this many in memory). */
const PAGE = 2000;
/** Records whose contents are read in one query, files made and proofs computed together. */
const BATCH = 200;
/** Tag files written as the bag grows. */
const RECORDS = 'proof/records.jsonl';
const METADATA = 'metadata/nara-2015-04.txt';
const STREAMS = [RECORDS, METADATA];

export interface TransferInput {
  to: string;
  search: ArchiveSearch;
  /** a bag is closed before an item would take its payload past this many bytes (1 item at least) */
  maxBagBytes: number;
  maxBagItems?: number | null;
  /** entries of the scope read per query (default 2000; tests make pages small to cross them) */
  pageSize?: number;
  onProgress?: (p: { done: number; total: number; bag: string }) => void;
  /**
   * Custodians' shares of the archive key: the transfer opens sealed content with the key they
   * rebuild, for this transfer only, recorded with who took part. Needed on a split server.
   */
  shares?: KeyShare[];
  /** Who runs it, for the record of the opening (the CLI's operator user@host). */
  by?: string;
  /** How files and folders are made durable (fsync; tests pass one that records the order). */
  sync?: Syncer;
}

export interface TransferResult {
  id: string;
  dir: string;
  bags: FinishedBag[];
  items: number;
  records: number;
  checkpointSize: number;
  resumed: boolean;
  recordSeq: number;
}

interface OpenBag {
  w: BagWriter;
  name: string;
  records: number;
  first: Cursor | null;
  last: Cursor | null;
  accounts: Map<string, string>;
}

const cursorOf = (r: ScopeRow): Cursor => ({
  seq: Number(r.record_seq),
  refKind: r.ref_kind,
  refId: r.ref_id,
});

function entryOf(r: ScopeRow): EntryRow {
  return {
    refKind: r.ref_kind,
    refId: r.ref_id,
    kind: r.kind,
    callId: r.call_id,
    title: r.title,
    body: r.body,
    occurredAt: new Date(r.occurred_at),
    classification: r.classification,
    seq: Number(r.record_seq),
    recordId: r.record_id,
    account: r.account,
    accountKind: r.account_kind,
    summary: r.summary,
  };
}

/**
 * Transfer to the national archive (44 U.S.C. 2203(g)): the records a search matches (or the
 * whole office's) as BagIt bags with the proofs that they are the records the log holds.
 * Streams: a page of the scope at a time, each file written and hashed as it comes, so memory
 * does not grow with the transfer. The start and the end are records in the log (audit
 * `archive.transfer_started` / `archive.transferred`), each its own transaction.
 */
export class TransferService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly log: LogService,
    private readonly queries: ArchiveQueries,
    private readonly clock: Clock,
    private readonly checkpoint: () => Promise<{ size: number; note: string } | null>,
    private readonly witnessPolicy: () => WitnessPolicy | null,
    private readonly custody?: ArchiveKeyCustody,
  ) {}

  /**
   * Refuse, before anything is written, a transfer that could not open sealed content: on a
   * split server it needs k custodians' shares.
   */
  assertCanOpen(shares: KeyShare[] | undefined): void {
    if (shares?.length) {
      this.custody?.assertShares(shares);
      return;
    }
    const key = this.records.archiveKey;
    if (!key.canOpen)
      throw new ArchiveSealedError(
        `A transfer opens the sealed content, and this server holds only the archive's public key: it needs ${
          key.split ? `${key.split.threshold} of the ${key.split.of}` : 'enough'
        } custodians' shares (on the command line: --shares FILE…; on the records screen: their share files). The opening is recorded with who took part.`,
        { keyId: key.keyId, ...(key.split ?? {}) },
      );
  }

  async transfer(actor: Actor, input: TransferInput): Promise<TransferResult> {
    authorize(actor, 'archive.search', 'transfer records to the national archive');
    this.assertCanOpen(input.shares);
    if (input.shares?.length) {
      const { shares, ...rest } = input;
      if (!this.custody) throw new Error('this transfer service has no key custody to open the archive with');
      return this.custody.withArchiveKey(
        shares,
        {
          purpose: 'transfer',
          detail: `transfer to ${input.to}: ${canonicalJson(input.search)}`,
          by: input.by ?? actor.displayName,
          office: actor.officeId,
          actor: actor.userId,
        },
        (cipher) =>
          new TransferService(
            this.db,
            this.records.withCipher(cipher),
            this.log,
            this.queries,
            this.clock,
            this.checkpoint,
            this.witnessPolicy,
          ).transfer(actor, rest),
      );
    }
    if (!(input.maxBagBytes > 0))
      throw new ValidationError('The bag size must be a positive number of bytes.');
    const q = await this.queries.toSql(actor, input.search);
    let state = await readState(input.to);
    const resumed = state !== null;
    if (state) {
      if (state.office !== actor.officeId || canonicalJson(state.search) !== canonicalJson(input.search))
        throw new ConflictError(
          `${input.to} holds a transfer of another scope or office; give an empty folder for a new transfer.`,
        );
    } else {
      if (!(await isEmptyOrMissing(input.to)))
        throw new ConflictError(`${input.to} is not empty; give an empty or new folder for the transfer.`);
      state = await this.start(actor, input, q);
    }
    if (!state.done) await this.run(actor, state, input, q);
    return {
      id: state.id,
      dir: input.to,
      bags: state.bags,
      items: state.bags.reduce((n, b) => n + b.items, 0),
      records: state.bags.reduce((n, b) => n + b.records, 0),
      checkpointSize: state.checkpoint.size,
      resumed,
      recordSeq: state.finishRecordSeq ?? state.startRecordSeq,
    };
  }

  /** The person the CLI acts as (a records officer, by email): active, with their roles. */
  async actorFor(email: string): Promise<Actor> {
    const u = await repo.userByEmail(this.db, email);
    if (u?.status !== 'active' || !u)
      throw new ValidationError(
        `No active Hotline user has the email ${email}; give a records officer's email.`,
        {
          field: 'as',
        },
      );
    return {
      userId: u.id,
      officeId: u.office_id,
      roles: u.roles as Actor['roles'],
      displayName: u.display_name,
    };
  }

  /**
   * Which records of a transfer's scope, at its checkpoint's size, the bags do not hold
   * (`seqs`: the record indexes the bags prove). Whoever holds the log can run it; the answer
   * is the proof that nothing is missing (an empty list) or the list of what is.
   */
  async missing(actor: Actor, search: ArchiveSearch, size: number, seqs: ReadonlySet<number>) {
    authorize(actor, 'archive.search', 'check a transfer against the records log');
    const q = await this.queries.toSql(actor, search);
    const out: { seq: number; refKind: string; refId: string }[] = [];
    let entries = 0;
    for (let after: Cursor | null = null; ; ) {
      const rows = await repo.scopePage(this.db, q, size, after, PAGE);
      if (rows.length === 0) break;
      after = cursorOf(rows.at(-1)!);
      for (const r of rows) {
        entries++;
        if (!seqs.has(Number(r.record_seq))) out.push(cursorOf(r));
      }
      const captured = rows.filter((r) => r.ref_kind === 'captured_item').map((r) => r.ref_id);
      for (const a of await repo.attachmentsOf(this.db, captured, size))
        if (!seqs.has(Number(a.seq)))
          out.push({ seq: Number(a.seq), refKind: 'capture.attachment', refId: a.id });
    }
    return { entries, missing: out };
  }

  private async start(actor: Actor, input: TransferInput, q: Parameters<typeof repo.scopeCount>[1]) {
    const id = newId(this.clock.now().getTime());
    const rec = await repo.transaction(this.db, (tx) =>
      writeAudit(tx, this.records, {
        action: 'archive.transfer_started',
        actor,
        subject: `transfer:${id}`,
        details: { transferId: id, search: input.search, maxBagBytes: input.maxBagBytes },
      }),
    );
    await this.log.integrateAll();
    const cp = await this.checkpoint();
    if (!cp) throw new ConflictError('The records log has no checkpoint yet; start the server once.');
    const policy = this.witnessPolicy();
    const state: TransferState = {
      v: 1,
      id,
      office: actor.officeId,
      search: input.search,
      startedAt: this.clock.now().toISOString(),
      startRecordSeq: rec.seq,
      checkpoint: {
        size: cp.size,
        note: cp.note,
        origin: this.log.origin,
        verifierKey: this.log.verifierKey,
        witnesses: policy ? policyText(policy) : null,
      },
      maxBagBytes: input.maxBagBytes,
      maxBagItems: input.maxBagItems ?? null,
      total: (await repo.scopeCount(this.db, q, cp.size)).entries,
      bags: [],
      done: false,
    };
    await mkdir(input.to, { recursive: true });
    await saveState(input.to, state, input.sync ?? fsSyncer);
    return state;
  }

  private async run(
    actor: Actor,
    state: TransferState,
    input: TransferInput,
    q: Parameters<typeof repo.scopeCount>[1],
  ) {
    const size = state.checkpoint.size;
    const sync = input.sync ?? fsSyncer;
    const prover = new Prover(this.log.tileReader(), size, this.log.hasher);
    const office = (await repo.officeName(this.db, actor.officeId))?.name ?? actor.officeId;
    let cursor = state.bags.at(-1)?.last ?? null;
    let done = state.bags.reduce((n, b) => n + b.items, 0);
    let bag: OpenBag | null = null;
    const finishBag = async (b: OpenBag) => {
      const n = state.bags.length + 1;
      const r = await b.w.finish(
        transferInfo(state, office, actor.displayName, n, null, b.records),
        transferTagFiles(state),
      );
      state.bags.push({
        name: b.name,
        items: b.w.items,
        records: b.records,
        octets: r.octets,
        files: r.files,
        first: b.first!,
        last: b.last!,
      });
      // The bag is synced whole (files, then folders) by finish(); only then does the state name it.
      await saveState(input.to, state, sync);
    };
    try {
      for (;;) {
        const rows = await repo.scopePage(this.db, q, size, cursor, input.pageSize ?? PAGE);
        if (rows.length === 0) break;
        const captured = rows.filter((r) => r.ref_kind === 'captured_item').map((r) => r.ref_id);
        const atts = new Map<string, repo.AttachmentRow[]>();
        for (const a of await repo.attachmentsOf(this.db, captured, size))
          atts.set(a.subject, [...(atts.get(a.subject) ?? []), a]);
        // A batch of records at a time: their contents (and their attachments') in one query,
        // their files (PDFs included) made together, their proofs computed together.
        for (let i = 0; i < rows.length; i += BATCH) {
          const batch = rows.slice(i, i + BATCH);
          const contents = await this.records.contents(this.db, [
            ...batch.map((r) => r.digest),
            ...batch.flatMap((r) => (atts.get(r.ref_id) ?? []).map((a) => a.digest)),
          ]);
          const items = await Promise.all(
            batch.map((row) => this.itemFiles(entryOf(row), row, atts.get(row.ref_id) ?? [], contents)),
          );
          const proofs = items.map((item) => this.proofs(item, prover));
          // A rejected proof is thrown where it is awaited, in order; none goes unhandled.
          for (const p of proofs) p.catch(() => undefined);
          for (let j = 0; j < batch.length; j++) {
            const row = batch[j]!;
            const e = entryOf(row);
            const item = items[j]!;
            const bytes = item.files.reduce((n, f) => n + f.bytes.length, 0) + (item.mbox?.length ?? 0);
            if (
              bag &&
              bag.w.items > 0 &&
              (bag.w.size + bytes > state.maxBagBytes ||
                (state.maxBagItems && bag.w.items >= state.maxBagItems))
            ) {
              await finishBag(bag);
              bag = null;
            }
            if (!bag) {
              const name = bagName(state.bags.length + 1);
              const w = await BagWriter.create(join(input.to, name), STREAMS, sync);
              await w.tag(METADATA, NARA_HEADER);
              bag = { w, name, records: 0, first: null, last: null, accounts: new Map() };
            }
            // Names that would be one file on a case-insensitive or normalising file system are
            // refused before anything of the item is written: the item's own paths (ids are unique
            // per item, so only its attachments can collide) and its account's folder.
            new BagPaths().add(item.files.map((f) => f.path));
            if (e.refKind === 'captured_item') {
              const folder = accountFolder(e);
              const k = collisionKey(folder);
              const other = bag.accounts.get(k);
              if (other !== undefined && other !== folder)
                throw new ConflictError(
                  `The account folders "${folder}" and "${other}" differ only by letter case or Unicode normalisation; one bag cannot hold both. Transfer the two accounts separately (--account), then run again.`,
                );
              bag.accounts.set(k, folder);
            }
            await this.writeItem(bag, e, row, item, await proofs[j]!);
            bag.first ??= cursorOf(row);
            bag.last = cursorOf(row);
            cursor = cursorOf(row);
            done++;
            input.onProgress?.({ done, total: state.total, bag: bag.name });
          }
        }
      }
    } catch (err) {
      await bag?.w.abandon();
      throw err;
    }
    if (bag) await finishBag(bag);
    await this.finalize(state, input.to, office, actor, sync);
    const rec = await repo.transaction(this.db, (tx) =>
      writeAudit(tx, this.records, {
        action: 'archive.transferred',
        actor,
        subject: `transfer:${state.id}`,
        details: {
          transferId: state.id,
          checkpointSize: size,
          bags: state.bags.map((b) => ({
            name: b.name,
            items: b.items,
            records: b.records,
            oxum: `${b.octets}.${b.files}`,
          })),
        },
      }),
    );
    state.done = true;
    state.finishRecordSeq = rec.seq;
    await saveState(input.to, state, sync);
  }

  /** The files of one entry: its own, its attachments', its PDF, and its MBOX entry (email). */
  private async itemFiles(
    e: EntryRow,
    row: ScopeRow,
    atts: repo.AttachmentRow[],
    contents: ReadonlyMap<string, Uint8Array>,
  ) {
    const content = this.open(contents, row.digest, e.seq);
    const files: (BagFile & {
      rec?: { seq: number; id: string; envelope: Uint8Array; salt: Uint8Array | null };
    })[] = entryFiles(e, content, row.digest).map((f) => ({
      ...f,
      rec: { seq: e.seq, id: row.record_id, envelope: row.envelope, salt: row.salt },
    }));
    const named = (
      (e.summary?.attachments as { filename?: string; sha256?: string }[] | undefined) ?? []
    ).slice();
    for (const a of atts) {
      const bytes = this.open(contents, a.digest, Number(a.seq));
      const i = named.findIndex((n) => n.sha256 === a.digest);
      const filename =
        i >= 0 ? (named.splice(i, 1)[0]!.filename ?? `attachment-${a.seq}`) : `attachment-${a.seq}`;
      files.push({
        path: attachmentPath(e, filename),
        bytes,
        proves: 'file',
        title: `${e.title}: ${filename}`,
        description: `attachment of ${e.kind} ${e.refId}, records-log entry ${a.seq}`,
        rec: { seq: Number(a.seq), id: a.id, envelope: a.envelope, salt: a.salt },
      });
    }
    if (wantsPdf(e))
      files.push({
        path: pdfPath(e),
        bytes: await recordPdf({
          title: e.title,
          facts: `${e.kind} · ${e.occurredAt.toISOString()} · records-log entry ${e.seq}`,
          body: e.body,
          at: e.occurredAt,
        }),
        title: e.title,
        description: `${e.kind} ${e.refId} printed from its JSON record`,
      });
    const mbox =
      e.refKind === 'captured_item' && e.kind === 'email'
        ? mboxEntry(content, typeof e.summary?.from === 'string' ? e.summary.from : null, e.occurredAt)
        : null;
    return { files, mbox };
  }

  private open(contents: ReadonlyMap<string, Uint8Array>, digest: string, seq: number): Uint8Array {
    const c = contents.get(digest);
    if (!c)
      throw new ConflictError(
        `The content of records-log entry ${seq} is missing from the store; run hotline verify.`,
      );
    return c;
  }

  /** The proof lines of an item's records (its own, its attachments'), in the order of its files. */
  private proofs(item: Awaited<ReturnType<TransferService['itemFiles']>>, prover: Prover) {
    const proven = new Map<
      number,
      {
        rec: NonNullable<(typeof item.files)[number]['rec']>;
        files: { path: string; part: 'file' | 'original' }[];
      }
    >();
    for (const f of item.files)
      if (f.rec && f.proves) {
        const p = proven.get(f.rec.seq) ?? { rec: f.rec, files: [] };
        p.files.push({ path: `data/${f.path}`, part: f.proves });
        proven.set(f.rec.seq, p);
      }
    return Promise.all([...proven.values()].map((p) => prover.line(p.rec, p.files)));
  }

  private async writeItem(
    bag: OpenBag,
    e: EntryRow,
    row: ScopeRow,
    item: Awaited<ReturnType<TransferService['itemFiles']>>,
    proofLines: readonly ProofLine[],
  ) {
    for (const f of item.files) {
      await bag.w.addFile(f.path, f.bytes);
      await bag.w.tag(
        METADATA,
        naraRow({
          path: f.path,
          recordId: f.rec?.id ?? row.record_id,
          title: f.title,
          description: f.description,
          creator: e.account ?? e.kind,
          created: e.occurredAt,
          rights:
            e.classification === 'personal'
              ? 'Personal record (44 U.S.C. 2201(3))'
              : 'Presidential record (44 U.S.C. 2201(2))',
          coverage: e.occurredAt.toISOString().slice(0, 10),
          relation: f.rec ? `records-log entry ${f.rec.seq}` : `derived from records-log entry ${e.seq}`,
        }),
      );
    }
    if (item.mbox) {
      const mboxPath = `${accountFolder(e)}/${accountFolder(e).split('/')[1]}.mbox`;
      const first = !bag.accounts.has(`mbox:${mboxPath}`);
      await bag.w.appendTo(mboxPath, item.mbox);
      if (first) {
        bag.accounts.set(`mbox:${mboxPath}`, mboxPath);
        await bag.w.tag(
          METADATA,
          naraRow({
            path: mboxPath,
            recordId: '',
            title: `Email of ${e.account} (MBOX)`,
            description: 'every message of the account in this bag, mboxrd',
            creator: e.account ?? 'email',
            created: e.occurredAt,
            rights: 'Presidential record (44 U.S.C. 2201(2))',
            coverage: '',
            relation: 'derived from the .eml files of the account',
          }),
        );
      }
    }
    for (const line of proofLines) {
      await bag.w.tag(RECORDS, `${JSON.stringify(line)}\n`);
      bag.records++;
    }
    bag.w.items++;
  }

  /** Every bag learns the total: Bag-Count "n of T" (bag-info and tag manifest rewritten). */
  private async finalize(state: TransferState, dir: string, office: string, actor: Actor, sync: Syncer) {
    const total = state.bags.length;
    for (let i = 0; i < total; i++) {
      const b = state.bags[i]!;
      const info = transferInfo(state, office, actor.displayName, i + 1, total, b.records).filter(
        ([k]) => total > 1 || (k !== 'Bag-Group-Identifier' && k !== 'Bag-Count'),
      );
      await writeBagInfo(
        join(dir, b.name),
        [...info, ['Payload-Oxum', `${b.octets}.${b.files}`]],
        [...STREAMS, ...Object.keys(transferTagFiles(state))],
        sync,
      );
    }
  }
}
