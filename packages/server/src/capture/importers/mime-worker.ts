import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AddressObject } from 'mailparser';

/** What the importers use of mailparser's ParsedMail; plain data, so it crosses threads. */
export interface ParsedMime {
  date: Date | undefined;
  messageId: string | undefined;
  inReplyTo: string | undefined;
  references: string | string[] | undefined;
  subject: string | undefined;
  from: AddressObject | AddressObject[] | undefined;
  to: AddressObject | AddressObject[] | undefined;
  cc: AddressObject | AddressObject[] | undefined;
  bcc: AddressObject | AddressObject[] | undefined;
  /** Delivered-To and X-Original-To, when they are plain strings */
  deliveredTo: string[];
  text: string | undefined;
  attachments: { filename: string | undefined; contentType: string; content: Uint8Array }[];
}

/** mailparser failed on the message: its message, for the importer's ImportFormatError. */
export class MimeParseError extends Error {}

/**
 * The worker's code. Plain JavaScript kept as text (no TypeScript toolchain inside the worker,
 * and nothing to add to the CLI bundle): it loads mailparser by the path the main thread
 * resolved, parses each message it is sent with the importers' options, and answers with the
 * fields above. Attachment bytes are copied into their own buffers and transferred.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { simpleParser } = require(workerData.mailparser);
const OPTIONS = { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true };
parentPort.on('message', async ({ id, raw }) => {
  let m;
  try {
    m = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), OPTIONS);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
    return;
  }
  const deliveredTo = [];
  for (const h of ['delivered-to', 'x-original-to']) {
    const v = m.headers.get(h);
    if (typeof v === 'string') deliveredTo.push(v);
  }
  const transfer = [];
  const attachments = m.attachments.map((a) => {
    const content = new Uint8Array(a.content);
    transfer.push(content.buffer);
    return { filename: a.filename, contentType: a.contentType, content };
  });
  parentPort.postMessage(
    {
      id,
      mime: {
        date: m.date, messageId: m.messageId, inReplyTo: m.inReplyTo, references: m.references,
        subject: m.subject, from: m.from, to: m.to, cc: m.cc, bcc: m.bcc, deliveredTo,
        text: m.text, attachments,
      },
    },
    transfer,
  );
});
`;

type Pending = { resolve: (m: ParsedMime) => void; reject: (e: Error) => void };

/** One parser thread: requests are answered in any order, matched by id. */
class MimeThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  dead = false;

  constructor(mailparserPath: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { mailparser: mailparserPath } });
    this.worker.unref();
    this.worker.on('message', (msg: { id: number; mime?: ParsedMime; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) this.worker.unref();
      if (msg.mime) p.resolve(msg.mime);
      else p.reject(new MimeParseError(msg.error ?? 'unknown error'));
    });
    const fail = (err: Error) => {
      this.dead = true;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the mail parser thread stopped (exit code ${code})`)));
  }

  get load() {
    return this.pending.size;
  }

  parse(raw: Uint8Array): Promise<ParsedMime> {
    const id = this.nextId++;
    return new Promise<ParsedMime>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive while an answer is owed; idle threads never hold it open.
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, raw }, [raw.buffer as ArrayBuffer]);
    });
  }
}

let threads: MimeThread[] = [];

/**
 * Parse one RFC 5322 message with mailparser on a parser thread, so that parsing overlaps with
 * the database work on the main thread (PGlite runs on the main thread). Threads are shared by
 * every import in the process, started on first use, and never keep the process alive.
 * One thread per spare core, at least one, at most four.
 */
export function parseMime(raw: Uint8Array): Promise<ParsedMime> {
  threads = threads.filter((t) => !t.dead);
  if (threads.length === 0) {
    const path = createRequire(import.meta.url).resolve('mailparser');
    const n = Math.min(4, Math.max(1, availableParallelism() - 1));
    threads = Array.from({ length: n }, () => new MimeThread(path));
  }
  let t = threads[0]!;
  for (const u of threads) if (u.load < t.load) t = u;
  // An exact copy of the bytes, handed over (transferred) to the thread: the caller keeps its
  // own, and a view into a pooled buffer never drags the whole pool across.
  return t.parse(new Uint8Array(raw));
}
