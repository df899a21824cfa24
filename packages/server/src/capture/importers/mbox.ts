import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { AddressObject } from 'mailparser';
import { type ForwardedOriginal, inlineForwards, normalisedBodyHash } from './forwards.js';
import { MimeParseError, type ParsedMime, parseMime } from './mime-worker.js';
import { sniffHint } from './sniff.js';
import { type CapturedItem, ImportFormatError, type ImportProgress, sha256Hex } from './types.js';

export type MboxQuoting = 'mboxrd' | 'mboxo';

function addresses(a: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  return list.flatMap((x) => x.value.map((v) => (v.address ?? '').toLowerCase()).filter(Boolean));
}

/**
 * The complete copies attached to a message as message/rfc822 ("Forward as attachment"): each
 * one's Message-ID, date, sender, subject and normalised body, read with mailparser. An attached
 * message that cannot be read is kept only as a file, as before.
 */
async function attachedForwards(m: ParsedMime): Promise<ForwardedOriginal[]> {
  const found: ForwardedOriginal[] = [];
  for (const bytes of m.attachedMessages) {
    if (bytes.length === 0) continue;
    let inner: ParsedMime;
    try {
      inner = await parseMime(bytes);
    } catch (err) {
      if (err instanceof MimeParseError) continue;
      throw err;
    }
    const from = addresses(inner.from)[0];
    const date = inner.date && !Number.isNaN(inner.date.getTime()) ? inner.date : undefined;
    found.push({
      via: 'attached',
      ...(inner.messageId ? { messageId: inner.messageId } : {}),
      ...(from ? { from } : {}),
      ...(date ? { date: date.toISOString() } : {}),
      ...(inner.subject !== undefined ? { subject: inner.subject.replace(/\s+/g, ' ').trim() } : {}),
      bodyHash: normalisedBodyHash(inner.text ?? ''),
    });
  }
  return found;
}

/**
 * Parse one RFC 5322 message (a .eml file or one mbox entry) with mailparser. A message whose
 * MIME structure does not close (cut short) is refused, naming the message and the byte offset
 * in the file where the broken part starts (`fileOffset` maps an offset in `raw` to the file).
 */
export async function parseMessage(
  raw: Buffer,
  file: string,
  where: string,
  fileOffset: (offsetInMessage: number) => number = (o) => o,
): Promise<CapturedItem> {
  const headerEnd = raw.indexOf('\n\n') >= 0 ? raw.indexOf('\n\n') : raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, headerEnd >= 0 ? headerEnd : raw.length).toString('latin1');
  if (headerEnd < 0 || !/^[!-9;-~]+:/m.test(head)) {
    throw new ImportFormatError(
      file,
      where,
      'the message has no header block (expected "Name: value" lines, then a blank line)',
    );
  }
  let m: ParsedMime;
  try {
    // mailparser runs on a parser thread (see mime-worker.ts).
    m = await parseMime(raw);
  } catch (err) {
    if (!(err instanceof MimeParseError)) throw err;
    throw new ImportFormatError(file, where, `the MIME structure is broken (${err.message})`);
  }
  if (m.structureProblem) {
    const id = m.messageId ? ` (Message-ID ${m.messageId})` : '';
    throw new ImportFormatError(
      file,
      `${where}${id}, byte ${fileOffset(m.structureProblem.offset)}`,
      `${m.structureProblem.what}; a partial copy is not imported, as it would stand for the complete one`,
    );
  }
  if (!m.date || Number.isNaN(m.date.getTime()))
    throw new ImportFormatError(file, where, 'the message has no valid Date header');
  const bcc = addresses(m.bcc);
  // Delivered-To / X-Original-To show where a bcc copy went when no Bcc header survives.
  for (const v of m.deliveredTo) bcc.push(v.toLowerCase());
  const text = m.text ?? '';
  const forwards = [...(await attachedForwards(m)), ...inlineForwards(text)];
  return {
    kind: 'email',
    sourceId: m.messageId ?? `sha256:${sha256Hex(raw)}`,
    occurredAt: m.date,
    from: addresses(m.from)[0] ?? null,
    to: addresses(m.to),
    cc: addresses(m.cc),
    bcc: [...new Set(bcc)],
    subject: m.subject ?? null,
    text,
    metadata: {
      messageId: m.messageId ?? null,
      inReplyTo: m.inReplyTo ?? null,
      references: m.references ?? null,
      bodyHash: sha256Hex(text.replace(/\r\n/g, '\n').trim()),
      normBodyHash: normalisedBodyHash(text),
      forwards,
      forwardedOf: forwards[0] ?? null,
    },
    attachments: m.attachments
      .filter((a) => a.contentType !== 'message/rfc822' || a.content.length > 0)
      .map((a) => ({
        filename: a.filename ?? 'attachment',
        contentType: a.contentType,
        bytes: a.content,
        sha256: sha256Hex(a.content),
      })),
    raw: new Uint8Array(raw),
  };
}

/**
 * Messages parsed ahead of the one being consumed: at most this many, or this many bytes. At
 * least one import write batch, so the parser thread has work queued while the main thread is
 * busy writing one (PGlite blocks it), instead of idling after a few messages.
 */
const AHEAD_ITEMS = 512;
const AHEAD_BYTES = 32 * 1024 * 1024;

/**
 * Stream an mbox (RFC 4155) message by message: a message starts at a "From " line at the
 * start of the file or after an empty line. Quoted "From " lines in bodies are un-escaped:
 * mboxrd (default) removes one ">" from ">+From "; mboxo removes it from ">From " only.
 *
 * Messages are parsed on a parser thread a little ahead of the consumer (a bounded window),
 * so parsing overlaps with whatever the consumer does; they are yielded in file order, and a
 * message that fails stops the stream exactly where parsing one by one would have stopped.
 * Memory stays bounded by the window and the largest message, not the file.
 */
export async function* parseMbox(
  path: string,
  opts: { quoting?: MboxQuoting; onProgress?: (p: ImportProgress) => void } = {},
): AsyncGenerator<CapturedItem> {
  const file = basename(path);
  const total = statSync(path).size;
  const ahead: { item: Promise<CapturedItem>; bytesRead: number; size: number }[] = [];
  let aheadBytes = 0;
  let items = 0;
  const next = async () => {
    const head = ahead.shift()!;
    aheadBytes -= head.size;
    const item = await head.item;
    items++;
    opts.onProgress?.({ bytesRead: head.bytesRead, totalBytes: total, items });
    return item;
  };
  const split = splitMbox(path, file, opts.quoting ?? 'mboxrd');
  try {
    for (;;) {
      let r: IteratorResult<MboxEntry>;
      try {
        r = await split.next();
      } catch (err) {
        // A splitting error comes after the messages before it, as when parsing one by one.
        while (ahead.length) yield await next();
        throw err;
      }
      if (r.done) break;
      const item = parseMessage(r.value.raw, file, r.value.where, r.value.fileOffset);
      item.catch(() => {}); // observed in order by next(); never unhandled meanwhile
      ahead.push({ item, bytesRead: r.value.bytesRead, size: r.value.raw.length });
      aheadBytes += r.value.raw.length;
      while (ahead.length >= AHEAD_ITEMS || aheadBytes >= AHEAD_BYTES) yield await next();
    }
    while (ahead.length) yield await next();
  } finally {
    await split.return(undefined);
  }
}

interface MboxEntry {
  raw: Buffer;
  where: string;
  /** bytes of the file consumed when this message was complete */
  bytesRead: number;
  /** an offset in `raw` as an offset in the file */
  fileOffset: (offsetInMessage: number) => number;
}

/** The mbox splitter: raw messages, un-escaped, in file order. */
async function* splitMbox(path: string, file: string, quoting: MboxQuoting): AsyncGenerator<MboxEntry> {
  const unquote = quoting === 'mboxrd' ? /^>(>*From )/ : /^>(From )/;
  let offset = 0;
  let msgStart = -1;
  let lines: Buffer[] = [];
  let lineStarts: number[] = [];
  let prevBlank = true;
  let leftover = Buffer.alloc(0);

  function flush(): MboxEntry | null {
    if (msgStart < 0) return null;
    // The blank line before the next "From " belongs to the separator, not the message.
    while (lines.length && lines.at(-1)!.length === 0) lines.pop();
    const raw = Buffer.from(lines.map((l) => l.toString('latin1')).join('\n'), 'latin1');
    // Where each line of `raw` starts in it and in the file (line ends are folded to LF, and
    // quoted "From " lines lose a ">", so the two differ).
    const rawStarts: number[] = [];
    let at = 0;
    for (const l of lines) {
      rawStarts.push(at);
      at += l.length + 1;
    }
    const fileStarts = lineStarts.slice(0, lines.length);
    const fileOffset = (o: number) => {
      let lo = 0;
      let hi = rawStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (rawStarts[mid]! <= o) lo = mid;
        else hi = mid - 1;
      }
      return rawStarts.length ? fileStarts[lo]! + (o - rawStarts[lo]!) : msgStart;
    };
    return { raw, where: `message starting at byte ${msgStart}`, bytesRead: offset, fileOffset };
  }

  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    let buf = Buffer.concat([leftover, chunk as Buffer]);
    let nl = buf.indexOf(10);
    while (nl >= 0) {
      let line = buf.subarray(0, nl);
      if (line.at(-1) === 13) line = line.subarray(0, -1);
      const lineStart = offset;
      offset += nl + 1;
      buf = buf.subarray(nl + 1);
      nl = buf.indexOf(10);
      if (prevBlank && line.subarray(0, 5).toString('latin1') === 'From ') {
        const done = flush();
        if (done) yield done;
        msgStart = lineStart;
        lines = [];
        lineStarts = [];
        prevBlank = false;
        continue;
      }
      if (msgStart < 0) {
        if (line.length === 0) continue;
        throw new ImportFormatError(
          file,
          `byte ${lineStart}`,
          `an mbox file must start with a "From " separator line; this does not look like an mbox${sniffHint(path)}`,
        );
      }
      const s = line.toString('latin1');
      lines.push(unquote.test(s) ? Buffer.from(s.slice(1), 'latin1') : line);
      lineStarts.push(lineStart);
      prevBlank = line.length === 0;
    }
    leftover = Buffer.from(buf);
  }
  if (leftover.length) {
    const s = leftover.toString('latin1');
    if (msgStart < 0)
      throw new ImportFormatError(file, 'byte 0', 'an mbox file must start with a "From " separator line');
    lines.push(Buffer.from(unquote.test(s) ? s.slice(1) : s, 'latin1'));
    lineStarts.push(offset);
    offset += leftover.length;
  }
  if (msgStart < 0) throw new ImportFormatError(file, 'byte 0', 'the file holds no messages');
  const last = flush();
  if (last) yield last;
}

/** A single .eml file (RFC 5322). */
export async function* parseEml(
  path: string,
  opts: { onProgress?: (p: ImportProgress) => void } = {},
): AsyncGenerator<CapturedItem> {
  const { readFileSync } = await import('node:fs');
  const raw = readFileSync(path);
  const file = basename(path);
  // An mbox starts with a "From " separator line (no colon): its messages would otherwise be
  // read as one, and all but the first dropped.
  if (raw.subarray(0, 5).toString('latin1') === 'From ') {
    const separators = raw.toString('latin1').match(/(?:^|\n\r?\n)From [^\n]*/g)?.length ?? 1;
    throw new ImportFormatError(
      file,
      'byte 0',
      `this looks like an mbox (${separators} message(s), each after a "From " separator line), not a single .eml message; import it with \`hotline import mbox\``,
    );
  }
  if (raw.length === 0) throw new ImportFormatError(file, 'byte 0', 'the file is empty');
  const item = await parseMessage(raw, file, 'the message');
  opts.onProgress?.({ bytesRead: raw.length, totalBytes: raw.length, items: 1 });
  yield item;
}
