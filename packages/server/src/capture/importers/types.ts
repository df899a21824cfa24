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
    super(
      422,
      'import_format',
      'The file cannot be imported',
      `${file}, ${where}: ${problem}. Nothing from this file was imported.`,
      { file, where },
    );
  }
}

export function sha256Hex(b: Uint8Array | string): string {
  return createHash('sha256').update(b).digest('hex');
}
