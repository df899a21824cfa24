/**
 * How an office's records member authenticates to the server over HTTP: each request carries
 * `Authorization: HotlineRecords office=<id>, at=<unix ms>, sig=<base64>`, an Ed25519 signature
 * with its MLS signature key (the one its office published) over
 * "hotline-records-request/1\n" + method + "\n" + path?query + "\n" + at + "\n" + hex(SHA-256(body)).
 * The server accepts it within two minutes of `at`; a replayed acknowledgement is refused as
 * already archived.
 */
import { toHex } from './identity.js';
import { suite } from './suite.js';

export const RECORDS_AUTH_SCHEME = 'HotlineRecords';
export const RECORDS_AUTH_WINDOW_MS = 120_000;

async function sha256Hex(body: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', body as BufferSource)));
}

export async function recordsRequestMessage(
  method: string,
  pathAndQuery: string,
  at: number,
  body: Uint8Array,
): Promise<Uint8Array> {
  return new TextEncoder().encode(
    `hotline-records-request/1\n${method.toUpperCase()}\n${pathAndQuery}\n${at}\n${await sha256Hex(body)}`,
  );
}

export async function signRecordsRequest(
  signKey: Uint8Array,
  officeId: string,
  method: string,
  pathAndQuery: string,
  body: Uint8Array,
  at: number = Date.now(),
): Promise<string> {
  const sig = await (await suite()).signature.sign(
    signKey,
    await recordsRequestMessage(method, pathAndQuery, at, body),
  );
  let s = '';
  for (const x of sig) s += String.fromCharCode(x);
  return `${RECORDS_AUTH_SCHEME} office=${officeId}, at=${at}, sig=${btoa(s)}`;
}

export function parseRecordsAuthorization(
  header: string,
): { officeId: string; at: number; signature: Uint8Array } | null {
  const m = /^HotlineRecords office=([0-9a-fA-F-]{36}), at=(\d{1,15}), sig=([A-Za-z0-9+/]+={0,2})$/.exec(
    header.trim(),
  );
  if (!m) return null;
  const bin = atob(m[3]!);
  const signature = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) signature[i] = bin.charCodeAt(i);
  return { officeId: m[1]!.toLowerCase(), at: Number(m[2]), signature };
}

export async function verifyRecordsRequest(
  publicKey: Uint8Array,
  signature: Uint8Array,
  method: string,
  pathAndQuery: string,
  at: number,
  body: Uint8Array,
): Promise<boolean> {
  return (await suite()).signature.verify(
    publicKey,
    await recordsRequestMessage(method, pathAndQuery, at, body),
    signature,
  );
}
