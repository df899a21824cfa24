import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  cosignatureKeyId,
  cosignatureTime,
  cosignedMessage,
  cosignerVerifierKey,
  formatAddCheckpoint,
  formatCheckpoint,
  fromBase64,
  generateCosignerKey,
  generateSignerKey,
  openCosignedCheckpoint,
  openNote,
  parseAddCheckpoint,
  parseAnyVerifierKey,
  parseCosignerKey,
  parseCosignerVerifierKey,
  parsePinnedKeys,
  parseSignerKey,
  parseVerifierKey,
  parseWitnessPolicy,
  quorumSatisfied,
  signNote,
  toHex,
} from '../src/index.js';

const body = formatCheckpoint({
  origin: 'example.com/log',
  size: 20852163,
  root: fromBase64('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I='),
  extensions: [],
});

describe('C2SP tlog-cosignature v1.0.1 (Ed25519 cosignature/v1)', () => {
  it('computes the key id as SHA-256(name ‖ 0x0A ‖ 0x04 ‖ key)[:4]', () => {
    const k = parseCosignerKey(generateCosignerKey('witness.example/w1').signer);
    const expected = toHex(
      sha256(
        new Uint8Array([...new TextEncoder().encode('witness.example/w1'), 0x0a, 0x04, ...k.publicKey]),
      ).subarray(0, 4),
    );
    expect(cosignatureKeyId('witness.example/w1', k.publicKey)).toBe(expected);
    expect(k.keyId).toBe(expected);
    expect(cosignerVerifierKey(k.name, k.publicKey)).toMatch(/^witness\.example\/w1\+[0-9a-f]{8}\+B[A-P]/);
  });

  it('signs "cosignature/v1\\ntime T\\n" ‖ body with payload id ‖ u64be(T) ‖ sig', () => {
    expect(new TextDecoder().decode(cosignedMessage(body, 1679315147))).toBe(
      `cosignature/v1\ntime 1679315147\n${body}`,
    );
    const keys = generateCosignerKey('witness.example/w1');
    const c = parseCosignerKey(keys.signer);
    const line = c.cosign(body, 1679315147);
    const raw = fromBase64(line.split(' ')[2]!.trim());
    expect(raw.length).toBe(4 + 8 + 64);
    expect(toHex(raw.subarray(0, 4))).toBe(c.keyId);
    expect(toHex(raw.subarray(4, 12))).toBe((1679315147).toString(16).padStart(16, '0'));
    expect(cosignatureTime(line)).toBe(1679315147);
    const log = generateSignerKey('example.com/log');
    const note = signNote(body, parseSignerKey(log.signer)) + line;
    const opened = openNote(note, [parseVerifierKey(log.verifier), parseCosignerVerifierKey(keys.verifier)]);
    expect(opened.verifiedBy).toEqual(['example.com/log', 'witness.example/w1']);
    // A tampered timestamp fails the cosignature.
    raw[11] = raw[11]! ^ 1;
    const bad = `${signNote(body, parseSignerKey(log.signer))}— witness.example/w1 ${Buffer.from(raw).toString('base64')}\n`;
    expect(() =>
      openNote(bad, [parseVerifierKey(log.verifier), parseCosignerVerifierKey(keys.verifier)]),
    ).toThrow(/invalid signature/);
  });

  it('tells log keys (0x01) from cosigner keys (0x04) and refuses one for the other', () => {
    const log = generateSignerKey('example.com/log');
    const w = generateCosignerKey('witness.example/w1');
    expect('kind' in parseAnyVerifierKey(w.verifier)).toBe(true);
    expect('kind' in parseAnyVerifierKey(log.verifier)).toBe(false);
    expect(() => parseCosignerVerifierKey(log.verifier)).toThrow(/type 0x04/);
    expect(() => parseVerifierKey(w.verifier)).toThrow();
    expect(() => parseCosignerKey(log.signer)).toThrow(/0x04/);
  });
});

describe('witness policies (Tessera / sigsum format)', () => {
  const w = [1, 2, 3].map((i) => generateCosignerKey(`w${i}.example/witness`));
  const text = `# three witnesses, two of them needed
witness w1 ${w[0]!.verifier} https://w1.example/
witness w2 ${w[1]!.verifier} https://w2.example/
witness w3 ${w[2]!.verifier}
group main 2 w1 w2 w3
group everyone all main w3
quorum main
`;

  it('parses witnesses, groups with k/all/any and the quorum', () => {
    const p = parseWitnessPolicy(text);
    expect(p.witnesses.map((x) => x.name)).toEqual(['w1', 'w2', 'w3']);
    expect(p.witnesses[2]!.url).toBeUndefined();
    expect(quorumSatisfied(p.quorum, new Set(['w1']))).toBe(false);
    expect(quorumSatisfied(p.quorum, new Set(['w1', 'w3']))).toBe(true);
    expect(
      quorumSatisfied(
        parseWitnessPolicy(`${text.replace('quorum main', 'quorum everyone')}`).quorum,
        new Set(['w1', 'w2']),
      ),
    ).toBe(false);
    expect(quorumSatisfied(parseWitnessPolicy('quorum none').quorum, new Set())).toBe(true);
    expect(
      quorumSatisfied(
        parseWitnessPolicy(
          `witness a ${w[0]!.verifier}\nwitness b ${w[1]!.verifier}\ngroup g any a b\nquorum g`,
        ).quorum,
        new Set(['b']),
      ),
    ).toBe(true);
  });

  it('refuses malformed policies with the line number', () => {
    expect(() => parseWitnessPolicy('witness a\nquorum a')).toThrow(/line 1/);
    expect(() => parseWitnessPolicy(`witness a ${w[0]!.verifier}\ngroup g 2 a\nquorum g`)).toThrow(
      /line 2.*threshold/,
    );
    expect(() => parseWitnessPolicy(`witness a ${w[0]!.verifier}\nquorum b`)).toThrow(/line 2/);
    expect(() => parseWitnessPolicy(`witness a ${w[0]!.verifier}`)).toThrow(/no quorum/);
    expect(() => parseWitnessPolicy(`group g any a\nquorum g`)).toThrow(
      /not a witness or group defined above/,
    );
    expect(() => parseWitnessPolicy(`frobnicate\nquorum none`)).toThrow(/unknown keyword/);
  });

  it('opens a checkpoint carrying many signatures: unknown ones ignored, quorum counted', () => {
    const p = parseWitnessPolicy(text);
    const log = generateSignerKey('example.com/log');
    let note = signNote(body, parseSignerKey(log.signer));
    // 40 strangers' signatures (unknown keys, some of the cosignature type) are ignored.
    for (let i = 0; i < 20; i++) {
      note += parseCosignerKey(generateCosignerKey(`stranger${i}.example`).signer).cosign(
        body,
        1700000000 + i,
      );
      note += signNote(body, parseSignerKey(generateSignerKey(`other${i}.example`).signer)).split('\n\n')[1];
    }
    note += parseCosignerKey(w[0]!.signer).cosign(body, 1700000100);
    let r = openCosignedCheckpoint(note, [parseVerifierKey(log.verifier)], p, 'example.com/log');
    expect(r.cosigners.map((c) => [c.name, c.time])).toEqual([['w1', 1700000100]]);
    expect(r.quorum).toBe(false);
    note += parseCosignerKey(w[2]!.signer).cosign(body, 1700000200);
    r = openCosignedCheckpoint(note, [parseVerifierKey(log.verifier)], p);
    expect(r.cosigners.map((c) => c.name)).toEqual(['w1', 'w3']);
    expect(r.quorum).toBe(true);
    expect(r.checkpoint.size).toBe(20852163);
    // Witness signatures alone do not make a checkpoint: the log's key must sign.
    const onlyWitnesses = `${body}\n${parseCosignerKey(w[0]!.signer).cosign(body, 1)}`;
    expect(() => openCosignedCheckpoint(onlyWitnesses, [parseVerifierKey(log.verifier)], p)).toThrow(
      /log's key/,
    );
  });
});

describe('tlog-witness v1.0.0 add-checkpoint bodies', () => {
  it('round-trips and refuses malformed bodies', () => {
    const proof = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const cp = `${body}\n— example.com/log AAAA\n`;
    const b = formatAddCheckpoint(7, proof, cp);
    expect(b.startsWith('old 7\nAQEB')).toBe(true);
    const r = parseAddCheckpoint(b);
    expect(r.oldSize).toBe(7);
    expect(r.proof.length).toBe(2);
    expect(r.checkpoint).toBe(cp);
    expect(parseAddCheckpoint(formatAddCheckpoint(0, [], cp)).proof).toEqual([]);
    expect(() => parseAddCheckpoint(`old 07\n\n${cp}`)).toThrow(/canonical/);
    expect(() => parseAddCheckpoint(`new 7\n\n${cp}`)).toThrow(/old/);
    expect(() => parseAddCheckpoint('old 7\nAQEB\n')).toThrow();
    expect(() => parseAddCheckpoint(`old 7\nnot-base64!\n\n${cp}`)).toThrow(/base64/);
    expect(() => parseAddCheckpoint(formatAddCheckpoint(7, Array(64).fill(proof[0]), cp))).toThrow(/63/);
  });
});

describe('keys pinned in a verification link', () => {
  it('reads #log=…&witness=…&quorum=k keeping "+", "/" and "=" of the vkeys', () => {
    const log = generateSignerKey('example.gov/hotline/records').verifier;
    const w1 = generateCosignerKey('a.example/w').verifier;
    const w2 = generateCosignerKey('b.example/w').verifier;
    expect(parsePinnedKeys(`#log=${log}&witness=${encodeURIComponent(w1)}&witness=${w2}&quorum=1`)).toEqual({
      log,
      witnesses: [w1, w2],
      quorum: 1,
    });
    expect(parsePinnedKeys('')).toEqual({ witnesses: [] });
  });
});
