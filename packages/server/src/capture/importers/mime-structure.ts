/**
 * The MIME structure of one message (RFC 2045, 2046), read without decoding it, for two things
 * mailparser does not say: whether the structure closes (a message cut short, by a truncated
 * mbox or .eml, leaves a multipart without its final boundary or a base64 part cut mid-way;
 * mailparser accepts both and yields a truncated attachment), and the messages attached as
 * message/rfc822 whatever their disposition (mailparser folds an inline one into the text and
 * loses its Message-ID and date).
 *
 * Offsets are bytes from the start of the message.
 */
export interface StructureProblem {
  /** where the broken part starts */
  offset: number;
  what: string;
}

export interface MimeStructure {
  problem: StructureProblem | null;
  /** the attached messages, decoded */
  attachedMessages: Uint8Array[];
}

interface Headers {
  type: string;
  params: Record<string, string>;
  encoding: string;
  filename: string | undefined;
  /** where the body starts (after the blank line), or the end when there is none */
  bodyStart: number;
}

function params(v: string): { value: string; params: Record<string, string> } {
  const parts = v.split(';');
  const out: Record<string, string> = {};
  // a parameter's value may itself hold ';' inside quotes
  const re = /;\s*([A-Za-z0-9*_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  for (let m = re.exec(v); m; m = re.exec(v))
    out[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  return { value: (parts[0] ?? '').trim().toLowerCase(), params: out };
}

function readHeaders(s: string, start: number, end: number, defaultType: string): Headers {
  let i = start;
  const lines: string[] = [];
  let bodyStart = end;
  while (i < end) {
    let nl = s.indexOf('\n', i);
    if (nl < 0 || nl >= end) nl = end;
    const line = s.slice(i, nl).replace(/\r$/, '');
    i = nl + 1;
    if (line === '') {
      bodyStart = Math.min(i, end);
      break;
    }
    if (/^[ \t]/.test(line) && lines.length) lines[lines.length - 1] += ` ${line.trim()}`;
    else lines.push(line);
  }
  const get = (name: string) => {
    const l = lines.find((x) => x.toLowerCase().startsWith(`${name}:`));
    return l === undefined ? undefined : l.slice(name.length + 1).trim();
  };
  const ct = params(get('content-type') ?? defaultType);
  const cd = params(get('content-disposition') ?? '');
  return {
    type: ct.value || defaultType,
    params: ct.params,
    encoding: (get('content-transfer-encoding') ?? '7bit').toLowerCase(),
    filename: cd.params.filename ?? ct.params.name,
    bodyStart,
  };
}

function decode(s: string, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(s.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding === 'quoted-printable')
    return Buffer.from(
      s
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
      'latin1',
    );
  return Buffer.from(s, 'latin1');
}

/** Where the part's name, for a message: "the attachment "x.pdf"" or "a text/plain part". */
function describe(h: Headers): string {
  return h.filename ? `the attachment "${h.filename}" (${h.type})` : `a ${h.type} part`;
}

function walk(
  s: string,
  start: number,
  end: number,
  defaultType: string,
  found: Uint8Array[],
  depth: number,
): StructureProblem | null {
  const h = readHeaders(s, start, end, defaultType);
  if (depth > 50) return { offset: start, what: 'MIME parts are nested more than 50 deep' };
  if (h.type.startsWith('multipart/')) {
    const boundary = h.params.boundary;
    if (!boundary) return { offset: start, what: `a ${h.type} part has no boundary parameter` };
    const delim = `--${boundary}`;
    const parts: [number, number][] = [];
    let partStart = -1;
    let closed = false;
    let i = h.bodyStart;
    while (i < end) {
      let nl = s.indexOf('\n', i);
      if (nl < 0 || nl >= end) nl = end;
      const line = s
        .slice(i, nl)
        .replace(/\r$/, '')
        .replace(/[ \t]+$/, '');
      if (line === delim || line === `${delim}--`) {
        if (partStart >= 0) {
          // the line break before the delimiter belongs to it (RFC 2046 5.1.1)
          let pe = i;
          if (s[pe - 1] === '\n') pe--;
          if (s[pe - 1] === '\r') pe--;
          parts.push([partStart, Math.max(partStart, pe)]);
        }
        if (line !== delim) {
          closed = true;
          break;
        }
        partStart = nl + 1;
      }
      i = nl + 1;
    }
    if (!closed) {
      const from = Math.min(partStart >= 0 ? partStart : h.bodyStart, end);
      const last = partStart >= 0 ? readHeaders(s, from, end, 'text/plain') : null;
      return {
        offset: from,
        what: `the ${h.type} part never closes (no final boundary "${delim}--"): the message is cut short${last ? `, in ${describe(last)}` : ''}`,
      };
    }
    const childDefault = h.type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    for (const [ps, pe] of parts) {
      const p = walk(s, ps, pe, childDefault, found, depth + 1);
      if (p) return p;
    }
    return null;
  }
  const body = s.slice(h.bodyStart, end);
  if (h.encoding === 'base64') {
    const b64 = body.replace(/[\r\n\t ]/g, '');
    const bad = /[^A-Za-z0-9+/=]/.exec(b64);
    if (bad)
      return {
        offset: h.bodyStart,
        what: `the base64 content of ${describe(h)} holds a character that is not base64`,
      };
    if (b64.length % 4 !== 0 || /=[^=]/.test(b64))
      return { offset: h.bodyStart, what: `the base64 content of ${describe(h)} is cut short` };
  }
  if (h.type === 'message/rfc822' || h.type === 'message/global') {
    if (['7bit', '8bit', 'binary'].includes(h.encoding)) {
      const p = walk(s, h.bodyStart, end, 'text/plain', found, depth + 1);
      if (p) return p;
      found.push(new Uint8Array(Buffer.from(body, 'latin1')));
    } else {
      const inner = decode(body, h.encoding);
      const p = walk(inner.toString('latin1'), 0, inner.length, 'text/plain', [], depth + 1);
      if (p) return { offset: h.bodyStart, what: `the attached message ${describe(h)} is broken: ${p.what}` };
      found.push(new Uint8Array(inner));
    }
  }
  return null;
}

/** The message's structure: whether it closes, and its attached messages. */
export function mimeStructure(raw: Uint8Array): MimeStructure {
  const s = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  const attachedMessages: Uint8Array[] = [];
  const problem = walk(s, 0, s.length, 'text/plain', attachedMessages, 0);
  return { problem, attachedMessages: problem ? [] : attachedMessages };
}
