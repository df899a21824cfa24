/**
 * C2SP tlog-tiles layout maths (v1.0.0). Pure: no I/O.
 *
 * A hash tile at level L, index N holds up to 256 consecutive node hashes of the tree at height
 * 8·L (level 0 holds leaf hashes), indices N·256 … N·256+255. A tile with fewer than 256 hashes
 * is partial and is addressed with `.p/<W>`. Entry bundles hold the leaves themselves.
 */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** Path element for a tile index: 1234067 → "x001/x234/067". */
export function encodeTileIndex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`tile index must be a non-negative integer, got ${n}`);
  let s = String(n % 1000).padStart(3, '0');
  let rest = Math.floor(n / 1000);
  while (rest > 0) {
    s = `x${String(rest % 1000).padStart(3, '0')}/${s}`;
    rest = Math.floor(rest / 1000);
  }
  return s;
}

/**
 * "x001/x234/067" → 1234067. Parsed as a BigInt so a long path cannot lose precision: an index past
 * Number.MAX_SAFE_INTEGER is refused (RangeError), never rounded to some other tile.
 */
export function decodeTileIndex(s: string): number {
  const parts = s.split('/');
  let n = 0n;
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    const m = last ? /^(\d{3})$/.exec(p) : /^x(\d{3})$/.exec(p);
    if (!m) throw new Error(`bad tile index element "${p}" in "${s}"`);
    n = n * 1000n + BigInt(m[1]!);
  });
  if (parts.length > 1 && parts[0] === 'x000') throw new Error(`non-canonical tile index "${s}"`);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`tile index "${s}" is too large (past ${Number.MAX_SAFE_INTEGER})`);
  }
  return Number(n);
}

export function tilePath(level: number, index: number, width = TILE_WIDTH): string {
  return `tile/${level}/${encodeTileIndex(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

export function entriesPath(index: number, width = TILE_WIDTH): string {
  return `tile/entries/${encodeTileIndex(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

export interface ParsedTilePath {
  kind: 'hash' | 'entries';
  level: number;
  index: number;
  width: number;
}

/** Parse "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]" (without leading slash). */
export function parseTilePath(path: string): ParsedTilePath {
  const m = /^tile\/(entries|0|[1-9]\d?)\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d{1,3}))?$/.exec(path);
  if (!m) throw new Error(`not a tile path: "${path}"`);
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  if (m[3] !== undefined && (width < 1 || width > 255 || String(width) !== m[3])) {
    throw new Error(`partial tile width must be 1..255 in "${path}"`);
  }
  const kind = m[1] === 'entries' ? 'entries' : 'hash';
  const level = kind === 'entries' ? -1 : Number(m[1]);
  if (kind === 'hash' && level > 63) throw new Error(`tile level too large in "${path}"`);
  const index = decodeTileIndex(m[2]!);
  // The first leaf the tile covers must be a safe integer too: no tree of safe-integer size has
  // a tile past that, and index arithmetic (index · 256 · 256^level) would lose precision.
  const firstLeaf =
    BigInt(index) * BigInt(TILE_WIDTH) * (kind === 'entries' ? 1n : 1n << BigInt(TILE_HEIGHT * level));
  if (firstLeaf > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(
      `tile index too large for level ${kind === 'entries' ? 'entries' : level} in "${path}" (it starts past leaf ${Number.MAX_SAFE_INTEGER})`,
    );
  }
  return { kind, level, index, width };
}

/** 256^level without floating point surprises for the levels a safe-integer tree can have. */
function pow256(level: number): number {
  return 2 ** (TILE_HEIGHT * level);
}

/** Number of node hashes at tile level `level` (height 8·level) in a tree of `size` leaves. */
export function hashesAtLevel(size: number, level: number): number {
  return Math.floor(size / pow256(level));
}

/** Width of tile `index` at `level` in a tree of `size` leaves (0 if it does not exist). */
export function tileWidth(size: number, level: number, index: number): number {
  const n = hashesAtLevel(size, level);
  return Math.max(0, Math.min(TILE_WIDTH, n - index * TILE_WIDTH));
}

/** Every tile (full and partial) that a tree of `size` leaves has, level by level. */
export function tilesForSize(size: number): { level: number; index: number; width: number }[] {
  const out: { level: number; index: number; width: number }[] = [];
  for (let level = 0; hashesAtLevel(size, level) > 0; level++) {
    const n = hashesAtLevel(size, level);
    for (let i = 0; i * TILE_WIDTH < n; i++) out.push({ level, index: i, width: tileWidth(size, level, i) });
  }
  return out;
}

/** Width of the partial tile at `level` for a tree of `size` (0 when that level has none). */
export function partialTileWidth(size: number, level: number): number {
  return hashesAtLevel(size, level) % TILE_WIDTH;
}

/**
 * The node hashes a tile holds: `width` consecutive nodes at tree height 8·level, the first
 * being node `index`·256 (a level-0 tile holds leaf hashes `index`·256 …).
 */
export function tileNodes(
  level: number,
  index: number,
  width = TILE_WIDTH,
): {
  height: number;
  first: number;
  count: number;
} {
  return { height: TILE_HEIGHT * level, first: index * TILE_WIDTH, count: width };
}

/** The leaf range [start, end) a tile of `width` hashes spans (C2SP "start index"/"end index"). */
export function tileLeafRange(
  level: number,
  index: number,
  width = TILE_WIDTH,
): { start: number; end: number } {
  const span = pow256(level);
  return { start: index * TILE_WIDTH * span, end: (index * TILE_WIDTH + width) * span };
}

/**
 * Where the node at (`height`, `index`) is found: the tile at level floor(height / 8) that holds
 * its descendants at height 8·level, as the range [offset, offset + count) of that tile's hashes.
 * The node itself is the Merkle root of those `count` hashes (count = 1 when height is a
 * multiple of 8: the node is stored as is).
 */
export function nodeLocation(
  height: number,
  index: number,
): { level: number; tile: number; offset: number; count: number } {
  const level = Math.floor(height / TILE_HEIGHT);
  const below = height - level * TILE_HEIGHT;
  const first = index * 2 ** below;
  const tile = Math.floor(first / TILE_WIDTH);
  return { level, tile, offset: first - tile * TILE_WIDTH, count: 2 ** below };
}

/**
 * The hash that full tile (`level`, `index`) contributes to the level above: position
 * `index` mod 256 of tile floor(`index` / 256) at `level` + 1. Partial tiles contribute nothing.
 */
export function parentTileSlot(
  level: number,
  index: number,
): { level: number; index: number; offset: number } {
  return { level: level + 1, index: Math.floor(index / TILE_WIDTH), offset: index % TILE_WIDTH };
}

/**
 * The tiles that differ between a tree of `oldSize` and one of `newSize` leaves: every tile a
 * client or the integrator has to (re)write, level by level, left to right. Only the right edge
 * of each level changes, so this is O(new tiles + log n).
 */
export function tilesChanged(
  oldSize: number,
  newSize: number,
): { level: number; index: number; width: number }[] {
  if (!(oldSize >= 0 && newSize >= oldSize))
    throw new RangeError(`cannot grow from ${oldSize} to ${newSize}`);
  const out: { level: number; index: number; width: number }[] = [];
  for (let level = 0; hashesAtLevel(newSize, level) > 0; level++) {
    const before = hashesAtLevel(oldSize, level);
    const after = hashesAtLevel(newSize, level);
    if (after === before) continue;
    for (let i = Math.floor(before / TILE_WIDTH); i * TILE_WIDTH < after; i++) {
      out.push({ level, index: i, width: tileWidth(newSize, level, i) });
    }
  }
  return out;
}
