import { describe, expect, it } from 'vitest';
import {
  formatCheckpoint,
  fromBase64,
  generateSignerKey,
  openCheckpoint,
  openNote,
  parseCheckpointBody,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signNote,
} from '../src/index.js';

// The example key and note of golang.org/x/mod/sumdb/note (note_test.go).
const SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIGNED = `${TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('C2SP signed-note with Ed25519', () => {
  it('derives the verifier key and key id of the x/mod example key', () => {
    const s = parseSignerKey(SKEY);
    expect(s.keyId).toBe('c74f20a3');
    expect(parseVerifierKey(VKEY).keyId).toBe('c74f20a3');
    expect(Buffer.from(s.publicKey).equals(Buffer.from(parseVerifierKey(VKEY).publicKey))).toBe(true);
  });

  it('produces the known signature (Ed25519 is deterministic) and verifies it', () => {
    expect(signNote(TEXT, parseSignerKey(SKEY))).toBe(SIGNED);
    expect(openNote(SIGNED, [parseVerifierKey(VKEY)]).text).toBe(TEXT);
  });

  it('ignores unknown signatures but requires one known valid signature', () => {
    const other = generateSignerKey('other.example/log');
    const both = signNote(TEXT, parseSignerKey(SKEY), parseSignerKey(other.signer));
    const opened = openNote(both, [parseVerifierKey(VKEY)]);
    expect(opened.verifiedBy).toEqual(['PeterNeumann']);
    expect(opened.unknown).toEqual([
      { name: 'other.example/log', keyId: parseVerifierKey(other.verifier).keyId },
    ]);
    expect(() => openNote(signNote(TEXT, parseSignerKey(other.signer)), [parseVerifierKey(VKEY)])).toThrow(
      /no signature from a known key/,
    );
  });

  it('fails on a changed text, a changed signature and malformed notes', () => {
    expect(() => openNote(SIGNED.replace('cryptography', 'cryptographY'), [parseVerifierKey(VKEY)])).toThrow(
      /invalid signature/,
    );
    const sig = SIGNED.split('— PeterNeumann ')[1]!.trim();
    const bytes = fromBase64(sig);
    bytes[10]! ^= 1;
    const bad = `${TEXT}\n— PeterNeumann ${Buffer.from(bytes).toString('base64')}\n`;
    expect(() => openNote(bad, [parseVerifierKey(VKEY)])).toThrow(/invalid signature/);
    expect(() => openNote(TEXT, [parseVerifierKey(VKEY)])).toThrow(/blank line/);
    expect(() => openNote(`${TEXT}\n— PeterNeumann\n`, [parseVerifierKey(VKEY)])).toThrow(
      /malformed signature line/,
    );
    expect(() => signNote('no newline', parseSignerKey(SKEY))).toThrow(/newline/);
  });
});

describe('C2SP tlog-checkpoint', () => {
  const root = new Uint8Array(32).fill(7);
  it('formats origin, size and base64 root, each on its own line', () => {
    const text = formatCheckpoint({ origin: 'hotline.example/log', size: 1234, root, extensions: [] });
    expect(text).toBe(`hotline.example/log\n1234\n${Buffer.from(root).toString('base64')}\n`);
    expect(parseCheckpointBody(text)).toEqual({
      origin: 'hotline.example/log',
      size: 1234,
      root,
      extensions: [],
    });
  });

  it('signs and opens a checkpoint, checking the origin', () => {
    const k = generateSignerKey('hotline.example/log');
    const note = signCheckpoint(
      { origin: 'hotline.example/log', size: 5, root, extensions: [] },
      parseSignerKey(k.signer),
    );
    expect(openCheckpoint(note, parseVerifierKey(k.verifier), 'hotline.example/log').size).toBe(5);
    expect(() => openCheckpoint(note, parseVerifierKey(k.verifier), 'other/log')).toThrow(/origin/);
  });

  it.each([
    ['o\n01\nAAAA\n', /canonical decimal/],
    ['o\n1\nnot base64!\n', /not base64/],
    ['o\n1\nAAAA\n', /32 bytes/],
    ['o\n1\n', /three lines/],
  ])('rejects malformed body %j', (text, msg) => {
    expect(() => parseCheckpointBody(text)).toThrow(msg);
  });
});
