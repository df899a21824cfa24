import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromBase64, fromHex, toBase64, toHex } from './hash.js';
import { NoteError, parseVerifierKey, splitVerifierKey, type Verifier } from './note.js';

/**
 * C2SP tlog-cosignature v1.0.1, the Ed25519 `cosignature/v1` type (signature type 0x04):
 * key ID = SHA-256(name ‖ 0x0A ‖ 0x04 ‖ pubkey)[:4]; the signed message is
 * "cosignature/v1\ntime <unix>\n" followed by the checkpoint body; the signature line's payload is
 * keyID(4) ‖ timestamp(8, big-endian) ‖ Ed25519 signature(64). Verifier keys are vkeys with
 * type 0x04: "name+hex(id)+base64(0x04 ‖ pubkey)"; signer keys "PRIVATE+KEY+name+id+base64(0x04 ‖ seed)".
 */
export const ALG_COSIGNATURE_V1 = 0x04;
const enc = new TextEncoder();
const MAX_TIMESTAMP = (1n << 63n) - 1n;

export interface Cosigner {
  name: string;
  keyId: string;
  publicKey: Uint8Array;
  /** The note signature line ("— name base64(id ‖ timestamp ‖ sig)\n") over a checkpoint body. */
  cosign(checkpointBody: string, timestamp: number): string;
}

export interface CosignatureVerifier extends Verifier {
  kind: 'cosignature/v1';
}

function checkName(name: string): void {
  if (!name || /[\s+]/.test(name) || /[\p{Cc}]/u.test(name)) {
    throw new NoteError(`invalid key name "${name}": it must be non-empty, without spaces or "+"`);
  }
}

export function cosignatureKeyId(name: string, publicKey: Uint8Array): string {
  return toHex(
    sha256(concatBytes(enc.encode(name), new Uint8Array([0x0a, ALG_COSIGNATURE_V1]), publicKey)).subarray(
      0,
      4,
    ),
  );
}

/** The bytes a cosigner signs: "cosignature/v1\ntime <t>\n" ‖ checkpoint body. */
export function cosignedMessage(checkpointBody: string, timestamp: number | bigint): Uint8Array {
  return enc.encode(`cosignature/v1\ntime ${BigInt(timestamp).toString()}\n${checkpointBody}`);
}

export function cosignerVerifierKey(name: string, publicKey: Uint8Array): string {
  checkName(name);
  return `${name}+${cosignatureKeyId(name, publicKey)}+${toBase64(concatBytes(new Uint8Array([ALG_COSIGNATURE_V1]), publicKey))}`;
}

export function generateCosignerKey(name: string): { signer: string; verifier: string } {
  checkName(name);
  const seed = ed25519.utils.randomSecretKey();
  const pub = ed25519.getPublicKey(seed);
  return {
    signer: `PRIVATE+KEY+${name}+${cosignatureKeyId(name, pub)}+${toBase64(concatBytes(new Uint8Array([ALG_COSIGNATURE_V1]), seed))}`,
    verifier: cosignerVerifierKey(name, pub),
  };
}

function timestampBytes(t: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, t, false);
  return b;
}

export function parseCosignerKey(skey: string): Cosigner {
  const m = /^PRIVATE\+KEY\+([^+]+)\+([^+]+)\+(.+)$/.exec(skey.trim());
  if (!m) throw new NoteError('malformed cosigner key: expected PRIVATE+KEY+name+keyid+key');
  const [, name, id, b64] = m as unknown as [string, string, string, string];
  checkName(name);
  let raw: Uint8Array;
  try {
    raw = fromBase64(b64);
  } catch {
    throw new NoteError('malformed cosigner key: key is not base64');
  }
  if (raw.length !== 33 || raw[0] !== ALG_COSIGNATURE_V1)
    throw new NoteError('not a cosigner key: expected an Ed25519 cosignature/v1 key (type 0x04)');
  const seed = raw.subarray(1);
  const publicKey = ed25519.getPublicKey(seed);
  if (cosignatureKeyId(name, publicKey) !== id) throw new NoteError('cosigner key id does not match the key');
  return {
    name,
    keyId: id,
    publicKey,
    cosign(body, timestamp) {
      const t = BigInt(timestamp);
      if (t < 0n || t > MAX_TIMESTAMP) throw new NoteError('cosignature timestamp out of range');
      const sig = ed25519.sign(cosignedMessage(body, t), seed);
      return `— ${name} ${toBase64(concatBytes(fromHex(id), timestampBytes(t), sig))}\n`;
    },
  };
}

/**
 * A note verifier for a cosigner's vkey (type 0x04). Its verify(msg, sig) takes the note text and
 * the signature after the key ID (timestamp ‖ signature), so it plugs into openNote like a log key.
 */
export function parseCosignerVerifierKey(vkey: string): CosignatureVerifier {
  const { name, id, raw } = splitVerifierKey(vkey.trim());
  if (raw.length !== 33 || raw[0] !== ALG_COSIGNATURE_V1)
    throw new NoteError('not a cosigner verifier key: expected type 0x04 (Ed25519 cosignature/v1)');
  const publicKey = raw.subarray(1);
  if (cosignatureKeyId(name, publicKey) !== id) throw new NoteError('verifier key id does not match the key');
  const dec = new TextDecoder();
  return {
    kind: 'cosignature/v1',
    name,
    keyId: id,
    publicKey,
    verify(msg, sig) {
      if (sig.length !== 72) return false;
      const t = new DataView(sig.buffer, sig.byteOffset, 8).getBigUint64(0, false);
      if (t > MAX_TIMESTAMP) return false;
      try {
        return ed25519.verify(sig.subarray(8), cosignedMessage(dec.decode(msg), t), publicKey);
      } catch {
        return false;
      }
    },
  };
}

/** A verifier for either a log key (type 0x01) or a cosigner key (type 0x04). */
export function parseAnyVerifierKey(vkey: string): Verifier | CosignatureVerifier {
  const m = /^[^+]+\+[^+]+\+(.+)$/.exec(vkey.trim());
  let type: number | undefined;
  try {
    type = m ? fromBase64(m[1]!)[0] : undefined;
  } catch {
    type = undefined;
  }
  return type === ALG_COSIGNATURE_V1 ? parseCosignerVerifierKey(vkey) : parseVerifierKey(vkey.trim());
}

/** The timestamp of a cosignature line by a known cosigner (after verification), or null. */
export function cosignatureTime(line: string): number | null {
  const m = /^— \S+ ([A-Za-z0-9+/=]+)\n?$/u.exec(line);
  if (!m) return null;
  try {
    const raw = fromBase64(m[1]!);
    if (raw.length !== 4 + 8 + 64) return null;
    return Number(new DataView(raw.buffer, raw.byteOffset + 4, 8).getBigUint64(0, false));
  } catch {
    return null;
  }
}

/**
 * Split a signed note's signature block into lines, to move cosignatures between notes (the
 * witness protocol answers with bare signature lines; the client appends them to its note).
 */
export function signatureLines(note: string): string[] {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no blank line before the signatures');
  return note
    .slice(split + 2)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `${l}\n`);
}

/** The 16-hex-digit fingerprint shown to people: SHA-256 of the vkey string, first 8 bytes. */
export function keyFingerprint(vkey: string): string {
  return toHex(sha256(enc.encode(vkey.trim())).subarray(0, 8))
    .replace(/(.{4})(?=.)/g, '$1 ')
    .trim();
}
