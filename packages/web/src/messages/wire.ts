/**
 * What travels inside an MLS application message (the server never sees it): a small JSON
 * object. Text, a reply (points at the message it answers), an edit (a new version of one of the
 * sender's own messages), a file (its bytes either inline, or encrypted with a random key that
 * travels here while the server stores only the ciphertext blob).
 */

export interface FileRef {
  name: string;
  type: string;
  size: number;
  /** The file's bytes inline (base64), for small files or when the server stores no blobs. */
  inline?: string;
  /** Or: the server blob holding AES-GCM(key, iv) of the bytes. */
  blobId?: string;
  key?: string;
  iv?: string;
}

export type Payload =
  | {
      t: 'text';
      id: string;
      /** The sender as it says (checked against the server's sender and the roster). */
      from: { personId: string; deviceId: string };
      text: string;
      replyTo?: string;
      file?: FileRef;
    }
  | { t: 'edit'; id: string; from: { personId: string; deviceId: string }; target: string; text: string };

export function encodePayload(p: Payload): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(p));
}

export function decodePayload(bytes: Uint8Array): Payload | null {
  try {
    const o = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Payload;
    if (o && (o.t === 'text' || o.t === 'edit') && typeof o.id === 'string') return o;
  } catch {
    // not ours
  }
  return null;
}

export function b64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function unb64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A key the server sends either as hex or as base64. */
export function keyBytes(s: string): Uint8Array {
  return /^[0-9a-f]+$/i.test(s) && s.length % 2 === 0 ? hexToBytes(s) : unb64(s);
}
