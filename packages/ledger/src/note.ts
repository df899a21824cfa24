import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromBase64, fromHex, toBase64, toHex } from './hash.js';

/**
 * C2SP signed-note (v1.0.0) with Ed25519 keys (type 0x01), compatible with
 * golang.org/x/mod/sumdb/note: key id = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ pubkey)[:4];
 * verifier key "name+hex(id)+base64(0x01 ‖ pubkey)"; signer key
 * "PRIVATE+KEY+name+hex(id)+base64(0x01 ‖ seed)"; signature line "— name base64(id ‖ sig)".
 */
const ALG_ED25519 = 0x01;
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteError';
  }
}

export interface Verifier {
  name: string;
  keyId: string;
  publicKey: Uint8Array;
  verify(msg: Uint8Array, sig: Uint8Array): boolean;
}

export interface Signer {
  name: string;
  keyId: string;
  publicKey: Uint8Array;
  sign(msg: Uint8Array): Uint8Array;
}

function checkName(name: string): void {
  if (!name || /[\s+]/.test(name) || /[\p{Cc}]/u.test(name)) {
    throw new NoteError(`invalid key name "${name}": it must be non-empty, without spaces or "+"`);
  }
}

export function keyId(name: string, publicKey: Uint8Array): string {
  return toHex(
    sha256(concatBytes(enc.encode(name), new Uint8Array([0x0a, ALG_ED25519]), publicKey)).subarray(0, 4),
  );
}

export function verifierKeyString(name: string, publicKey: Uint8Array): string {
  checkName(name);
  return `${name}+${keyId(name, publicKey)}+${toBase64(concatBytes(new Uint8Array([ALG_ED25519]), publicKey))}`;
}

export function generateSignerKey(name: string): { signer: string; verifier: string } {
  checkName(name);
  const seed = ed25519.utils.randomSecretKey();
  const pub = ed25519.getPublicKey(seed);
  return {
    signer: `PRIVATE+KEY+${name}+${keyId(name, pub)}+${toBase64(concatBytes(new Uint8Array([ALG_ED25519]), seed))}`,
    verifier: verifierKeyString(name, pub),
  };
}

/**
 * The fields of a verifier key `name+keyid+base64(type ‖ key)`, checked for form only (the key
 * type and the key id's match are the caller's: they differ between log keys and cosigners).
 */
export function splitVerifierKey(vkey: string): { name: string; id: string; raw: Uint8Array } {
  // The base64 key may itself contain '+': split off exactly two fields.
  const m = /^([^+]+)\+([^+]+)\+(.+)$/.exec(vkey);
  if (!m) throw new NoteError('malformed verifier key: expected name+keyid+key');
  const [, name, id, b64] = m as unknown as [string, string, string, string];
  checkName(name);
  if (!/^[0-9a-f]{8}$/.test(id))
    throw new NoteError('malformed verifier key: key id must be 8 lowercase hex digits');
  try {
    return { name, id, raw: fromBase64(b64) };
  } catch {
    throw new NoteError('malformed verifier key: key is not base64');
  }
}

export function parseVerifierKey(vkey: string): Verifier {
  const { name, id, raw } = splitVerifierKey(vkey);
  if (raw.length !== 33 || raw[0] !== ALG_ED25519)
    throw new NoteError('unsupported verifier key: only Ed25519 (type 0x01) keys are supported');
  const publicKey = raw.subarray(1);
  if (keyId(name, publicKey) !== id) throw new NoteError('verifier key id does not match the key');
  return {
    name,
    keyId: id,
    publicKey,
    verify: (msg, sig) => {
      try {
        return sig.length === 64 && ed25519.verify(sig, msg, publicKey);
      } catch {
        return false;
      }
    },
  };
}

export function parseSignerKey(skey: string): Signer {
  const m = /^PRIVATE\+KEY\+([^+]+)\+([^+]+)\+(.+)$/.exec(skey);
  if (!m) throw new NoteError('malformed signer key: expected PRIVATE+KEY+name+keyid+key');
  const [, name, id, b64] = m as unknown as [string, string, string, string];
  checkName(name);
  const raw = fromBase64(b64);
  if (raw.length !== 33 || raw[0] !== ALG_ED25519)
    throw new NoteError('unsupported signer key: only Ed25519 is supported');
  const seed = raw.subarray(1);
  const publicKey = ed25519.getPublicKey(seed);
  if (keyId(name, publicKey) !== id) throw new NoteError('signer key id does not match the key');
  return { name, keyId: id, publicKey, sign: (msg) => ed25519.sign(msg, seed) };
}

/** Verifiers must accept at least 16 signatures (signed-note); beyond this a note is refused. */
export const MAX_NOTE_SIGNATURES = 100;

function checkControls(s: string, what: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) {
      throw new NoteError(
        `${what} must not contain ASCII control characters other than newline (found 0x${c.toString(16).padStart(2, '0')} at ${i})`,
      );
    }
  }
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('note text must end in a newline');
  checkControls(text, 'note text');
}

/** Sign a note text with one or more signers. */
export function signNote(text: string, ...signers: Signer[]): string {
  checkText(text);
  const msg = enc.encode(text);
  let out = `${text}\n`;
  for (const s of signers) {
    out += `— ${s.name} ${toBase64(concatBytes(fromHex(s.keyId), s.sign(msg)))}\n`;
  }
  return out;
}

export interface OpenedNote {
  text: string;
  /** names of the verifiers whose signatures verified */
  verifiedBy: string[];
  /** the keys (name and key id) whose signatures verified */
  verified: { name: string; keyId: string }[];
  /** signature lines from keys we do not know (ignored, as the spec requires) */
  unknown: { name: string; keyId: string }[];
}

/**
 * Open a signed note: check its form, verify the signatures of known verifiers, ignore unknown
 * ones, and fail unless at least one known signature verifies and none of them is bad.
 */
export function openNote(note: string | Uint8Array, verifiers: Verifier[]): OpenedNote {
  let s: string;
  try {
    s = typeof note === 'string' ? note : dec.decode(note);
  } catch {
    throw new NoteError('note is not valid UTF-8');
  }
  checkControls(s, 'a signed note');
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no blank line before the signatures');
  const text = s.slice(0, split + 1);
  checkText(text);
  const sigBlock = s.slice(split + 2);
  if (!sigBlock.endsWith('\n') || sigBlock.length < 2)
    throw new NoteError('malformed note: the signature block must end in a newline');
  const msg = enc.encode(text);
  const verifiedBy: string[] = [];
  const verified: { name: string; keyId: string }[] = [];
  const unknown: { name: string; keyId: string }[] = [];
  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES)
    throw new NoteError(`note has ${lines.length} signatures; at most ${MAX_NOTE_SIGNATURES} are accepted`);
  for (const line of lines) {
    const m = /^— ([^\s+]+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!m) throw new NoteError(`malformed signature line: "${line.slice(0, 80)}"`);
    let raw: Uint8Array;
    try {
      raw = fromBase64(m[2]!);
    } catch {
      throw new NoteError(`signature for ${m[1]} is not base64`);
    }
    if (raw.length < 5) throw new NoteError(`signature for ${m[1]} is too short`);
    const id = toHex(raw.subarray(0, 4));
    const v = verifiers.find((x) => x.name === m[1] && x.keyId === id);
    if (!v) {
      unknown.push({ name: m[1]!, keyId: id });
      continue;
    }
    if (!v.verify(msg, raw.subarray(4))) throw new NoteError(`invalid signature by ${v.name}+${v.keyId}`);
    if (!verifiedBy.includes(v.name)) verifiedBy.push(v.name);
    if (!verified.some((x) => x.name === v.name && x.keyId === v.keyId))
      verified.push({ name: v.name, keyId: v.keyId });
  }
  if (verifiedBy.length === 0) throw new NoteError('no signature from a known key');
  return { text, verifiedBy, verified, unknown };
}
