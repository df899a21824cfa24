import { describe, expect, it } from 'vitest';
import {
  decodeBundle,
  encodeBundle,
  encodeTileIndex,
  entriesPath,
  parseTilePath,
  tilePath,
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
    '../etc/passwd',
  ])('rejects %s', (p) => {
    expect(() => parseTilePath(p)).toThrow();
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
