import { hash } from 'node:crypto';
import {
  type Clock,
  canonicalJson,
  canonicalJsonBytes,
  isUuid,
  newId,
  PushbackError,
  randomPool,
} from '@hotline/common';
import { LEAF_SALT_SIZE, leafCommitment } from '@hotline/ledger';
import type { ArchiveKeyring } from './archive-key.js';
import { nodeSha256 } from './node-hash.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/**
 * The message for a log that still holds v1 leaves (each public entry the envelope itself).
 * Such a log is refused at start and takes no new entry until it is rebuilt.
 */
export const V1_LOG_MESSAGE =
  "the records log holds v1 entries, which publish every record's kind, time, office, actor, subject and content digest. " +
  'Stop the server, back up the data folder (or database), then run `hotline log migrate-v2`: in one transaction it re-commits ' +
  'every record as a salted v2 entry and records the old log\'s final checkpoint in the new log. See the README, "What the public log reveals".';

/** Thrown when a v1 log is asked to take a new entry or to start. */
export class V1LogError extends Error {
  constructor() {
    super(V1_LOG_MESSAGE);
    this.name = 'V1LogError';
  }
}

/** A fresh 32-byte salt and the v2 leaf committing to `envelope` (canonical JSON) under it. */
export function commitEnvelope(envelope: string): { salt: Uint8Array; leaf: Uint8Array } {
  const salt = new Uint8Array(randomPool.take(LEAF_SALT_SIZE));
  return { salt, leaf: leafCommitment(salt, Buffer.from(envelope, 'utf8'), nodeSha256) };
}

/**
 * A record's envelope: canonical JSON of this object. Content stays out of it. In the public
 * log it is committed to, not shown: the leaf is "hotline-leaf/v2" ‖ SHA-256(salt ‖ envelope)
 * (see @hotline/ledger leaf.ts), with the salt and envelope kept in the database.
 */
export interface RecordEnvelope {
  v: 1;
  kind: string;
  id: string;
  at: string;
  office: string | null;
  actor: string | null;
  subject: string | null;
  /** hex SHA-256 of the content bytes */
  digest: string;
  prev?: string;
}

export interface AppendInput {
  kind: string;
  office?: string | null;
  actor?: string | null;
  subject?: string | null;
  prev?: string | null;
  /** JSON content is stored as canonical JSON; bytes are stored as they are. */
  content: unknown;
  id?: string;
  at?: Date;
}

export interface AppendedRecord {
  id: string;
  seq: number;
  digest: string;
  envelope: RecordEnvelope;
}

/** Records ready to sequence: see RecordsService.prepare. */
export interface PreparedRecords {
  out: AppendedRecord[];
  columns: repo.RecordColumns;
  contentDigests: string[];
  /** base64 of each content's sealed bytes, in contentDigests order */
  sealed: string[];
}

export interface RecordsOptions {
  /** Refuse new entries (PushbackError) when this many sequenced entries await integration. */
  maxPending: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex');
}

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** Entries prepared between yields to the event loop (about 2 ms of work). */
const PREPARE_SLICE = 200;

/** A uuid column value as it goes into a comma-separated parameter: must be a UUID. */
function uuidParam(value: string, field: string): string {
  if (typeof value !== 'string' || !isUuid(value)) {
    throw new TypeError(`record ${field} must be a UUID, got ${JSON.stringify(value)}`);
  }
  return value;
}

const SURROGATE = /[\ud800-\udfff]/;

function jsonString(s: string | null): string | null {
  if (s === null) return 'null';
  if (typeof s !== 'string' || SURROGATE.test(s)) return null;
  return JSON.stringify(s);
}

/**
 * Canonical JSON (RFC 8785) of an envelope, written out for its fixed shape: keys in UTF-16
 * order, strings as ECMAScript JSON.stringify writes them (which is what RFC 8785 specifies).
 * Anything unusual (a surrogate, a non-string) goes through the general canonicalizer, which
 * also rejects lone surrogates. The tests check it against canonicalJson().
 */
export function envelopeJson(e: RecordEnvelope): string {
  const actor = jsonString(e.actor);
  const at = jsonString(e.at);
  const digest = jsonString(e.digest);
  const id = jsonString(e.id);
  const kind = jsonString(e.kind);
  const office = jsonString(e.office);
  const prev = e.prev === undefined ? '' : jsonString(e.prev);
  const subject = jsonString(e.subject);
  if (
    e.v !== 1 ||
    actor === null ||
    at === null ||
    digest === null ||
    id === null ||
    kind === null ||
    office === null ||
    prev === null ||
    subject === null
  )
    return canonicalJson(e);
  return `{"actor":${actor},"at":${at},"digest":${digest},"id":${id},"kind":${kind},"office":${office},${
    prev === '' ? '' : `"prev":${prev},`
  }"subject":${subject},"v":1}`;
}

/**
 * The only writer of the records log. `append()` runs inside the caller's transaction, so a
 * state change and its record commit together or not at all.
 *
 * Sequencing: the single `log_state` row is updated (`next_seq = next_seq + n`) inside the
 * transaction. Its row lock serializes writers across every process on the database until
 * commit, and a rollback returns the numbers, so indexes are dense and there is one log, never
 * a fork. Keep append() as the last step of a transaction to hold that lock briefly.
 */
export class RecordsService {
  constructor(
    private readonly clock: Clock,
    private readonly cipher: ArchiveKeyring,
    private readonly opts: RecordsOptions = { maxPending: 500_000 },
  ) {}

  async append(tx: Db, input: AppendInput): Promise<AppendedRecord> {
    const [r] = await this.appendMany(tx, [input]);
    return r!;
  }

  async appendMany(tx: Db, inputs: AppendInput[]): Promise<AppendedRecord[]> {
    if (inputs.length === 0) return [];
    // Everything is computed before the sequencer lock is taken: content bytes, digests, ids,
    // envelopes and every statement parameter. Under the lock run only one statement
    // (UPDATE log_state + INSERT records) and the caller's COMMIT.
    const p = await this.prepare(inputs);
    await repo.insertRecordContent(tx, p.contentDigests, p.sealed, this.cipher.keyId);
    const startRaw = await repo.sequenceRecords(tx, p.columns, this.opts.maxPending);
    if (startRaw === null) await this.refused(tx);
    const start = Number(startRaw);
    for (let i = 0; i < p.out.length; i++) p.out[i]!.seq = start + i;
    return p.out;
  }

  /**
   * Records prepared for appending: ids, envelopes, leaves and sealed content, with no database
   * work. Their `seq` is -1 until they are sequenced.
   */
  async prepare(inputs: AppendInput[]): Promise<PreparedRecords> {
    const n = inputs.length;
    const out = new Array<AppendedRecord>(n);
    const ids: string[] = new Array(n);
    const kinds: string[] = new Array(n);
    const ats: string[] = new Array(n);
    const offices: (string | null)[] = new Array(n);
    const actors: (string | null)[] = new Array(n);
    const subjects: (string | null)[] = new Array(n);
    const digests: string[] = new Array(n);
    const prevs: (string | null)[] = new Array(n);
    const envelopes: string[] = new Array(n);
    const salts: string[] = new Array(n);
    const leaves: string[] = new Array(n);
    const content = new Map<string, Uint8Array>();
    for (let i = 0; i < n; i++) {
      // A big batch prepares in slices, yielding between them, so it does not hold up the event
      // loop (and with it other transactions' statements and commits) for tens of milliseconds.
      if (i > 0 && i % PREPARE_SLICE === 0) await new Promise<void>((r) => setImmediate(r));
      const input = inputs[i]!;
      const bytes =
        input.content instanceof Uint8Array ? input.content : canonicalJsonBytes(input.content ?? null);
      const digest = sha256Hex(bytes);
      const at = input.at ?? this.clock.now();
      const ms = at.getTime();
      const id = input.id ?? newId(ms);
      const envelope: RecordEnvelope = {
        v: 1,
        kind: input.kind,
        id,
        at: at.toISOString(),
        office: input.office ?? null,
        actor: input.actor ?? null,
        subject: input.subject ?? null,
        digest,
        ...(input.prev ? { prev: input.prev } : {}),
      };
      if (!content.has(digest)) content.set(digest, bytes);
      ids[i] = uuidParam(id, 'id');
      kinds[i] = envelope.kind;
      ats[i] = envelope.at;
      offices[i] = envelope.office === null ? null : uuidParam(envelope.office, 'office');
      actors[i] = envelope.actor === null ? null : uuidParam(envelope.actor, 'actor');
      subjects[i] = envelope.subject;
      digests[i] = digest;
      prevs[i] = input.prev ? uuidParam(input.prev, 'prev') : null;
      envelopes[i] = envelopeJson(envelope);
      const c = commitEnvelope(envelopes[i]!);
      salts[i] = base64(c.salt);
      leaves[i] = base64(c.leaf);
      out[i] = { id, seq: -1, digest, envelope };
    }
    const contentDigests = [...content.keys()];
    const sealed = await this.cipher.sealBatch([...content.values()]);

    return {
      out,
      columns: { ids, kinds, ats, offices, actors, subjects, digests, prevs, envelopes, salts, leaves },
      contentDigests,
      sealed: sealed.map(base64),
    };
  }

  /**
   * Staged appending, for work too big to hold the sequencing lock for (an import): prepared
   * records are written to a staging batch (in any number of short transactions, no lock),
   * then sequenced in order, a chunk per short transaction, with appendStaged. Staged records
   * are not in the log until sequenced; dropStaged forgets a batch.
   */
  async stage(tx: Db, batchId: string, firstOrd: number, p: PreparedRecords): Promise<void> {
    await repo.stageRecords(tx, batchId, firstOrd, p.columns, p.contentDigests, p.sealed, this.cipher.keyId);
  }

  /**
   * The content of the staged records with ord in [fromOrd, toOrd) into the archive's content
   * store, ahead of appendStaged and in a transaction of its own (content is addressed by its
   * digest: storing it twice, or before its record, changes nothing). No lock is taken.
   */
  async stageContentToLog(tx: Db, batchId: string, fromOrd: number, toOrd: number): Promise<void> {
    await repo.moveStagedContent(tx, batchId, fromOrd, toOrd);
  }

  /**
   * Sequence the staged records with ord in [fromOrd, toOrd) into the log, in ord order; their
   * content must be stored (stageContentToLog). Run it as the last step of a short transaction:
   * it takes the sequencing lock. Returns the first sequence number.
   */
  async appendStaged(tx: Db, batchId: string, fromOrd: number, toOrd: number): Promise<number> {
    const startRaw = await repo.sequenceStaged(tx, batchId, fromOrd, toOrd, this.opts.maxPending);
    if (startRaw === null) await this.refused(tx);
    return Number(startRaw);
  }

  /** Forget a staging batch (after it is sequenced, or when it is abandoned). */
  async dropStaged(tx: Db, batchId: string): Promise<void> {
    await repo.deleteStaged(tx, batchId);
  }

  /** Why the sequencer refused: a v1 log, or too many entries awaiting integration. */
  private async refused(tx: Db): Promise<never> {
    const state = await repo.logState(tx);
    if (state.leaf_version !== 2) throw new V1LogError();
    throw new PushbackError(
      `The records log has ${Number(state.next_seq) - Number(state.integrated_size)} entries waiting to be integrated; try again in a few seconds.`,
      2,
    );
  }

  /** The same service reading (and sealing) with another archive key, e.g. one rebuilt from shares. */
  withCipher(cipher: ArchiveKeyring): RecordsService {
    return new RecordsService(this.clock, cipher, this.opts);
  }

  /** Whether this service can open sealed content (false on a split server without shares). */
  get canOpen(): boolean {
    return this.cipher.canOpen;
  }

  /** The archive key new content is sealed under, and the split of its private key if any. */
  get archiveKey(): { keyId: string; canOpen: boolean; split: { threshold: number; of: number } | null } {
    const split = (this.cipher as { split?: { threshold: number; of: number } | null }).split ?? null;
    return {
      keyId: this.cipher.keyId,
      canOpen: this.cipher.canOpen,
      split: split ? { threshold: split.threshold, of: split.of } : null,
    };
  }

  /** Decrypted content of a record, by digest. */
  async content(db: Db, digest: string): Promise<Uint8Array | null> {
    const row = await repo.findContent(db, digest);
    return row ? this.cipher.openSealed(row.bytes, row.key_id) : null;
  }

  /** Decrypted contents by digest, one query for all; a digest not stored is absent from the map. */
  async contents(db: Db, digests: readonly string[]): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    for (const row of await repo.findContents(db, digests))
      out.set(row.digest, await this.cipher.openSealed(row.bytes, row.key_id));
    return out;
  }
}
