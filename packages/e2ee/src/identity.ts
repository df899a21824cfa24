/**
 * Who a leaf is. An MLS basic credential's identity bytes carry one of these, encoded as a short
 * JSON object with a fixed field order so that equal identities have equal bytes.
 *
 * - a person's device: each device is its own member (a person with two devices has two leaves);
 * - an office's records member: the passive member that archives the office's copy.
 */
export type MemberIdentity =
  | { kind: 'person'; officeId: string; personId: string; deviceId: string }
  | { kind: 'records'; officeId: string };

const PREFIX = 'hotline-member/1 ';

function checkPart(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new Error(`member identity: ${name} must be a non-empty string of at most 200 characters`);
  }
  return value;
}

export function encodeIdentity(id: MemberIdentity): Uint8Array {
  const body =
    id.kind === 'person'
      ? {
          kind: 'person',
          officeId: checkPart('officeId', id.officeId),
          personId: checkPart('personId', id.personId),
          deviceId: checkPart('deviceId', id.deviceId),
        }
      : { kind: 'records', officeId: checkPart('officeId', id.officeId) };
  return new TextEncoder().encode(PREFIX + JSON.stringify(body));
}

/** The identity in credential bytes, or null when they are not a Hotline member identity. */
export function decodeIdentity(bytes: Uint8Array): MemberIdentity | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  if (!text.startsWith(PREFIX)) return null;
  let body: unknown;
  try {
    body = JSON.parse(text.slice(PREFIX.length));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const o = body as Record<string, unknown>;
  try {
    const id: MemberIdentity =
      o.kind === 'person'
        ? {
            kind: 'person',
            officeId: checkPart('officeId', o.officeId),
            personId: checkPart('personId', o.personId),
            deviceId: checkPart('deviceId', o.deviceId),
          }
        : o.kind === 'records'
          ? { kind: 'records', officeId: checkPart('officeId', o.officeId) }
          : (() => {
              throw new Error('kind');
            })();
    // Only the canonical encoding is accepted, so one identity has exactly one byte form.
    return equalBytes(encodeIdentity(id), bytes) ? id : null;
  } catch {
    return null;
  }
}

export function describeIdentity(id: MemberIdentity): string {
  return id.kind === 'person'
    ? `${id.personId} (device ${id.deviceId}, office ${id.officeId})`
    : `records member of office ${id.officeId}`;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return d === 0;
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}
