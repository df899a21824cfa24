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

export function decodeTileIndex(s: string): number {
  const parts = s.split('/');
  let n = 0;
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    const m = last ? /^(\d{3})$/.exec(p) : /^x(\d{3})$/.exec(p);
    if (!m) throw new Error(`bad tile index element "${p}" in "${s}"`);
    n = n * 1000 + Number(m[1]);
  });
  if (parts.length > 1 && parts[0] === 'x000') throw new Error(`non-canonical tile index "${s}"`);
  return n;
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
  const m = /^tile\/(entries|\d{1,2})\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d{1,3}))?$/.exec(path);
  if (!m) throw new Error(`not a tile path: "${path}"`);
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  if (m[3] !== undefined && (width < 1 || width > 255 || String(width) !== m[3])) {
    throw new Error(`partial tile width must be 1..255 in "${path}"`);
  }
  const kind = m[1] === 'entries' ? 'entries' : 'hash';
  const level = kind === 'entries' ? -1 : Number(m[1]);
  if (kind === 'hash' && level > 63) throw new Error(`tile level too large in "${path}"`);
  return { kind, level, index: decodeTileIndex(m[2]!), width };
}

/** Number of node hashes at tile level `level` (height 8·level) in a tree of `size` leaves. */
export function hashesAtLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
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
