import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { SaxesParser } from 'saxes';
import { type CapturedItem, ImportFormatError, type ImportProgress, sha256Hex } from './types.js';

/** A number in E.164 (+12025550100), or the input unchanged (short codes, alphanumeric senders). */
export function toE164(raw: string, defaultCountry: CountryCode = 'US'): string {
  const cleaned = raw.trim();
  const p = parsePhoneNumberFromString(cleaned, defaultCountry);
  return p?.isValid() ? p.number : cleaned;
}

const SMS_TYPE: Record<string, 'incoming' | 'outgoing'> = { '1': 'incoming', '2': 'outgoing' };
const CALL_TYPE: Record<string, string> = {
  '1': 'incoming',
  '2': 'outgoing',
  '3': 'missed',
  '4': 'voicemail',
  '5': 'rejected',
  '6': 'blocked',
};

/**
 * "SMS Backup & Restore" exports, streamed with saxes: `<smses>` with `<sms>` and `<mms>`
 * (parts with base64 data, addrs), and `<calls>` with `<call>`. Numbers become E.164.
 * Bad XML fails with its line and column; the caller's transaction then keeps nothing.
 */
export async function* parsePhoneBackup(
  path: string,
  opts: { defaultCountry?: CountryCode; onProgress?: (p: ImportProgress) => void } = {},
): AsyncGenerator<CapturedItem> {
  const file = basename(path);
  const total = statSync(path).size;
  const country = opts.defaultCountry ?? 'US';
  const parser = new SaxesParser({ xmlns: false, position: true });
  const out: CapturedItem[] = [];
  let root: string | null = null;
  let mms: {
    attrs: Record<string, string>;
    parts: Record<string, string>[];
    addrs: Record<string, string>[];
  } | null = null;
  let error: ImportFormatError | null = null;
  // Positions are byte offsets into the file (the parser counts string indexes): the bytes of
  // every earlier chunk, plus this chunk's bytes up to the parser's index in it.
  let chunk = '';
  let chunkChar = 0;
  let chunkByte = 0;
  const byteAt = (pos: number) => chunkByte + Buffer.byteLength(chunk.slice(0, Math.max(0, pos - chunkChar)));
  const where = () => `byte ${byteAt(parser.position)} (line ${parser.line}, column ${parser.column})`;
  /** Where the last markup (declaration, tag, comment) ended: text after it starts there. */
  let markupEnd = 0;
  const markup = () => {
    markupEnd = byteAt(parser.position);
  };
  for (const ev of ['xmldecl', 'doctype', 'comment', 'processinginstruction', 'closetag'] as const)
    parser.on(ev, markup);

  const date = (ms: string | undefined): Date => {
    const d = new Date(Number(ms));
    if (!ms || Number.isNaN(d.getTime()))
      throw new ImportFormatError(file, where(), `date "${ms}" is not a millisecond timestamp`);
    return d;
  };

  parser.on('error', (e) => {
    if (!error && /text data outside of root node/.test(e.message)) {
      const at = textOutsideRoot(path, markupEnd);
      error = new ImportFormatError(
        file,
        `byte ${at.byte} (line ${at.line})`,
        `there is text outside the root element: "${at.text}"; an SMS Backup & Restore file holds one <smses> or <calls> element and nothing else`,
      );
    }
    error ??= new ImportFormatError(file, where(), `the XML is malformed (${e.message.split('\n')[0]})`);
  });
  parser.on('opentag', (tag) => {
    markup();
    if (error) return;
    const a = tag.attributes as Record<string, string>;
    try {
      if (root === null) {
        if (tag.name !== 'smses' && tag.name !== 'calls') {
          throw new ImportFormatError(
            file,
            where(),
            `expected an <smses> or <calls> root element from SMS Backup & Restore, found <${tag.name}>`,
          );
        }
        root = tag.name;
        return;
      }
      if (tag.name === 'sms') {
        const number = toE164(a.address ?? '', country);
        const dir = SMS_TYPE[a.type ?? ''] ?? 'other';
        const raw = Buffer.from(JSON.stringify(a));
        out.push({
          kind: 'sms',
          sourceId: `sms:${sha256Hex(`${number}|${a.date}|${a.type}|${a.body ?? ''}`)}`,
          occurredAt: date(a.date),
          from: dir === 'incoming' ? number : null,
          to: dir === 'outgoing' ? [number] : [],
          cc: [],
          bcc: [],
          subject: null,
          text: a.body ?? '',
          metadata: { number, direction: dir, contactName: a.contact_name ?? null },
          attachments: [],
          raw: new Uint8Array(raw),
        });
      } else if (tag.name === 'mms') {
        mms = { attrs: a, parts: [], addrs: [] };
      } else if (tag.name === 'part' && mms) {
        mms.parts.push(a);
      } else if (tag.name === 'addr' && mms) {
        mms.addrs.push(a);
      } else if (tag.name === 'call') {
        const number = toE164(a.number ?? '', country);
        const kind = CALL_TYPE[a.type ?? ''] ?? 'other';
        const duration = Number(a.duration ?? 0);
        if (!Number.isFinite(duration) || duration < 0)
          throw new ImportFormatError(file, where(), `duration "${a.duration}" is not a number of seconds`);
        out.push({
          kind: 'call',
          sourceId: `call:${sha256Hex(`${number}|${a.date}|${a.type}|${a.duration}`)}`,
          occurredAt: date(a.date),
          from: kind === 'outgoing' ? null : number,
          to: kind === 'outgoing' ? [number] : [],
          cc: [],
          bcc: [],
          subject: null,
          text: '',
          metadata: {
            number,
            direction: kind,
            durationSeconds: duration,
            contactName: a.contact_name ?? null,
          },
          attachments: [],
          raw: new Uint8Array(Buffer.from(JSON.stringify(a))),
        });
      }
    } catch (err) {
      error ??= err as ImportFormatError;
    }
  });
  parser.on('closetag', (tag) => {
    if (error || tag.name !== 'mms' || !mms) return;
    const m = mms;
    mms = null;
    try {
      const numbers = m.addrs.map((x) => toE164(x.address ?? '', country));
      const text = m.parts
        .filter((p) => p.ct === 'text/plain')
        .map((p) => p.text ?? '')
        .join('\n');
      const attachments = m.parts
        .filter((p) => p.data && p.ct !== 'application/smil')
        .map((p) => {
          const bytes = Buffer.from(p.data!, 'base64');
          return {
            filename: p.name && p.name !== 'null' ? p.name : `part-${p.seq}`,
            contentType: p.ct ?? 'application/octet-stream',
            bytes: new Uint8Array(bytes),
            sha256: sha256Hex(bytes),
          };
        });
      // msg_box 1 = received, 2 = sent; addr type 137 = from, 151 = to, 130 = cc.
      const from = m.addrs.find((x) => x.type === '137');
      out.push({
        kind: 'mms',
        sourceId: `mms:${sha256Hex(`${m.attrs.date}|${numbers.join(',')}|${text}|${attachments.map((x) => x.sha256).join(',')}`)}`,
        occurredAt: date(m.attrs.date),
        from: from ? toE164(from.address ?? '', country) : null,
        to: m.addrs.filter((x) => x.type === '151').map((x) => toE164(x.address ?? '', country)),
        cc: m.addrs.filter((x) => x.type === '130').map((x) => toE164(x.address ?? '', country)),
        bcc: [],
        subject: null,
        text,
        metadata: { numbers, direction: m.attrs.msg_box === '2' ? 'outgoing' : 'incoming' },
        attachments,
        raw: new Uint8Array(Buffer.from(JSON.stringify(m))),
      });
    } catch (err) {
      error ??= err as ImportFormatError;
    }
  });

  let read = 0;
  // 64 KiB at a time: the parser and its handlers run synchronously for each chunk, so a
  // small chunk keeps this process's event loop (every other request it serves) moving.
  for await (const c of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    chunkChar += chunk.length;
    chunkByte += Buffer.byteLength(chunk);
    chunk = c as string;
    parser.write(chunk);
    read += Buffer.byteLength(chunk);
    if (error) throw error;
    opts.onProgress?.({ bytesRead: read, totalBytes: total, items: out.length });
    yield* out.splice(0);
  }
  parser.close();
  if (error) throw error;
  if (root === null) throw new ImportFormatError(file, 'byte 0', 'the file is empty or not XML');
  yield* out.splice(0);
}

/**
 * The first non-blank text outside markup at or after byte `from` (where the last markup ended): its byte
 * offset, line and first few characters. Read again from the file: only on this error.
 */
function textOutsideRoot(path: string, from: number): { byte: number; line: number; text: string } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    let line = 1;
    let pos = 0;
    let byte = -1;
    let inMarkup = false;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      for (let i = 0; i < n; i++) {
        const b = buf[i]!;
        if (pos + i >= from) {
          // Skip blanks and markup (a tag after `from`, such as the root's end tag).
          if (inMarkup) inMarkup = b !== 0x3e;
          else if (b === 0x3c) inMarkup = true;
          else if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) {
            byte = pos + i;
            break;
          }
        }
        if (b === 0x0a) line++;
      }
      if (byte >= 0) break;
      pos += n;
    }
    if (byte < 0) return { byte: from, line, text: '' };
    const n = readSync(fd, buf, 0, 64, byte);
    const text = buf
      .subarray(0, n)
      .toString('utf8')
      .split(/[\r\n<]/)[0]!
      .slice(0, 40);
    return { byte, line, text };
  } finally {
    closeSync(fd);
  }
}
