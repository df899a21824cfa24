/**
 * Short authentication string (SAS) for a pair of peers: both sides hash the two DTLS
 * certificate fingerprints from the SDP (their own and the other's) in a fixed order, so they
 * show the same 6 digits exactly when each sees the other's real certificate. A signaling
 * server that swaps a fingerprint to sit in the middle makes the codes differ.
 *
 * Pure; uses WebCrypto (browser, Node 20).
 */

export const SAS_CONTEXT = 'hotline-sas-v1';

export interface DtlsFingerprint {
  /** Lower-case hash name as in the SDP, e.g. `sha-256`. */
  algorithm: string;
  /** The digest bytes. */
  bytes: Uint8Array;
  /** Upper-case colon-separated hex, as in the SDP. */
  hex: string;
}

/**
 * The DTLS fingerprint of an SDP (`a=fingerprint:sha-256 AB:CD:…`, RFC 8122). Every media
 * section of one peer connection carries the same certificate; differing fingerprints in one
 * SDP are refused, since the code could only vouch for one of them.
 */
export function extractFingerprint(sdp: string): DtlsFingerprint {
  const found = new Map<string, DtlsFingerprint>();
  for (const m of sdp.matchAll(/^a=fingerprint:(\S+)\s+([0-9A-Fa-f:]+)\s*$/gm)) {
    const algorithm = (m[1] ?? '').toLowerCase();
    const hex = (m[2] ?? '').toUpperCase();
    const parts = hex.split(':');
    if (parts.some((p) => p.length !== 2)) throw new Error(`malformed DTLS fingerprint "${hex}"`);
    found.set(`${algorithm} ${hex}`, {
      algorithm,
      hex,
      bytes: Uint8Array.from(parts.map((p) => Number.parseInt(p, 16))),
    });
  }
  const all = [...found.values()];
  if (all.length === 0) throw new Error('the SDP has no a=fingerprint line (is DTLS off?)');
  const sha256 = all.filter((f) => f.algorithm === 'sha-256');
  if (sha256.length > 1 || (sha256.length === 0 && all.length > 1)) {
    throw new Error('the SDP carries more than one DTLS certificate fingerprint');
  }
  return sha256[0] ?? all[0]!;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The hash input: context, then the two fingerprints in lexicographic order, each length-prefixed. */
export function sasInput(a: DtlsFingerprint, b: DtlsFingerprint): Uint8Array {
  const [first, second] = compareBytes(a.bytes, b.bytes) <= 0 ? [a, b] : [b, a];
  const context = new TextEncoder().encode(SAS_CONTEXT);
  const out = new Uint8Array(context.length + 2 + first.bytes.length + second.bytes.length);
  out.set(context, 0);
  let at = context.length;
  out[at++] = first.bytes.length;
  out.set(first.bytes, at);
  at += first.bytes.length;
  out[at++] = second.bytes.length;
  out.set(second.bytes, at);
  return out;
}

/** Six decimal digits from the first 4 bytes of the digest (modulo bias below 0.03 %). */
export function digitsFromDigest(digest: Uint8Array): string {
  const n = new DataView(digest.buffer, digest.byteOffset, digest.byteLength).getUint32(0, false);
  return String(n % 1_000_000).padStart(6, '0');
}

/** The 6-digit code for the pair whose SDPs these are (same result on both sides). */
export async function shortAuthenticationString(localSdp: string, remoteSdp: string): Promise<string> {
  const input = sasInput(extractFingerprint(localSdp), extractFingerprint(remoteSdp));
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', input as BufferSource));
  return digitsFromDigest(digest);
}

/** "123456" → "123 456", the way people read it out. */
export function formatSas(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}
