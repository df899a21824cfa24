import { decodeBundle } from './bundle.js';
import { type Checkpoint, openCheckpoint } from './checkpoint.js';
import { defaultHasher, equalBytes, HASH_SIZE, type Hasher, toHex } from './hash.js';
import { entriesPath, TILE_WIDTH, tilePath, tileWidth } from './layout.js';
import { parseVerifierKey, type Verifier } from './note.js';
import { verifyConsistency, verifyInclusion } from './proof.js';
import { MemoryTileStore, merkleRootOfHashes, type TileReader, TreeReader } from './tree.js';
import {
  type CosignedCheckpoint,
  describeQuorum,
  openCosignedCheckpoint,
  type WitnessPolicy,
} from './witness-policy.js';

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

/** What failed: `where` is the path (or "checkpoint", "root", "consistency") to look at. */
export class VerificationError extends Error {
  constructor(
    message: string,
    readonly where: string,
    /** the leaf index involved, when one entry is to blame */
    readonly index?: number,
  ) {
    super(message);
    this.name = 'VerificationError';
  }
}

/**
 * Fetch hash tile (level, index) of `width` hashes. C2SP tlog-tiles lets a log delete a partial
 * tile once the full one exists, so a missing partial tile falls back to the full tile's prefix.
 */
export async function fetchHashTile(
  fetcher: LogFetcher,
  level: number,
  index: number,
  width: number,
): Promise<Uint8Array | null> {
  const got = await fetcher.get(tilePath(level, index, width));
  if (got || width === TILE_WIDTH) return got;
  const full = await fetcher.get(tilePath(level, index));
  return full && full.length === TILE_WIDTH * HASH_SIZE ? full.subarray(0, width * HASH_SIZE) : null;
}

/** Fetch and decode entry bundle `index` of `width` entries, with the same full-bundle fallback. */
export async function fetchEntryBundle(
  fetcher: LogFetcher,
  index: number,
  width: number,
): Promise<Uint8Array[]> {
  const path = entriesPath(index, width);
  let raw = await fetcher.get(path);
  let fromFull = false;
  if (!raw && width < TILE_WIDTH) {
    raw = await fetcher.get(entriesPath(index));
    fromFull = raw !== null;
  }
  if (!raw) throw new VerificationError(`entry bundle ${path} is missing`, path);
  let entries: Uint8Array[];
  try {
    entries = decodeBundle(raw);
  } catch (err) {
    throw new VerificationError(`entry bundle ${path} is malformed: ${(err as Error).message}`, path);
  }
  if (fromFull && entries.length === TILE_WIDTH) entries = entries.slice(0, width);
  if (entries.length !== width)
    throw new VerificationError(
      `entry bundle ${path} has ${entries.length} entries, expected ${width}`,
      path,
    );
  return entries;
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

  /**
   * Check a checkpoint note's witness cosignatures against a policy: every policy witness's
   * cosignature must verify, and they must make the quorum. Returns who cosigned.
   */
  checkWitnesses(note: string, policy: WitnessPolicy): CosignedCheckpoint {
    let r: CosignedCheckpoint;
    try {
      r = openCosignedCheckpoint(note, [this.verifier], policy, this.origin);
    } catch (err) {
      throw new VerificationError(`checkpoint does not verify: ${(err as Error).message}`, 'checkpoint');
    }
    if (!r.quorum)
      throw new VerificationError(
        `the checkpoint lacks its witness quorum (${describeQuorum(policy.quorum)}); cosigned by: ${r.cosigners.map((c) => c.name).join(', ') || 'no policy witness'}`,
        'checkpoint',
      );
    return r;
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
        return fetchHashTile(this.fetcher, level, index, width);
      },
    };
  }

  async entry(index: number, size: number): Promise<Uint8Array> {
    if (!(index >= 0 && index < size))
      throw new VerificationError(
        `index ${index} is not in the tree of size ${size}`,
        `entry ${index}`,
        index,
      );
    const bundleIndex = Math.floor(index / TILE_WIDTH);
    const entries = await fetchEntryBundle(this.fetcher, bundleIndex, tileWidth(size, 0, bundleIndex));
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
   * Full audit: re-fetch every entry bundle and hash tile, hash every leaf, rebuild every tile
   * from the level below, compare with what the log serves, and compare the recomputed root
   * with the checkpoint. Streams left to right and keeps only the right edge of each level, so
   * memory stays at a few tiles whatever the log size. The first fault is thrown as a
   * VerificationError naming the tile or entry and saying which side is wrong.
   */
  async audit(cp: Checkpoint, opts: AuditOptions = {}): Promise<{ size: number; root: Uint8Array }> {
    const n = cp.size;
    const edge = new MemoryTileStore();
    const pending: Uint8Array[][] = [];
    const fullTiles: number[] = [];
    const check = async (level: number, index: number, mine: Uint8Array): Promise<void> => {
      await this.compareTile(cp, level, index, mine);
      edge.tiles.delete(`${level}/${index - 1}`);
      edge.tiles.set(`${level}/${index}`, mine);
    };
    // A full tile at `level` feeds one hash into the level above; a full tile there is checked.
    const feed = async (level: number, hash: Uint8Array): Promise<void> => {
      const buf = pending[level] ?? [];
      pending[level] = buf;
      buf.push(hash);
      if (buf.length < TILE_WIDTH) return;
      const index = fullTiles[level] ?? 0;
      fullTiles[level] = index + 1;
      pending[level] = [];
      const bytes = concatHashes(buf);
      await check(level, index, bytes);
      await feed(level + 1, merkleRootOfHashes(this.h, bytes));
    };
    const bundles = Math.ceil(n / TILE_WIDTH);
    for (let b = 0; b < bundles; b++) {
      if (opts.signal?.aborted) throw new Error('audit aborted');
      const width = tileWidth(n, 0, b);
      const entries = await fetchEntryBundle(this.fetcher, b, width);
      const leaves = new Uint8Array(width * HASH_SIZE);
      for (let i = 0; i < width; i++) {
        const index = b * TILE_WIDTH + i;
        if (opts.checkEntry) {
          try {
            await opts.checkEntry(index, entries[i]!);
          } catch (err) {
            throw new VerificationError(`entry ${index}: ${(err as Error).message}`, `entry ${index}`, index);
          }
        }
        leaves.set(this.h.leaf(entries[i]!), i * HASH_SIZE);
      }
      await check(0, b, leaves);
      if (width === TILE_WIDTH) await feed(1, merkleRootOfHashes(this.h, leaves));
      opts.onProgress?.({ phase: 'entries', done: b * TILE_WIDTH + width, total: n });
    }
    // What is left above level 0 are the partial tiles of the right edge.
    const partial = pending.map((p, level) => ({ level, p })).filter((x) => x.p && x.p.length > 0);
    let done = 0;
    for (const { level, p } of partial) {
      await check(level, fullTiles[level] ?? 0, concatHashes(p));
      opts.onProgress?.({ phase: 'tiles', done: ++done, total: partial.length });
    }
    const root = n === 0 ? this.h.emptyRoot() : await new TreeReader(edge, n, this.h).root();
    opts.onProgress?.({ phase: 'root', done: 1, total: 1 });
    if (!equalBytes(root, cp.root)) {
      throw new VerificationError(
        `recomputed root ${toHex(root)} differs from the checkpoint root ${toHex(cp.root)}`,
        'root',
      );
    }
    return { size: n, root };
  }

  /** Compare a recomputed tile with the served one; on a mismatch, work out which side is wrong. */
  private async compareTile(cp: Checkpoint, level: number, index: number, mine: Uint8Array): Promise<void> {
    const width = mine.length / HASH_SIZE;
    const path = tilePath(level, index, width);
    const served = await fetchHashTile(this.fetcher, level, index, width);
    if (!served) throw new VerificationError(`hash tile ${path} is missing`, path);
    if (served.length !== mine.length) {
      throw new VerificationError(
        `hash tile ${path} has ${served.length / HASH_SIZE} hashes, expected ${width}`,
        path,
      );
    }
    if (equalBytes(served, mine)) return;
    let i = 0;
    while (equalBytes(hashAt(served, i), hashAt(mine, i))) i++;
    const s = toHex(hashAt(served, i));
    const m = toHex(hashAt(mine, i));
    if (level > 0) {
      const child = tilePath(level - 1, index * TILE_WIDTH + i);
      throw new VerificationError(
        `hash tile ${path} is wrong at node ${i}: it holds ${s}, but ${child} (which matches its entries) hashes to ${m}`,
        path,
      );
    }
    const leaf = index * TILE_WIDTH + i;
    const bundle = entriesPath(index, width);
    // Which side does the signed root commit to? The leaf's own hash is not in its proof, so a
    // proof from the served tiles can test both candidates.
    let verdict = 'neither the tile nor the entry matches the checkpoint root';
    let where = path;
    let blamed: number | undefined;
    try {
      const proof = await new TreeReader(this.tileReader(cp.size), cp.size, this.h).inclusionProof(leaf);
      if (verifyInclusion(this.h, leaf, cp.size, hashAt(served, i), proof, cp.root)) {
        verdict = `the checkpoint root commits to the tile's hash, so entry ${leaf} was altered`;
        where = bundle;
        blamed = leaf;
      } else if (verifyInclusion(this.h, leaf, cp.size, hashAt(mine, i), proof, cp.root)) {
        verdict = `the checkpoint root commits to the entry, so the tile was altered`;
      }
    } catch {
      verdict = 'the tiles needed to tell which one the checkpoint commits to are unavailable';
    }
    throw new VerificationError(
      `hash tile ${path} is wrong at leaf ${leaf}: it holds ${s}, but entry ${leaf} of ${bundle} hashes to ${m}; ${verdict}`,
      where,
      blamed,
    );
  }
}

function hashAt(tile: Uint8Array, i: number): Uint8Array {
  return tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
}

function concatHashes(hashes: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  for (let i = 0; i < hashes.length; i++) out.set(hashes[i]!, i * HASH_SIZE);
  return out;
}
