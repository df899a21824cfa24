import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateSignerKey,
  isLeafCommitment,
  LEAF_V2_SIZE,
  LogClient,
  leafCommitment,
  MemoryLog,
  opensLeaf,
  parseSignerKey,
  toHex,
  verifierKeyString,
} from '../src/index.js';

const enc = new TextEncoder();
const salt = new Uint8Array(32).map((_, i) => i);
const envelope = enc.encode('{"digest":"00","id":"r1","kind":"readout.published","v":1}');

describe('v2 leaf: a salted commitment to the envelope', () => {
  it('is "hotline-leaf/v2" ‖ SHA-256(salt ‖ envelope), 47 bytes', () => {
    const leaf = leafCommitment(salt, envelope);
    const expected = Buffer.concat([
      Buffer.from('hotline-leaf/v2'),
      createHash('sha256').update(salt).update(envelope).digest(),
    ]);
    expect(toHex(leaf)).toBe(expected.toString('hex'));
    expect(leaf.length).toBe(LEAF_V2_SIZE);
    expect(isLeafCommitment(leaf)).toBe(true);
    expect(isLeafCommitment(envelope)).toBe(false);
  });

  it('opens only with its own salt and envelope', () => {
    const leaf = leafCommitment(salt, envelope);
    expect(opensLeaf(leaf, salt, envelope)).toBe(true);
    const other = salt.slice();
    other[31]! ^= 1;
    expect(opensLeaf(leaf, other, envelope)).toBe(false);
    expect(
      opensLeaf(leaf, salt, enc.encode('{"digest":"00","id":"r2","kind":"readout.published","v":1}')),
    ).toBe(false);
    expect(opensLeaf(leaf, salt.subarray(0, 16), envelope)).toBe(false);
    expect(() => leafCommitment(salt.subarray(0, 16), envelope)).toThrow(/32 bytes/);
  });

  it('a disclosed record verifies with the tile client: inclusion, then the opening', async () => {
    const key = generateSignerKey('test.example/log');
    const signer = parseSignerKey(key.signer);
    const log = new MemoryLog('test.example/log', signer);
    const leaves = Array.from({ length: 300 }, (_, i) => {
      const s = new Uint8Array(32).fill(i % 256);
      return leafCommitment(s, enc.encode(`{"i":${i}}`));
    });
    const disclosedSalt = new Uint8Array(32).fill(7);
    leaves[123] = leafCommitment(disclosedSalt, envelope);
    const { checkpoint } = await log.append(leaves);
    const client = new LogClient(log, verifierKeyString(signer.name, signer.publicKey), 'test.example/log');
    const { entry } = await client.proveInclusion(123, checkpoint);
    expect(opensLeaf(entry, disclosedSalt, envelope)).toBe(true);
    expect(opensLeaf(entry, salt, envelope)).toBe(false);
    await client.audit(checkpoint);
  });
});
