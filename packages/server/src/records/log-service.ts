import type { Clock, Logger } from '@hotline/common';
import {
  type Checkpoint,
  encodeBundle,
  formatCheckpoint,
  HASH_SIZE,
  type Hasher,
  integrate,
  parseCheckpointBody,
  type Signer,
  signNote,
  TILE_WIDTH,
  type TileReader,
  TreeReader,
  tileWidth,
  verifierKeyString,
} from '@hotline/ledger';
import { nodeHasher } from './node-hash.js';
import { V1LogError } from './records-service.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/** An arbitrary constant naming the integrator's advisory lock ("HOTL"). */
const INTEGRATOR_LOCK = 0x484f544c;

export interface LogOptions {
  origin: string;
  signer: Signer;
  /** Keys that also sign checkpoints published at `at` (the previous key during a rotation). */
  cosigners?: (at: Date) => Signer[];
  /** most entries folded into tiles per integration transaction */
  maxBatch?: number;
  /** pause between integration passes when idle */
  idleMs?: number;
  /**
   * Integrate and publish only on this fixed cadence, aligned to the wall clock (every
   * `intervalMs` since the epoch), whatever is written in between; 0 or unset: as soon as
   * records are written. Limits what the log's growth reveals about when records are written.
   */
  intervalMs?: number;
}

/** Milliseconds from `nowMs` to the next multiple of `intervalMs` (a whole interval when on one). */
export function msToNextTick(nowMs: number, intervalMs: number): number {
  return intervalMs - (nowMs % intervalMs);
}

export interface PublishedCheckpoint {
  size: number;
  root: Uint8Array;
  note: string;
  createdAt: Date;
}

/**
 * The records log after sequencing: integrate (tiles and root, in batches, in the background)
 * and publish (a signed checkpoint, stored in the same transaction). A checkpoint never names a
 * size that is not integrated. Only one integrator runs at a time across all server processes
 * (a transaction-scoped advisory lock); the others skip that pass.
 */
export class LogService {
  readonly verifierKey: string;
  readonly origin: string;
  private readonly maxBatch: number;
  private readonly idleMs: number;
  private wake: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly opts: LogOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    readonly hasher: Hasher = nodeHasher,
  ) {
    this.origin = opts.origin;
    this.verifierKey = verifierKeyString(opts.signer.name, opts.signer.publicKey);
    this.maxBatch = opts.maxBatch ?? 50_000;
    this.idleMs = opts.idleMs ?? 100;
  }

  /**
   * The right edge of the tree as of the last pass: the last tile of each level, as written or
   * read. A tile's first w hashes depend only on the (immutable) entries, so a remembered tile
   * is used only when it holds at least as many hashes as the tree being extended has there;
   * anything else is read from the database. Saves the tile reads of every pass.
   */
  private edge = new Map<number, { index: number; hashes: Uint8Array }>();

  /** One integration pass. Returns how many entries it integrated (0 if idle or another node holds the lock). */
  async integrateOnce(): Promise<number> {
    return repo.transaction(this.db, (tx) => this.integrateIn(tx));
  }

  /** One integration pass inside the caller's transaction `tx`. */
  async integrateIn(tx: Db): Promise<number> {
    if (!(await repo.tryAdvisoryLock(tx, INTEGRATOR_LOCK))) return 0;
    // Read under the lock (a new statement, so a new snapshot): integrated_size and the run
    // of entries after it, in one round trip.
    // PostgreSQL computes the RFC 6962 leaf hash, SHA-256(0x00 ‖ entry), of the stored leaf,
    // so 32 bytes per entry cross the wire.
    const rows = await repo.pendingLeaves(tx, this.maxBatch);
    if (rows.length === 0) throw new Error('log_state is missing');
    const from = Number(rows[0]!.integrated_size);
    // Only a contiguous run from `from` can be integrated; commits are ordered by the sequencer lock.
    let n = 0;
    while (n < rows.length && rows[n]!.seq !== null && Number(rows[n]!.seq) === from + n) n++;
    if (n === 0) {
      await this.ensureCheckpoint(tx, from);
      return 0;
    }
    const leafHashes = new Array<Uint8Array>(n);
    for (let i = 0; i < n; i++) leafHashes[i] = rows[i]!.leaf!;
    const seen = new Map<number, { index: number; hashes: Uint8Array }>();
    const note = (level: number, index: number, hashes: Uint8Array) => {
      const cur = seen.get(level);
      if (!cur || cur.index < index || (cur.index === index && cur.hashes.length < hashes.length))
        seen.set(level, { index, hashes });
    };
    const db = this.tileReader(tx);
    const reader: TileReader = {
      readTile: async (level, index) => {
        const e = this.edge.get(level);
        let t: Uint8Array | null;
        if (e && e.index === index && e.hashes.length >= tileWidth(from, level, index) * HASH_SIZE)
          t = e.hashes;
        else t = await db.readTile(level, index);
        if (t) note(level, index, t);
        return t;
      },
    };
    const result = await integrate(reader, from, leafHashes, this.hasher);
    // Every changed tile in one statement; a wider tile already stored is kept.
    const tiles = result.tiles;
    await repo.upsertTiles(tx, tiles);
    for (const t of tiles) note(t.level, t.index, t.hashes);
    await this.publish(tx, result.size, result.root, true);
    this.edge = seen;
    return n;
  }

  /** Integrate everything sequenced, inside the caller's transaction (migrate-v2). */
  async integrateAllIn(tx: Db): Promise<void> {
    if (!(await repo.tryAdvisoryLock(tx, INTEGRATOR_LOCK)))
      throw new Error('another process is integrating the records log; stop the server first');
    while ((await this.integrateIn(tx)) > 0) {}
  }

  /** Forget the remembered right edge of the tree (after the tree is rebuilt or a rebuild is rolled back). */
  forgetEdge(): void {
    this.edge = new Map();
  }

  /** Refuse (V1LogError) a log that still holds v1 entries: at start, and before `hotline verify`. */
  async assertV2(db: Db = this.db): Promise<void> {
    const s = await repo.logState(db);
    if (s.leaf_version !== 2) throw new V1LogError();
  }

  private async ensureCheckpoint(tx: Db, size: number) {
    const latest = await repo.latestCheckpoint(tx);
    if (!latest || Number(latest.size) < size) {
      const state = await repo.integratedRoot(tx);
      await this.publish(tx, size, state.integrated_root ?? this.hasher.emptyRoot(), false);
    }
  }

  /** Sign and store a checkpoint; with `advance`, also move log_state to it (one statement). */
  private async publish(tx: Db, size: number, root: Uint8Array, advance: boolean) {
    const at = this.clock.now();
    const note = signNote(
      formatCheckpoint({ origin: this.origin, size, root, extensions: [] }),
      this.opts.signer,
      ...(this.opts.cosigners?.(at) ?? []),
    );
    if (advance) {
      await repo.advanceWithCheckpoint(tx, size, root, note, at);
      return;
    }
    await repo.insertCheckpoint(tx, size, root, note, at);
  }

  /** Integrate until nothing is pending (tests, CLI, shutdown). */
  async integrateAll(): Promise<void> {
    for (;;) {
      const n = await this.integrateOnce();
      if (n === 0) {
        const s = await this.state();
        if (s.sequenced === s.integrated) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  /** Background loop: integrate and publish until the signal aborts. Logs errors, never throws. */
  async run(signal: AbortSignal): Promise<void> {
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    const interval = this.opts.intervalMs ?? 0;
    if (interval > 0) {
      await this.runOnCadence(signal, interval);
      signal.removeEventListener('abort', onAbort);
      return;
    }
    while (!signal.aborted) {
      let n = 0;
      try {
        n = await this.integrateOnce();
        if (n > 0) this.logger.debug({ integrated: n }, 'integrated log entries');
      } catch (err) {
        if (signal.aborted) break;
        this.logger.error({ err }, 'log integration failed; retrying');
      }
      if (n < this.maxBatch && !signal.aborted) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.idleMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = null;
      }
    }
    signal.removeEventListener('abort', onAbort);
  }

  /**
   * The background loop with a fixed cadence: sleep to the next tick (a poke does not wake it),
   * then integrate everything written since the last one and publish one checkpoint.
   */
  private async runOnCadence(signal: AbortSignal, interval: number): Promise<void> {
    while (!signal.aborted) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, msToNextTick(Date.now(), interval));
        this.wake = () => {
          if (!signal.aborted) return;
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
      if (signal.aborted) break;
      try {
        for (;;) {
          const n = await this.integrateOnce();
          if (n > 0) this.logger.debug({ integrated: n }, 'integrated log entries on the cadence');
          if (n < this.maxBatch) break;
        }
      } catch (err) {
        if (signal.aborted) break;
        this.logger.error({ err }, 'log integration failed; retrying at the next tick');
      }
    }
  }

  /** Nudge the integrator after an append (saves up to idleMs of latency; no effect on a fixed cadence). */
  poke(): void {
    this.wake?.();
  }

  async state(): Promise<{ sequenced: number; integrated: number }> {
    const s = await repo.logState(this.db);
    return { sequenced: Number(s.next_seq), integrated: Number(s.integrated_size) };
  }

  async latestCheckpoint(db: Db = this.db): Promise<PublishedCheckpoint | null> {
    const row = await repo.latestCheckpoint(db);
    return row
      ? {
          size: Number(row.size),
          root: new Uint8Array(row.root),
          note: row.note,
          createdAt: new Date(row.created_at),
        }
      : null;
  }

  /** The tree sizes at which a checkpoint was published, oldest first, with when. */
  async checkpointSizes(): Promise<{ size: number; createdAt: Date }[]> {
    const rows = await repo.checkpointSizes(this.db);
    return rows.map((r) => ({ size: Number(r.size), createdAt: new Date(r.created_at) }));
  }

  async checkpointAt(size: number): Promise<PublishedCheckpoint | null> {
    const row = await repo.checkpointAt(this.db, size);
    return row
      ? {
          size: Number(row.size),
          root: new Uint8Array(row.root),
          note: row.note,
          createdAt: new Date(row.created_at),
        }
      : null;
  }

  parse(note: string): Checkpoint {
    return parseCheckpointBody(note.slice(0, note.indexOf('\n\n') + 1));
  }

  tileReader(db: Db = this.db): TileReader {
    return {
      readTile: (level, index) => repo.readTile(db, level, index),
    };
  }

  /** Hash tile bytes for `width` hashes, or null if the log has not integrated that far. */
  async tile(level: number, index: number, width: number): Promise<Uint8Array | null> {
    const t = await this.tileReader().readTile(level, index);
    if (!t || t.length < width * 32) return null;
    return t.subarray(0, width * 32);
  }

  /** Entry bundle `index` with `width` entries, only within the integrated size. */
  async entryBundle(index: number, width: number): Promise<Uint8Array | null> {
    const { integrated } = await this.state();
    const start = index * TILE_WIDTH;
    if (start + width > integrated) return null;
    const rows = await repo.leaves(this.db, start, width);
    if (rows.length !== width) return null;
    return encodeBundle(rows.map((r) => new Uint8Array(r.leaf)));
  }

  async inclusionProof(index: number, size: number) {
    const reader = new TreeReader(this.tileReader(), size, this.hasher);
    return { leafHash: await reader.leafHash(index), proof: await reader.inclusionProof(index, size) };
  }

  async consistencyProof(from: number, to: number) {
    return new TreeReader(this.tileReader(), to, this.hasher).consistencyProof(from, to);
  }
}
