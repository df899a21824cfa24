import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { type AddressObject, simpleParser } from 'mailparser';
import { type CapturedItem, ImportFormatError, type ImportProgress, sha256Hex } from './types.js';

export type MboxQuoting = 'mboxrd' | 'mboxo';

function addresses(a: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  return list.flatMap((x) => x.value.map((v) => (v.address ?? '').toLowerCase()).filter(Boolean));
}

/** Parse one RFC 5322 message (a .eml file or one mbox entry) with mailparser. */
export async function parseMessage(raw: Buffer, file: string, where: string): Promise<CapturedItem> {
  const headerEnd = raw.indexOf('\n\n') >= 0 ? raw.indexOf('\n\n') : raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, headerEnd >= 0 ? headerEnd : raw.length).toString('latin1');
  if (headerEnd < 0 || !/^[!-9;-~]+:/m.test(head)) {
    throw new ImportFormatError(
      file,
      where,
      'the message has no header block (expected "Name: value" lines, then a blank line)',
    );
  }
  let m: Awaited<ReturnType<typeof simpleParser>>;
  try {
    m = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
  } catch (err) {
    throw new ImportFormatError(file, where, `the MIME structure is broken (${(err as Error).message})`);
  }
  if (!m.date || Number.isNaN(m.date.getTime()))
    throw new ImportFormatError(file, where, 'the message has no valid Date header');
  const bcc = addresses(m.bcc);
  // Delivered-To / X-Original-To show where a bcc copy went when no Bcc header survives.
  for (const h of ['delivered-to', 'x-original-to']) {
    const v = m.headers.get(h);
    if (typeof v === 'string') bcc.push(v.toLowerCase());
  }
  const text = m.text ?? '';
  const fwd =
    /-{5,} ?Forwarded message ?-{5,}\s*\n(?:From: (.*)\n)?(?:Date: (.*)\n)?(?:Subject: (.*)\n)?(?:To: (.*)\n)?/i.exec(
      text,
    );
  const rfc822 = m.attachments.find((a) => a.contentType === 'message/rfc822');
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
      forwardedOf: fwd
        ? { from: fwd[1]?.trim() ?? null, date: fwd[2]?.trim() ?? null, subject: fwd[3]?.trim() ?? null }
        : rfc822
          ? { attachedMessage: true }
          : null,
    },
    attachments: m.attachments
      .filter((a) => a.contentType !== 'message/rfc822' || a.content.length > 0)
      .map((a) => ({
        filename: a.filename ?? 'attachment',
        contentType: a.contentType,
        bytes: new Uint8Array(a.content),
        sha256: sha256Hex(a.content),
      })),
    raw: new Uint8Array(raw),
  };
}

/**
 * Stream an mbox (RFC 4155) message by message: a message starts at a "From " line at the
 * start of the file or after an empty line. Quoted "From " lines in bodies are un-escaped:
 * mboxrd (default) removes one ">" from ">+From "; mboxo removes it from ">From " only.
 * Memory stays bounded by the largest message, not the file.
 */
export async function* parseMbox(
  path: string,
  opts: { quoting?: MboxQuoting; onProgress?: (p: ImportProgress) => void } = {},
): AsyncGenerator<CapturedItem> {
  const file = basename(path);
  const total = statSync(path).size;
  const quoting = opts.quoting ?? 'mboxrd';
  const unquote = quoting === 'mboxrd' ? /^>(>*From )/ : /^>(From )/;
  let offset = 0;
  let msgStart = -1;
  let lines: Buffer[] = [];
  let prevBlank = true;
  let items = 0;
  let leftover = Buffer.alloc(0);

  async function flush(): Promise<CapturedItem | null> {
    if (msgStart < 0) return null;
    // The blank line before the next "From " belongs to the separator, not the message.
    while (lines.length && lines.at(-1)!.length === 0) lines.pop();
    const raw = Buffer.from(lines.map((l) => l.toString('latin1')).join('\n'), 'latin1');
    const item = await parseMessage(raw, file, `message starting at byte ${msgStart}`);
    items++;
    return item;
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
        const done = await flush();
        if (done) {
          opts.onProgress?.({ bytesRead: offset, totalBytes: total, items });
          yield done;
        }
        msgStart = lineStart;
        lines = [];
        prevBlank = false;
        continue;
      }
      if (msgStart < 0) {
        if (line.length === 0) continue;
        throw new ImportFormatError(
          file,
          `byte ${lineStart}`,
          'an mbox file must start with a "From " separator line; this does not look like an mbox',
        );
      }
      const s = line.toString('latin1');
      lines.push(unquote.test(s) ? Buffer.from(s.slice(1), 'latin1') : line);
      prevBlank = line.length === 0;
    }
    leftover = Buffer.from(buf);
  }
  if (leftover.length) {
    const s = leftover.toString('latin1');
    if (msgStart < 0)
      throw new ImportFormatError(file, 'byte 0', 'an mbox file must start with a "From " separator line');
    lines.push(Buffer.from(unquote.test(s) ? s.slice(1) : s, 'latin1'));
    offset += leftover.length;
  }
  if (msgStart < 0) throw new ImportFormatError(file, 'byte 0', 'the file holds no messages');
  const last = await flush();
  if (last) {
    opts.onProgress?.({ bytesRead: offset, totalBytes: total, items });
    yield last;
  }
}

/** A single .eml file (RFC 5322). */
export async function* parseEml(
  path: string,
  opts: { onProgress?: (p: ImportProgress) => void } = {},
): AsyncGenerator<CapturedItem> {
  const { readFileSync } = await import('node:fs');
  const raw = readFileSync(path);
  const item = await parseMessage(raw, basename(path), 'the message');
  opts.onProgress?.({ bytesRead: raw.length, totalBytes: raw.length, items: 1 });
  yield item;
}
