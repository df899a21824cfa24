/**
 * Credentials of Hotline's authentication service (RFC 9750 §5): the server's messaging authority
 * signs a statement binding a device's MLS signature key to a person of an office. Clients check
 * the signature against the authority key and show a per-person safety code computed from the
 * person's credentials, which two people compare out of band (like the call room's code).
 *
 * Pure; runs in the browser and Node (the suite's Ed25519 and WebCrypto SHA-256).
 */
import {
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  type Credential as MlsCredential,
} from 'ts-mls';
import { encodeIdentity, equalBytes, type MemberIdentity } from './identity.js';
import type { KeyPackageBundle } from './mls.js';
import { suite } from './suite.js';

/** A credential as the server issues it (base64 for bytes, ISO time). */
export interface Credential {
  officeId: string;
  personId: string;
  deviceId: string;
  /** The device's MLS signature public key (Ed25519, 32 bytes), base64. */
  signaturePublicKey: string;
  issuedAt: string;
  /** The authority's Ed25519 signature over credentialMessage(), base64. */
  signature: string;
}

export const CREDENTIAL_CONTEXT = 'hotline-credential/1\n';

/** The bytes the authority signs: the context line, then the fields as JSON in this exact order. */
export function credentialMessage(c: Omit<Credential, 'signature'>): Uint8Array {
  return new TextEncoder().encode(
    CREDENTIAL_CONTEXT +
      JSON.stringify({
        officeId: c.officeId,
        personId: c.personId,
        deviceId: c.deviceId,
        signaturePublicKey: c.signaturePublicKey,
        issuedAt: c.issuedAt,
      }),
  );
}

export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toBase64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

/** A new Ed25519 signature key pair for a device (suite 1's signature scheme). */
export async function newSignatureKeyPair(): Promise<{ publicKey: Uint8Array; signKey: Uint8Array }> {
  return (await suite()).signature.keygen();
}

/** The authority's signature over a credential (the server's side; also used by tests). */
export async function signCredential(
  authoritySignKey: Uint8Array,
  c: Omit<Credential, 'signature'>,
): Promise<Credential> {
  const sig = await (await suite()).signature.sign(authoritySignKey, credentialMessage(c));
  return { ...c, signature: toBase64(sig) };
}

export type CredentialCheck = { ok: true } | { ok: false; reason: string };

/**
 * Does the authority vouch for this credential? The signature must verify under the authority's
 * public key, and (when given) the credential must be for this person and signature key.
 */
export async function verifyCredential(
  c: Credential,
  authorityPublicKey: Uint8Array,
  expect?: { personId?: string; signaturePublicKey?: Uint8Array },
): Promise<CredentialCheck> {
  let sig: Uint8Array;
  let key: Uint8Array;
  try {
    sig = fromBase64(c.signature);
    key = fromBase64(c.signaturePublicKey);
  } catch {
    return { ok: false, reason: 'the credential is not well-formed base64' };
  }
  if (key.length !== 32) return { ok: false, reason: 'the signature key is not 32 bytes (Ed25519)' };
  if (expect?.personId !== undefined && expect.personId !== c.personId)
    return { ok: false, reason: `the credential is for ${c.personId}, not ${expect.personId}` };
  if (expect?.signaturePublicKey && !equalBytes(expect.signaturePublicKey, key))
    return { ok: false, reason: 'the credential is for another signature key' };
  const ok = await (await suite()).signature.verify(authorityPublicKey, credentialMessage(c), sig);
  return ok ? { ok: true } : { ok: false, reason: "the authority's signature does not verify" };
}

export const SAFETY_CODE_CONTEXT = 'hotline-safety-code-v1';
const SAFETY_ITERATIONS = 5200;

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data as BufferSource));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * A person's safety code: 30 digits (six groups of five, Signal's per-party half) from their
 * person id and the signature keys of all their devices (sorted, so order does not matter),
 * hashed 5,200 times. Two people who see the same code for someone see the same devices for
 * them: a server that slipped in a device of its own would change it.
 */
export async function safetyCode(personId: string, credentials: readonly Credential[]): Promise<string> {
  const keys = credentials
    .filter((c) => c.personId === personId)
    .map((c) => fromBase64(c.signaturePublicKey))
    .sort(compareBytes);
  if (keys.length === 0)
    throw new Error(`no credential for ${personId}: nothing to compute a safety code from`);
  const enc = new TextEncoder();
  // Each part length-prefixed: context, person id, then each key.
  const parts: Uint8Array[] = [enc.encode(SAFETY_CODE_CONTEXT), enc.encode(personId), ...keys];
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    joined[at++] = p.length & 0xff;
    joined.set(p, at);
    at += p.length;
  }
  let digest = await sha256(joined);
  for (let i = 1; i < SAFETY_ITERATIONS; i++) {
    const next = new Uint8Array(digest.length + joined.length);
    next.set(digest, 0);
    next.set(joined, digest.length);
    digest = await sha256(next);
  }
  const groups: string[] = [];
  for (let i = 0; i < 6; i++) {
    // Five bytes per group, as a 40-bit number, modulo 100,000 (as Signal's numeric fingerprint).
    let n = 0;
    for (let j = 0; j < 5; j++) n = n * 256 + digest[(i * 5 + j) % digest.length]!;
    groups.push(String(n % 100_000).padStart(5, '0'));
  }
  return groups.join('');
}

/** "12345678901234567890…" → "12345 67890 …", the way people read it out. */
export function formatSafetyCode(code: string): string {
  return code.match(/.{1,5}/g)?.join(' ') ?? code;
}

/**
 * A key package signed with the device's own signature key (the one its credential binds), so
 * every key package of a device carries the same key. Use newKeyPackage only for records members
 * and tests that need no credential.
 */
export async function newDeviceKeyPackage(
  identity: MemberIdentity,
  signatureKeyPair: { publicKey: Uint8Array; signKey: Uint8Array },
): Promise<KeyPackageBundle> {
  const cs = await suite();
  const credential: MlsCredential = { credentialType: 'basic', identity: encodeIdentity(identity) };
  const kp = await generateKeyPackageWithKey(
    credential,
    defaultCapabilities(),
    defaultLifetime,
    [],
    signatureKeyPair,
    cs,
  );
  return {
    publicBytes: encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_key_package',
      keyPackage: kp.publicPackage,
    }),
    privateKeys: kp.privatePackage,
  };
}
