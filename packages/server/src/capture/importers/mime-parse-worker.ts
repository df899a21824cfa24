/**
 * The mail parser thread (started by mime-worker.ts): parses each message it is sent with
 * mailparser and answers with the fields the importers use. Attachment bytes are copied into
 * their own buffers and transferred. In the CLI bundle this is its own file next to hotline.js
 * (packages/cli/dist/mime-parse-worker.js, built by scripts/build.mjs).
 */
import { parentPort } from 'node:worker_threads';
import { simpleParser } from 'mailparser';
import { mimeStructure } from './mime-structure.js';
import type { MimeReply, MimeRequest, ParsedMime } from './mime-worker.js';

const OPTIONS = { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true } as const;

const port = parentPort;
if (!port) throw new Error('mime-parse-worker.ts runs as a worker thread (see mime-worker.ts)');

port.on('message', async ({ id, raw }: MimeRequest) => {
  let m: Awaited<ReturnType<typeof simpleParser>>;
  let structure: ReturnType<typeof mimeStructure>;
  try {
    structure = mimeStructure(raw);
    m = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), OPTIONS);
  } catch (err) {
    port.postMessage({ id, error: String((err as Error | undefined)?.message || err) } satisfies MimeReply);
    return;
  }
  const deliveredTo: string[] = [];
  for (const h of ['delivered-to', 'x-original-to']) {
    const v = m.headers.get(h);
    if (typeof v === 'string') deliveredTo.push(v);
  }
  const transfer: ArrayBuffer[] = [];
  const attachments = m.attachments.map((a) => {
    const content = new Uint8Array(a.content);
    transfer.push(content.buffer);
    return { filename: a.filename, contentType: a.contentType, content };
  });
  const mime: ParsedMime = {
    date: m.date,
    messageId: m.messageId,
    inReplyTo: m.inReplyTo,
    references: m.references,
    subject: m.subject,
    from: m.from,
    to: m.to,
    cc: m.cc,
    bcc: m.bcc,
    deliveredTo,
    text: m.text,
    attachments,
    structureProblem: structure.problem,
    attachedMessages: structure.attachedMessages,
  };
  for (const a of structure.attachedMessages) transfer.push(a.buffer as ArrayBuffer);
  port.postMessage({ id, mime } satisfies MimeReply, transfer);
});
