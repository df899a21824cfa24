import { describe, expect, it } from 'vitest';
import {
  formatCheckpoint,
  fromBase64,
  generateSignerKey,
  MAX_NOTE_SIGNATURES,
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

describe('signed-note rules', () => {
  const signer = parseSignerKey(SKEY);
  const verifier = parseVerifierKey(VKEY);

  it('ignores a signature that shares the name but not the key id of a known key', () => {
    const impostor = generateSignerKey('PeterNeumann');
    const note = signNote(TEXT, parseSignerKey(impostor.signer), signer);
    expect(openNote(note, [verifier]).unknown).toEqual([
      { name: 'PeterNeumann', keyId: parseVerifierKey(impostor.verifier).keyId },
    ]);
    expect(() => openNote(signNote(TEXT, parseSignerKey(impostor.signer)), [verifier])).toThrow(
      /no signature from a known key/,
    );
  });

  it('accepts 16 signatures and refuses more than the limit', () => {
    const others = Array.from({ length: 15 }, (_, i) =>
      parseSignerKey(generateSignerKey(`w${i}.example`).signer),
    );
    expect(openNote(signNote(TEXT, signer, ...others), [verifier]).unknown).toHaveLength(15);
    const line = SIGNED.slice(TEXT.length + 1);
    expect(() => openNote(`${TEXT}\n${line.repeat(MAX_NOTE_SIGNATURES + 1)}`, [verifier])).toThrow(
      /at most 100/,
    );
  });

  it('refuses control characters, an empty signature block and a name with a plus or a space', () => {
    expect(() => signNote('tab\there\n', signer)).toThrow(/control characters/);
    expect(() => openNote(`${SIGNED.slice(0, -1)}\r\n`, [verifier])).toThrow(/control characters/);
    expect(() => openNote(`${TEXT}\n`, [verifier])).toThrow(/signature block|blank line/);
    expect(() => openNote(SIGNED.replace('— PeterNeumann', '— Peter+Neumann'), [verifier])).toThrow(
      /malformed signature line/,
    );
    expect(() => openNote(SIGNED.replace('— PeterNeumann', '— Peter Neumann'), [verifier])).toThrow(
      /malformed signature line/,
    );
    expect(() => openNote(SIGNED.replace('— ', '- '), [verifier])).toThrow(/malformed signature line/);
    expect(() => generateSignerKey('has space')).toThrow(/invalid key name/);
    expect(() => parseVerifierKey(VKEY.replace('c74f20a3', 'c74f20a4'))).toThrow(/key id does not match/);
  });

  it('keeps empty lines inside the text: the last blank line separates the signatures', () => {
    const text = 'first\n\nthird\n';
    expect(openNote(signNote(text, signer), [verifier]).text).toBe(text);
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

  it('parses the spec example body with an extension line', () => {
    const body =
      'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next one\n';
    const c = parseCheckpointBody(body);
    expect(c.origin).toBe('example.com/behind-the-sofa');
    expect(c.size).toBe(20852163);
    expect(c.root).toHaveLength(32);
    expect(c.extensions).toEqual(['ext one']);
    expect(formatCheckpoint(c)).toBe(body);
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
    ['o\n-1\nAAAA\n', /canonical decimal/],
    ['o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', /three lines/],
    ['o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n', /extension lines must not be empty/],
    ['\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', /origin line is empty/],
    ['o\n9007199254740993\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', /too large/],
  ])('rejects malformed body %j', (text, msg) => {
    expect(() => parseCheckpointBody(text)).toThrow(msg);
  });
});
