import type { Clock, Logger } from '@hotline/common';
import {
  type Checkpoint,
  encodeBundle,
  type Hasher,
  integrate,
  parseCheckpointBody,
  type Signer,
  signCheckpoint,
  TILE_WIDTH,
  type TileReader,
  TreeReader,
  verifierKeyString,
} from '@hotline/ledger';
import { type Kysely, sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { nodeHasher } from './node-hash.js';

/** An arbitrary constant naming the integrator's advisory lock ("HOTL"). */
const INTEGRATOR_LOCK = 0x484f544c;

export interface LogOptions {
  origin: string;
  signer: Signer;
  /** most entries folded into tiles per integration transaction */
  maxBatch?: number;
  /** pause between integration passes when idle */
  idleMs?: number;
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

  /** One integration pass. Returns how many entries it integrated (0 if idle or another node holds the lock). */
  async integrateOnce(): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const locked = await sql<{
        ok: boolean;
      }>`select pg_try_advisory_xact_lock(${INTEGRATOR_LOCK}) as ok`.execute(tx);
      if (!locked.rows[0]?.ok) return 0;
      const state = await tx
        .selectFrom('log_state')
        .select(['integrated_size', 'integrated_root'])
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      const from = Number(state.integrated_size);
      const rows = await tx
        .selectFrom('records')
        .select(['seq', 'envelope'])
        .where('seq', '>=', String(from))
        .orderBy('seq')
        .limit(this.maxBatch)
        .execute();
      // Only a contiguous run from `from` can be integrated; commits are ordered by the sequencer lock.
      let n = 0;
      while (n < rows.length && Number(rows[n]!.seq) === from + n) n++;
      if (n === 0) {
        await this.ensureCheckpoint(tx, from, state.integrated_root);
        return 0;
      }
      const leafHashes = rows.slice(0, n).map((r) => this.hasher.leaf(new Uint8Array(r.envelope)));
      const result = await integrate(this.tileReader(tx), from, leafHashes, this.hasher);
      for (const t of result.tiles) {
        await tx
          .insertInto('log_tiles')
          .values({ level: t.level, idx: String(t.index), width: t.width, hashes: t.hashes })
          .onConflict((oc) =>
            oc
              .columns(['level', 'idx'])
              .doUpdateSet({ width: t.width, hashes: t.hashes })
              .where('log_tiles.width', '<', t.width),
          )
          .execute();
      }
      await tx
        .updateTable('log_state')
        .set({ integrated_size: String(result.size), integrated_root: result.root })
        .where('id', '=', 1)
        .execute();
      await this.publish(tx, result.size, result.root);
      return n;
    });
  }

  private async ensureCheckpoint(tx: Kysely<Database>, size: number, root: Uint8Array | null) {
    const latest = await tx
      .selectFrom('log_checkpoints')
      .select('size')
      .orderBy('size', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!latest || Number(latest.size) < size) await this.publish(tx, size, root ?? this.hasher.emptyRoot());
  }

  private async publish(tx: Kysely<Database>, size: number, root: Uint8Array) {
    const note = signCheckpoint({ origin: this.origin, size, root, extensions: [] }, this.opts.signer);
    await tx
      .insertInto('log_checkpoints')
      .values({ size: String(size), root, note, created_at: this.clock.now() })
      .onConflict((oc) => oc.column('size').doNothing())
      .execute();
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

  /** Nudge the integrator after an append (saves up to idleMs of latency). */
  poke(): void {
    this.wake?.();
  }

  async state(): Promise<{ sequenced: number; integrated: number }> {
    const s = await this.db
      .selectFrom('log_state')
      .select(['next_seq', 'integrated_size'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return { sequenced: Number(s.next_seq), integrated: Number(s.integrated_size) };
  }

  async latestCheckpoint(db: Kysely<Database> = this.db): Promise<PublishedCheckpoint | null> {
    const row = await db
      .selectFrom('log_checkpoints')
      .selectAll()
      .orderBy('size', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row
      ? {
          size: Number(row.size),
          root: new Uint8Array(row.root),
          note: row.note,
          createdAt: new Date(row.created_at),
        }
      : null;
  }

  async checkpointAt(size: number): Promise<PublishedCheckpoint | null> {
    const row = await this.db
      .selectFrom('log_checkpoints')
      .selectAll()
      .where('size', '=', String(size))
      .executeTakeFirst();
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

  tileReader(db: Kysely<Database> = this.db): TileReader {
    return {
      readTile: async (level, index) => {
        const row = await db
          .selectFrom('log_tiles')
          .select('hashes')
          .where('level', '=', level)
          .where('idx', '=', String(index))
          .executeTakeFirst();
        return row ? new Uint8Array(row.hashes) : null;
      },
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
    const rows = await this.db
      .selectFrom('records')
      .select(['seq', 'envelope'])
      .where('seq', '>=', String(start))
      .where('seq', '<', String(start + width))
      .orderBy('seq')
      .execute();
    if (rows.length !== width) return null;
    return encodeBundle(rows.map((r) => new Uint8Array(r.envelope)));
  }

  async inclusionProof(index: number, size: number) {
    const reader = new TreeReader(this.tileReader(), size, this.hasher);
    return { leafHash: await reader.leafHash(index), proof: await reader.inclusionProof(index, size) };
  }

  async consistencyProof(from: number, to: number) {
    return new TreeReader(this.tileReader(), to, this.hasher).consistencyProof(from, to);
  }
}
