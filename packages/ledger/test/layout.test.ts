import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeBundle,
  encodeBundle,
  encodeTileIndex,
  entriesPath,
  Hasher,
  integrate,
  MemoryTileStore,
  nodeLocation,
  parentTileHashes,
  parentTileSlot,
  parseTilePath,
  partialTileWidth,
  tileLeafRange,
  tileNodes,
  tilePath,
  tilesChanged,
  tilesForSize,
} from '../src/index.js';

describe('tlog-tiles layout', () => {
  it.each([
    [0, '000'],
    [7, '007'],
    [1000, 'x001/000'],
    [1234067, 'x001/x234/067'],
  ])('encodes tile index %i as %s', (n, s) => {
    expect(encodeTileIndex(n)).toBe(s);
    expect(parseTilePath(`tile/0/${s}`).index).toBe(n);
  });

  it('builds and parses full and partial hash and entry tile paths', () => {
    expect(tilePath(1, 1234067)).toBe('tile/1/x001/x234/067');
    expect(tilePath(0, 2, 17)).toBe('tile/0/002.p/17');
    expect(entriesPath(3, 255)).toBe('tile/entries/003.p/255');
    expect(parseTilePath('tile/entries/x001/x234/067.p/8')).toEqual({
      kind: 'entries',
      level: -1,
      index: 1234067,
      width: 8,
    });
    expect(parseTilePath('tile/2/000')).toEqual({ kind: 'hash', level: 2, index: 0, width: 256 });
  });

  it.each([
    'tile/0/12',
    'tile/0/x12/345',
    'tile/0/001.p/0',
    'tile/0/001.p/256',
    'tile/0/001.p/07',
    'tile/x/000',
    'tile/01/000',
    'tile/64/000',
    'tile/0/x000/001',
    'tile/0/001.p/',
    '../etc/passwd',
  ])('rejects %s', (p) => {
    expect(() => parseTilePath(p)).toThrow();
  });

  it.each([
    'tile/0/x999/x999/x999/x999/x999/x999/999',
    'tile/0/x009/x007/x199/x254/x740/x992/000',
    'tile/entries/x009/x007/x199/x254/x740/x992/000',
    'tile/1/x035/x184/x372/x089/000',
    'tile/7/001',
  ])('refuses %s: its index (or first leaf) is past 2^53', (p) => {
    expect(() => parseTilePath(p)).toThrow(/too large/);
  });

  it('takes the largest tiles a safe-integer tree can have, exactly', () => {
    // 2^53 - 1 = 9007199254740991: its last leaf is in level-0 tile 35184372088831 (…/831).
    expect(parseTilePath('tile/0/x035/x184/x372/x088/831').index).toBe(35184372088831);
    expect(parseTilePath('tile/entries/x035/x184/x372/x088/831.p/255').index).toBe(35184372088831);
    expect(parseTilePath('tile/63/000').level).toBe(63);
  });

  it('lists the tiles of a tree size', () => {
    expect(tilesForSize(0)).toEqual([]);
    expect(tilesForSize(300)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 0, index: 1, width: 44 },
      { level: 1, index: 0, width: 1 },
    ]);
  });

  it('round-trips entry bundles and reports truncation by offset', () => {
    const entries = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(300).fill(9)];
    const b = encodeBundle(entries);
    expect(decodeBundle(b)).toEqual(entries);
    expect(() => decodeBundle(b.subarray(0, b.length - 1))).toThrow(/truncated at byte 7/);
  });
});

describe('tlog-tiles maths', () => {
  const h = new Hasher((...parts) => {
    const x = createHash('sha256');
    for (const p of parts) x.update(p);
    return new Uint8Array(x.digest());
  });

  it('matches the spec example of a tree of 70,000 entries', () => {
    const tiles = tilesForSize(70_000);
    const at = (level: number) => tiles.filter((t) => t.level === level);
    expect(at(0).filter((t) => t.width === 256)).toHaveLength(273);
    expect(at(0).filter((t) => t.width < 256)).toEqual([{ level: 0, index: 273, width: 112 }]);
    expect(at(1)).toEqual([
      { level: 1, index: 0, width: 256 },
      { level: 1, index: 1, width: 17 },
    ]);
    expect(at(2)).toEqual([{ level: 2, index: 0, width: 1 }]);
    expect(tiles).toHaveLength(277);
    expect([0, 1, 2, 3].map((l) => partialTileWidth(70_000, l))).toEqual([112, 17, 1, 0]);
    // "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of width 1"
    expect(tilesForSize(256)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 0, width: 1 },
    ]);
  });

  it('says which nodes a tile holds and where a node is found', () => {
    expect(tileNodes(1, 3, 17)).toEqual({ height: 8, first: 768, count: 17 });
    expect(tileLeafRange(1, 1)).toEqual({ start: 65_536, end: 131_072 });
    expect(tileLeafRange(0, 273, 112)).toEqual({ start: 69_888, end: 70_000 });
    expect(nodeLocation(0, 300)).toEqual({ level: 0, tile: 1, offset: 44, count: 1 });
    expect(nodeLocation(3, 40)).toEqual({ level: 0, tile: 1, offset: 64, count: 8 });
    expect(nodeLocation(16, 2)).toEqual({ level: 2, tile: 0, offset: 2, count: 1 });
    expect(parentTileSlot(0, 513)).toEqual({ level: 1, index: 2, offset: 1 });
  });

  it('lists the tiles that change when a tree grows', () => {
    expect(tilesChanged(0, 300)).toEqual(tilesForSize(300));
    expect(tilesChanged(300, 300)).toEqual([]);
    expect(tilesChanged(70_000, 70_001)).toEqual([{ level: 0, index: 273, width: 113 }]);
    expect(tilesChanged(65_535, 65_536)).toEqual([
      { level: 0, index: 255, width: 256 },
      { level: 1, index: 0, width: 256 },
      { level: 2, index: 0, width: 1 },
    ]);
  });

  it('derives a level-1 tile from the full level-0 tiles below it', async () => {
    const leaves = Array.from({ length: 256 * 3 + 10 }, (_, i) => h.leaf(new Uint8Array([i & 255, i >> 8])));
    const store = new MemoryTileStore();
    store.write((await integrate(store, 0, leaves, h)).tiles);
    const level0 = [0, 1, 2].map((i) => store.tiles.get(`0/${i}`)!);
    expect(Buffer.from(parentTileHashes(h, level0)).equals(Buffer.from(store.tiles.get('1/0')!))).toBe(true);
    expect(() => parentTileHashes(h, [store.tiles.get('0/3')!])).toThrow(/only full tiles/);
  });
});
