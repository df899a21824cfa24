/**
 * Just enough SDP (RFC 8866, RFC 3264) to tell whether a description offers to send media.
 * Pure: no I/O.
 */

const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

export interface MediaSection {
  kind: string;
  port: number;
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

/**
 * The media sections of an SDP with their effective direction. A section without a direction
 * attribute takes the session-level one, and without that it is sendrecv (RFC 3264 §5.1).
 */
export function mediaSections(sdp: string): MediaSection[] {
  const lines = sdp.split(/\r?\n/);
  let sessionDirection: MediaSection['direction'] = 'sendrecv';
  const sections: { kind: string; port: number; direction?: MediaSection['direction'] }[] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) {
      const [kind = '', port = '0'] = line.slice(2).split(' ');
      sections.push({ kind, port: Number.parseInt(port, 10) || 0 });
      continue;
    }
    if (!line.startsWith('a=')) continue;
    const attr = line.slice(2).trim();
    if (!DIRECTIONS.has(attr)) continue;
    const dir = attr as MediaSection['direction'];
    const current = sections.at(-1);
    if (current) current.direction = dir;
    else sessionDirection = dir;
  }
  return sections.map((s) => ({ kind: s.kind, port: s.port, direction: s.direction ?? sessionDirection }));
}

/**
 * The audio or video sections an SDP would send on (sendrecv or sendonly, port not 0). A
 * listener's descriptions must have none.
 */
export function sendingMediaSections(sdp: string): MediaSection[] {
  return mediaSections(sdp).filter(
    (s) =>
      (s.kind === 'audio' || s.kind === 'video') &&
      s.port !== 0 &&
      (s.direction === 'sendrecv' || s.direction === 'sendonly'),
  );
}

/** The DTLS fingerprints (`a=fingerprint:<hash> <hex>`) in an SDP, as written. */
export function fingerprints(sdp: string): string[] {
  const out: string[] = [];
  for (const m of sdp.matchAll(/^a=fingerprint:(\S+) (\S+)\s*$/gm)) out.push(`${m[1]} ${m[2]}`);
  return out;
}
