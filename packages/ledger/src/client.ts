import { decodeBundle } from './bundle.js';
import { type Checkpoint, openCheckpoint } from './checkpoint.js';
import { defaultHasher, equalBytes, HASH_SIZE, type Hasher, toHex } from './hash.js';
import { entriesPath, TILE_WIDTH, tilePath, tilesForSize, tileWidth } from './layout.js';
import { parseVerifierKey, type Verifier } from './note.js';
import { verifyConsistency, verifyInclusion } from './proof.js';
import { integrate, MemoryTileStore, type TileReader, TreeReader } from './tree.js';

/** Fetches a path under the log's base URL ("checkpoint", "tile/0/000", …); null when 404. */
export interface LogFetcher {
  get(path: string): Promise<Uint8Array | null>;
}

/** A LogFetcher over HTTP(S) with the global fetch (browser or Node 18+). */
export function httpFetcher(baseUrl: string, fetchFn: typeof fetch = fetch): LogFetcher {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    async get(path) {
      const res = await fetchFn(new URL(path, base), {
        headers: { accept: 'application/octet-stream, text/plain' },
      });
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

export class VerificationError extends Error {
  constructor(
    message: string,
    readonly where: string,
  ) {
    super(message);
    this.name = 'VerificationError';
  }
}

export interface AuditProgress {
  phase: 'entries' | 'tiles' | 'root';
  done: number;
  total: number;
}

export interface AuditOptions {
  onProgress?: (p: AuditProgress) => void;
  /** Extra check per entry (e.g. its content digest); throw to fail with that message. */
  checkEntry?: (index: number, entry: Uint8Array) => void | Promise<void>;
  signal?: AbortSignal;
}

/**
 * A client of a log served per C2SP tlog-tiles: verifies the signed checkpoint, inclusion,
 * consistency, and (audit) every entry and tile against the root. Runs in the browser and Node.
 */
export class LogClient {
  readonly verifier: Verifier;

  constructor(
    private readonly fetcher: LogFetcher,
    verifierKey: string,
    readonly origin: string,
    private readonly h: Hasher = defaultHasher,
  ) {
    this.verifier = parseVerifierKey(verifierKey);
  }

  async checkpoint(): Promise<{ checkpoint: Checkpoint; note: string }> {
    const raw = await this.fetcher.get('checkpoint');
    if (!raw) throw new VerificationError('the log has no checkpoint', 'checkpoint');
    const note = new TextDecoder().decode(raw);
    try {
      return { checkpoint: openCheckpoint(note, this.verifier, this.origin), note };
    } catch (err) {
      throw new VerificationError(`checkpoint does not verify: ${(err as Error).message}`, 'checkpoint');
    }
  }

  /** Verify a checkpoint note obtained elsewhere (e.g. an older one kept by an auditor). */
  openCheckpoint(note: string): Checkpoint {
    try {
      return openCheckpoint(note, this.verifier, this.origin);
    } catch (err) {
      throw new VerificationError(`checkpoint does not verify: ${(err as Error).message}`, 'checkpoint');
    }
  }

  tileReader(size: number): TileReader {
    return {
      readTile: async (level, index) => {
        const width = tileWidth(size, level, index);
        if (width === 0) return null;
        return this.fetcher.get(tilePath(level, index, width));
      },
    };
  }

  async entry(index: number, size: number): Promise<Uint8Array> {
    const bundleIndex = Math.floor(index / TILE_WIDTH);
    const width = Math.min(TILE_WIDTH, size - bundleIndex * TILE_WIDTH);
    const path = entriesPath(bundleIndex, width);
    const raw = await this.fetcher.get(path);
    if (!raw) throw new VerificationError(`entry bundle ${path} is missing`, path);
    const entries = decodeBundle(raw);
    if (entries.length !== width)
      throw new VerificationError(
        `entry bundle ${path} has ${entries.length} entries, expected ${width}`,
        path,
      );
    return entries[index - bundleIndex * TILE_WIDTH]!;
  }

  /** Fetch entry `index`, build its inclusion proof from tiles and check it against `cp`. */
  async proveInclusion(
    index: number,
    cp: Checkpoint,
  ): Promise<{ entry: Uint8Array; proof: Uint8Array[]; leafHash: Uint8Array }> {
    if (index >= cp.size)
      throw new VerificationError(`index ${index} is not in the tree of size ${cp.size}`, `entry ${index}`);
    const entry = await this.entry(index, cp.size);
    const leafHash = this.h.leaf(entry);
    const proof = await new TreeReader(this.tileReader(cp.size), cp.size, this.h).inclusionProof(
      index,
      cp.size,
    );
    if (!verifyInclusion(this.h, index, cp.size, leafHash, proof, cp.root)) {
      throw new VerificationError(
        `entry ${index} is not included in the tree of size ${cp.size} under root ${toHex(cp.root)}`,
        `entry ${index}`,
      );
    }
    return { entry, proof, leafHash };
  }

  async proveConsistency(older: Checkpoint, newer: Checkpoint): Promise<Uint8Array[]> {
    if (older.size > newer.size)
      throw new VerificationError(
        `checkpoint of size ${older.size} is newer than ${newer.size}`,
        'checkpoint',
      );
    const proof = await new TreeReader(this.tileReader(newer.size), newer.size, this.h).consistencyProof(
      older.size,
      newer.size,
    );
    if (!verifyConsistency(this.h, older.size, newer.size, older.root, newer.root, proof)) {
      throw new VerificationError(
        `the log of size ${newer.size} is not an append-only extension of the checkpoint of size ${older.size}`,
        'consistency',
      );
    }
    return proof;
  }

  /**
   * Full audit: re-fetch every entry bundle, hash every leaf, rebuild every tile, compare with the
   * served tiles and the checkpoint root. Names the first wrong bundle, tile or entry.
   */
  async audit(cp: Checkpoint, opts: AuditOptions = {}): Promise<{ size: number; root: Uint8Array }> {
    const store = new MemoryTileStore();
    let size = 0;
    const bundles = Math.ceil(cp.size / TILE_WIDTH);
    for (let b = 0; b < bundles; b++) {
      if (opts.signal?.aborted) throw new Error('audit aborted');
      const width = Math.min(TILE_WIDTH, cp.size - b * TILE_WIDTH);
      const path = entriesPath(b, width);
      const raw = await this.fetcher.get(path);
      if (!raw) throw new VerificationError(`entry bundle ${path} is missing`, path);
      let entries: Uint8Array[];
      try {
        entries = decodeBundle(raw);
      } catch (err) {
        throw new VerificationError(`entry bundle ${path} is malformed: ${(err as Error).message}`, path);
      }
      if (entries.length !== width)
        throw new VerificationError(
          `entry bundle ${path} has ${entries.length} entries, expected ${width}`,
          path,
        );
      for (let i = 0; i < entries.length; i++) {
        if (opts.checkEntry) {
          try {
            await opts.checkEntry(b * TILE_WIDTH + i, entries[i]!);
          } catch (err) {
            throw new VerificationError(
              `entry ${b * TILE_WIDTH + i}: ${(err as Error).message}`,
              `entry ${b * TILE_WIDTH + i}`,
            );
          }
        }
      }
      const r = await integrate(
        store,
        size,
        entries.map((e) => this.h.leaf(e)),
        this.h,
      );
      store.write(r.tiles);
      size = r.size;
      opts.onProgress?.({ phase: 'entries', done: size, total: cp.size });
    }
    const tiles = tilesForSize(cp.size);
    let done = 0;
    for (const t of tiles) {
      const path = tilePath(t.level, t.index, t.width);
      const served = await this.fetcher.get(path);
      const mine = (await store.readTile(t.level, t.index))!.subarray(0, t.width * HASH_SIZE);
      if (!served) throw new VerificationError(`hash tile ${path} is missing`, path);
      if (served.length !== t.width * HASH_SIZE) {
        throw new VerificationError(
          `hash tile ${path} has ${served.length / HASH_SIZE} hashes, expected ${t.width}`,
          path,
        );
      }
      if (!equalBytes(served, mine)) {
        let i = 0;
        while (equalBytes(served.subarray(i * 32, i * 32 + 32), mine.subarray(i * 32, i * 32 + 32))) i++;
        const what = t.level === 0 ? `leaf ${t.index * TILE_WIDTH + i}` : `node ${i} of the tile`;
        throw new VerificationError(
          `hash tile ${path} is wrong at ${what}: served ${toHex(served.subarray(i * 32, i * 32 + 32))}, recomputed ${toHex(mine.subarray(i * 32, i * 32 + 32))}`,
          path,
        );
      }
      opts.onProgress?.({ phase: 'tiles', done: ++done, total: tiles.length });
    }
    const root = await new TreeReader(store, cp.size, this.h).root();
    opts.onProgress?.({ phase: 'root', done: 1, total: 1 });
    if (!equalBytes(root, cp.root)) {
      throw new VerificationError(
        `recomputed root ${toHex(root)} differs from the checkpoint root ${toHex(cp.root)}`,
        'root',
      );
    }
    return { size: cp.size, root };
  }
}
