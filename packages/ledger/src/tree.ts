import { defaultHasher, HASH_SIZE, type Hasher } from './hash.js';
import { hashesAtLevel, nodeLocation, TILE_WIDTH } from './layout.js';
import { isPowerOfTwo, splitPoint } from './proof.js';

/**
 * Reads stored hash tiles. `readTile` returns the stored hashes of tile (level, index)
 * concatenated (32 bytes each): the full tile, or the widest partial one stored, or null.
 */
export interface TileReader {
  readTile(level: number, index: number): Promise<Uint8Array | null>;
}

/**
 * Where the integrator's output goes. `writeTiles` stores each tile, replacing any narrower one
 * at the same (level, index); a store may keep the narrower ones too (C2SP lets a log serve a
 * partial tile until the full one exists).
 */
export interface TileStorage extends TileReader {
  writeTiles(tiles: readonly Tile[]): Promise<void>;
}

export interface Tile {
  level: number;
  index: number;
  /** number of hashes, 1..256 */
  width: number;
  hashes: Uint8Array;
}

export class TileMissingError extends Error {
  constructor(
    readonly level: number,
    readonly index: number,
    readonly needed: number,
    readonly have: number,
  ) {
    super(`hash tile ${level}/${index} is missing or too narrow: need ${needed} hashes, have ${have}`);
    this.name = 'TileMissingError';
  }
}

/**
 * Node hashes, roots and proofs of a tree of `size` leaves, read from tiles: O(log n) tile reads
 * per proof, with a per-instance cache.
 */
export class TreeReader {
  /**
   * Tiles read so far, most recently used last, each with the interior layers of its subtree
   * computed on first use (layer j holds the roots of aligned runs of 2^j hashes). A node inside
   * a tile then costs one lookup after the first, so a reader kept for a tree size answers
   * proofs with only the hashing of the tiles it has not seen. At most `MAX_CACHED_TILES`.
   */
  private readonly cache = new Map<string, { hashes: Uint8Array; layers: Uint8Array[] }>();
  static readonly MAX_CACHED_TILES = 512;

  constructor(
    private readonly tiles: TileReader,
    readonly size: number,
    private readonly h: Hasher = defaultHasher,
  ) {}

  private async tile(level: number, index: number, need: number) {
    const key = `${level}/${index}`;
    let t = this.cache.get(key);
    if (!t || t.hashes.length < need * HASH_SIZE) {
      const hashes = (await this.tiles.readTile(level, index)) ?? new Uint8Array(0);
      if (hashes.length < need * HASH_SIZE)
        throw new TileMissingError(level, index, need, hashes.length / HASH_SIZE);
      t = { hashes, layers: [hashes] };
    }
    this.cache.delete(key);
    this.cache.set(key, t);
    if (this.cache.size > TreeReader.MAX_CACHED_TILES) this.cache.delete(this.cache.keys().next().value!);
    return t;
  }

  /** Root of the perfect subtree of height `height` whose leftmost leaf is index·2^height. */
  async node(height: number, index: number): Promise<Uint8Array> {
    if ((index + 1) * 2 ** height > this.size) {
      throw new RangeError(`node (${height}, ${index}) is not complete in a tree of size ${this.size}`);
    }
    const at = nodeLocation(height, index);
    const t = await this.tile(at.level, at.tile, at.offset + at.count);
    const j = 31 - Math.clz32(at.count);
    for (let k = t.layers.length; k <= j; k++) {
      const below = t.layers[k - 1]!;
      const pairs = Math.floor(below.length / (2 * HASH_SIZE));
      t.layers.push(hashPairs(this.h, below, pairs, new Uint8Array(pairs * HASH_SIZE)));
    }
    const p = (at.offset / at.count) * HASH_SIZE;
    return t.layers[j]!.slice(p, p + HASH_SIZE);
  }

  /** MTH of leaves [start, start+n). Ranges from the RFC recursion are always aligned. */
  async rangeRoot(start: number, n: number): Promise<Uint8Array> {
    if (n === 0) return this.h.emptyRoot();
    if (isPowerOfTwo(n) && start % n === 0) return this.node(Math.round(Math.log2(n)), start / n);
    const k = splitPoint(n);
    return this.h.node(await this.rangeRoot(start, k), await this.rangeRoot(start + k, n - k));
  }

  root(): Promise<Uint8Array> {
    return this.rangeRoot(0, this.size);
  }

  async leafHash(index: number): Promise<Uint8Array> {
    return this.node(0, index);
  }

  /** RFC 9162 §2.1.3.1 PATH(m, D[n]) for leaf `index` in the tree of `treeSize` ≤ this.size. */
  async inclusionProof(index: number, treeSize = this.size): Promise<Uint8Array[]> {
    if (treeSize > this.size)
      throw new RangeError(`tree size ${treeSize} is beyond the integrated size ${this.size}`);
    if (!(index >= 0 && index < treeSize))
      throw new RangeError(`leaf index ${index} is not in a tree of size ${treeSize}`);
    const out: Uint8Array[] = [];
    const path = async (m: number, start: number, n: number): Promise<void> => {
      if (n <= 1) return;
      const k = splitPoint(n);
      if (m < k) {
        await path(m, start, k);
        out.push(await this.rangeRoot(start + k, n - k));
      } else {
        await path(m - k, start + k, n - k);
        out.push(await this.rangeRoot(start, k));
      }
    };
    await path(index, 0, treeSize);
    return out;
  }

  /** RFC 9162 §2.1.4.1 PROOF(m, D[n]) between sizes m ≤ n ≤ this.size. */
  async consistencyProof(m: number, n = this.size): Promise<Uint8Array[]> {
    if (n > this.size) throw new RangeError(`tree size ${n} is beyond the integrated size ${this.size}`);
    if (!(m >= 0 && m <= n)) throw new RangeError(`cannot prove consistency from ${m} to ${n}`);
    if (m === 0 || m === n) return [];
    const out: Uint8Array[] = [];
    const sub = async (mm: number, start: number, nn: number, b: boolean): Promise<void> => {
      if (mm === nn) {
        if (!b) out.push(await this.rangeRoot(start, nn));
        return;
      }
      const k = splitPoint(nn);
      if (mm <= k) {
        await sub(mm, start, k, b);
        out.push(await this.rangeRoot(start + k, nn - k));
      } else {
        await sub(mm - k, start + k, nn - k, false);
        out.push(await this.rangeRoot(start, k));
      }
    };
    await sub(m, 0, n, true);
    return out;
  }
}

export interface IntegrateResult {
  size: number;
  root: Uint8Array;
  /** Tiles to store: each replaces any narrower stored tile at the same (level, index). */
  tiles: Tile[];
}

/**
 * Integrate `leafHashes` appended at `fromSize`: extend the right edge of every tile level and
 * return the tiles that changed, the new size and the new root. Touches only the right edge, so
 * the cost is O(batch + log n) whatever the size of the tree.
 */
export async function integrate(
  reader: TileReader,
  fromSize: number,
  leafHashes: readonly Uint8Array[],
  h: Hasher = defaultHasher,
): Promise<IntegrateResult> {
  if (!(Number.isSafeInteger(fromSize) && fromSize >= 0))
    throw new RangeError(`fromSize must be a non-negative integer, got ${fromSize}`);
  for (let i = 0; i < leafHashes.length; i++) {
    if (leafHashes[i]!.length !== HASH_SIZE)
      throw new RangeError(`leaf hash ${i} of the batch is ${leafHashes[i]!.length} bytes, not ${HASH_SIZE}`);
  }
  const newTiles = new Map<string, Tile>();
  let incoming: Uint8Array[] = [...leafHashes];
  for (let level = 0; incoming.length > 0; level++) {
    const existing = hashesAtLevel(fromSize, level);
    const firstTile = Math.floor(existing / TILE_WIDTH);
    const partial = existing % TILE_WIDTH;
    const hashes: Uint8Array[] = [];
    if (partial > 0) {
      const stored = await reader.readTile(level, firstTile);
      if (!stored || stored.length < partial * HASH_SIZE) {
        throw new TileMissingError(level, firstTile, partial, (stored?.length ?? 0) / HASH_SIZE);
      }
      for (let i = 0; i < partial; i++) hashes.push(stored.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    }
    hashes.push(...incoming);
    const up: Uint8Array[] = [];
    for (let off = 0, t = firstTile; off < hashes.length; off += TILE_WIDTH, t++) {
      const chunk = hashes.slice(off, off + TILE_WIDTH);
      const bytes = new Uint8Array(chunk.length * HASH_SIZE);
      for (let i = 0; i < chunk.length; i++) bytes.set(chunk[i]!, i * HASH_SIZE);
      newTiles.set(`${level}/${t}`, { level, index: t, width: chunk.length, hashes: bytes });
      if (chunk.length === TILE_WIDTH) up.push(subtreeRoot(h, chunk));
    }
    incoming = up;
  }
  const size = fromSize + leafHashes.length;
  const overlay: TileReader = {
    readTile: async (level, index) =>
      newTiles.get(`${level}/${index}`)?.hashes ?? reader.readTile(level, index),
  };
  const root = await new TreeReader(overlay, size, h).root();
  return { size, root, tiles: [...newTiles.values()] };
}

function subtreeRoot(h: Hasher, hashes: Uint8Array[]): Uint8Array {
  let layer = hashes;
  while (layer.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < layer.length; i += 2) next.push(h.node(layer[i]!, layer[i + 1]!));
    layer = next;
  }
  return layer[0]!;
}

/**
 * Merkle root of 2^k concatenated 32-byte hashes taken as the leaves of a perfect subtree. For a
 * full tile this is the hash it contributes to the tile above (see `parentTileSlot`).
 */
export function merkleRootOfHashes(h: Hasher, hashes: Uint8Array): Uint8Array {
  let n = hashes.length / HASH_SIZE;
  if (!isPowerOfTwo(n)) throw new RangeError(`need a power of two of hashes, got ${hashes.length} bytes`);
  if (n === 1) return hashes.slice(0, HASH_SIZE);
  // Reduce pairwise in one work buffer: no array of views per level, so proofs (which call this
  // for every sibling) allocate little and trigger fewer garbage collections.
  const work = new Uint8Array((n / 2) * HASH_SIZE);
  let layer = hashes;
  while (n > 1) {
    n /= 2;
    layer = hashPairs(h, layer, n, work);
  }
  return work.slice(0, HASH_SIZE);
}

/**
 * The layer above: node hashes of the first `pairs` adjacent pairs of 32-byte hashes in `below`,
 * written to the start of `out` (which may be `below` itself: pair i is read before slot i is
 * written). Returns `out`.
 */
function hashPairs(h: Hasher, below: Uint8Array, pairs: number, out: Uint8Array): Uint8Array {
  for (let i = 0; i < pairs; i++) {
    const l = 2 * i * HASH_SIZE;
    out.set(
      h.node(below.subarray(l, l + HASH_SIZE), below.subarray(l + HASH_SIZE, l + 2 * HASH_SIZE)),
      i * HASH_SIZE,
    );
  }
  return out;
}

/**
 * Level-(L+1) hashes from consecutive full level-L tiles: hash i is the root of tile i. This is
 * how a tile above is derived from the tiles below it; partial tiles are never hashed upward.
 */
export function parentTileHashes(h: Hasher, childTiles: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(childTiles.length * HASH_SIZE);
  childTiles.forEach((t, i) => {
    if (t.length !== TILE_WIDTH * HASH_SIZE)
      throw new RangeError(
        `tile ${i} has ${t.length / HASH_SIZE} hashes; only full tiles feed the level above`,
      );
    out.set(merkleRootOfHashes(h, t), i * HASH_SIZE);
  });
  return out;
}

/** Inclusion proof for leaf `index` in the tree of `size`, from tiles (O(log n) tile reads). */
export function inclusionProof(
  tiles: TileReader,
  index: number,
  size: number,
  h: Hasher = defaultHasher,
): Promise<Uint8Array[]> {
  return new TreeReader(tiles, size, h).inclusionProof(index, size);
}

/** Consistency proof between sizes m ≤ n, from tiles. */
export function consistencyProof(
  tiles: TileReader,
  m: number,
  n: number,
  h: Hasher = defaultHasher,
): Promise<Uint8Array[]> {
  return new TreeReader(tiles, n, h).consistencyProof(m, n);
}

/** MTH of the first `size` leaves, from tiles (any size up to the integrated one). */
export function rootAt(tiles: TileReader, size: number, h: Hasher = defaultHasher): Promise<Uint8Array> {
  return new TreeReader(tiles, size, h).root();
}

/** MTH computed directly from all leaf hashes (reference implementation, O(n) memory). */
export function rootFromLeafHashes(h: Hasher, leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return h.emptyRoot();
  const rec = (start: number, n: number): Uint8Array => {
    if (n === 1) return leaves[start]!;
    const k = splitPoint(n);
    return h.node(rec(start, k), rec(start + k, n - k));
  };
  return rec(0, leaves.length);
}

/** In-memory tile storage for tests, benchmarks and the browser verifier. */
export class MemoryTileStore implements TileStorage {
  readonly tiles = new Map<string, Uint8Array>();
  async readTile(level: number, index: number): Promise<Uint8Array | null> {
    return this.tiles.get(`${level}/${index}`) ?? null;
  }
  async writeTiles(tiles: readonly Tile[]): Promise<void> {
    this.write(tiles);
  }
  /** Synchronous `writeTiles`. */
  write(tiles: readonly Tile[]): void {
    for (const t of tiles) {
      const cur = this.tiles.get(`${t.level}/${t.index}`);
      if (!cur || cur.length <= t.hashes.length) this.tiles.set(`${t.level}/${t.index}`, t.hashes);
    }
  }
}
