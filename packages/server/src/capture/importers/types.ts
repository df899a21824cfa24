import { createHash } from 'node:crypto';
import { HotlineError } from '@hotline/common';

/** One item captured from a personal account, normalized across formats. */
export interface CapturedItem {
  kind: 'email' | 'tweet' | 'tweet.deleted' | 'sms' | 'mms' | 'call';
  /** stable id for dedupe: Message-ID, tweet id, or a content hash */
  sourceId: string;
  occurredAt: Date;
  from: string | null;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string | null;
  text: string;
  metadata: Record<string, unknown>;
  attachments: { filename: string; contentType: string; bytes: Uint8Array; sha256: string }[];
  /** the original bytes of the item, archived as its content */
  raw: Uint8Array;
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  items: number;
}

/** A file that is not what it claims to be: names the file and where. HTTP 422. */
export class ImportFormatError extends HotlineError {
  constructor(
    readonly file: string,
    readonly where: string,
    problem: string,
  ) {
    const f = printable(file);
    const w = printable(where);
    super(
      422,
      'import_format',
      'The file cannot be imported',
      `${f}, ${w}: ${printable(problem)}. Nothing from this file was imported.`,
      { file: f, where: w },
    );
  }
}

/**
 * Text from a file as an error may quote it: control characters, lone surrogates and the
 * replacement character (binary read as text) shown as \xNN / \uNNNN escapes, never echoed raw.
 */
export function printable(s: string): string {
  return s.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what is escaped
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => {
      const n = c.charCodeAt(0);
      return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
    },
  );
}

export function sha256Hex(b: Uint8Array | string): string {
  return createHash('sha256').update(b).digest('hex');
}
