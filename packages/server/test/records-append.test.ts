import { canonicalJson, isUuid, RandomPool, newId as uuidV7 } from '@hotline/common';
import { describe, expect, it } from 'vitest';
import { ArchiveCipher } from '../src/records/archive-key.js';
import { envelopeJson, type RecordEnvelope } from '../src/records/records-service.js';

const base: RecordEnvelope = {
  v: 1,
  kind: 'audit.user.created',
  id: '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a',
  at: '2026-03-02T14:00:00.000Z',
  office: null,
  actor: '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6b',
  subject: null,
  digest: 'ab'.repeat(32),
};

describe('records append helpers', () => {
  it('writes envelopes exactly as RFC 8785 canonical JSON', () => {
    const cases: RecordEnvelope[] = [
      base,
      { ...base, prev: '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6c' },
      { ...base, office: '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6d', subject: 'call:42' },
      { ...base, kind: 'quote " backslash \\ newline \n tab \t nul \u0000 del \u007f' },
      { ...base, subject: 'Zoë — 東京 😀 \u2028 \u2029 </script>' },
      { ...base, at: '+275760-09-13T00:00:00.000Z' },
    ];
    for (const e of cases) expect(envelopeJson(e)).toBe(canonicalJson(e));
    // Lone surrogates go to the general canonicalizer, which refuses them.
    expect(() => envelopeJson({ ...base, subject: 'x\ud800y' })).toThrow(/surrogate/i);
  });

  it('makes UUIDv7 ids with the time in the first 48 bits', () => {
    const ms = Date.parse('2026-03-02T14:00:00.123Z');
    const ids = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = uuidV7(ms);
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]!);
      expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
      ids.add(id);
    }
    expect(ids.size).toBe(5000);
    expect(uuidV7(2 ** 48 - 1).slice(0, 13)).toBe('ffffffff-ffff');
    expect(() => uuidV7(-1)).toThrow(RangeError);
  });

  it('hands out fresh random bytes across refills', () => {
    const pool = new RandomPool(64);
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add(pool.take(12).toString('hex'));
    expect(seen.size).toBe(100);
    expect(pool.take(1000)).toHaveLength(1000);
  });

  it('seals with a fresh nonce each time and opens again', () => {
    const c = new ArchiveCipher(ArchiveCipher.generateKey());
    const plain = new TextEncoder().encode('{"text":"Readout"}');
    const a = c.seal(plain);
    const b = c.seal(plain);
    expect(a).toHaveLength(12 + plain.length + 16);
    expect(Buffer.from(a.subarray(0, 12)).equals(Buffer.from(b.subarray(0, 12)))).toBe(false);
    expect(c.open(a)).toEqual(plain);
    expect(c.open(b)).toEqual(plain);
  });
});
