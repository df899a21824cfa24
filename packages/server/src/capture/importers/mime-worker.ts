import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AddressObject } from 'mailparser';
import type { StructureProblem } from './mime-structure.js';

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
  /** where the MIME structure does not close, if it does not (see mime-structure.ts) */
  structureProblem: StructureProblem | null;
  /** messages attached as message/rfc822, whatever their disposition, decoded */
  attachedMessages: Uint8Array[];
}

/** mailparser failed on the message: its message, for the importer's ImportFormatError. */
export class MimeParseError extends Error {}

/** A message for the parser thread (mime-parse-worker.ts) and its answer. */
export interface MimeRequest {
  id: number;
  raw: Uint8Array;
}
export type MimeReply =
  | { id: number; mime: ParsedMime; error?: undefined }
  | { id: number; mime?: undefined; error: string };

/**
 * Start a parser thread running mime-parse-worker. In the CLI bundle (packages/cli/dist) it is
 * the compiled mime-parse-worker.js beside hotline.js; from the TypeScript sources (Vitest, tsx)
 * the thread loads mime-parse-worker.ts through tsx, as node itself cannot run TypeScript.
 */
function startWorker(): Worker {
  const built = new URL('./mime-parse-worker.js', import.meta.url);
  if (existsSync(built)) return new Worker(built);
  const source = new URL('./mime-parse-worker.ts', import.meta.url);
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${JSON.stringify(source.href)}, ${JSON.stringify(import.meta.url)}));`,
    { eval: true },
  );
}

type Pending = { resolve: (m: ParsedMime) => void; reject: (e: Error) => void };

/** One parser thread: requests are answered in any order, matched by id. */
class MimeThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  dead = false;

  constructor() {
    this.worker = startWorker();
    this.worker.unref();
    this.worker.on('message', (msg: MimeReply) => {
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
      this.worker.postMessage({ id, raw } satisfies MimeRequest, [raw.buffer as ArrayBuffer]);
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
    const n = Math.min(4, Math.max(1, availableParallelism() - 1));
    threads = Array.from({ length: n }, () => new MimeThread());
  }
  let t = threads[0]!;
  for (const u of threads) if (u.load < t.load) t = u;
  // An exact copy of the bytes, handed over (transferred) to the thread: the caller keeps its
  // own, and a view into a pooled buffer never drags the whole pool across.
  return t.parse(new Uint8Array(raw));
}
