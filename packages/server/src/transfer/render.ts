import { encodeManifestPath, safeComponent } from './bagit.js';

/**
 * What one record of the archive becomes in a bag (pure): which files, under which paths, and
 * which of them carry the bytes the records log committed to (so the proof can name them).
 *
 *   email/<account>/<item>.eml              the message as captured (RFC 5322), one per message
 *   email/<account>/<account>.mbox          every message of the account in this bag (mboxrd)
 *   posts/<account>/<item>.json             posts (X), texts (SMS/MMS), captured call logs:
 *   texts/<account>/<item>.json               JSON with the original under "original"
 *   call-logs/<account>/<item>.json
 *   <folder>/<account>/<item>/<file name>   attachments, in their own formats
 *   calls/<call>/call.json                  the call as the log recorded it
 *   calls/<call>/memcon-<id>.json and .pdf  memcons, briefings, readouts: JSON and PDF
 *   calls/<call>/call-log/<id>.json         call log entries
 */

export interface EntryRow {
  refKind: string;
  refId: string;
  kind: string;
  callId: string | null;
  title: string;
  body: string;
  occurredAt: Date;
  classification: string | null;
  seq: number;
  recordId: string;
  /** captured items: the account and the item's summary */
  account: string | null;
  accountKind: string | null;
  summary: Record<string, unknown> | null;
}

/** A file of the bag and, when it proves a record, which bytes of it the log committed to. */
export interface BagFile {
  path: string;
  bytes: Uint8Array;
  /** 'file': the whole file; 'original': the JSON's `original` (decoded); absent: derived (PDF) */
  proves?: 'file' | 'original';
  /** the NARA metadata row's title and description */
  title: string;
  description: string;
}

const FOLDER: Record<string, string> = {
  email: 'email',
  tweet: 'posts',
  'tweet.deleted': 'posts',
  sms: 'texts',
  mms: 'texts',
  call: 'call-logs',
};

const DOCS = new Set(['memcon', 'briefing', 'readout']);

const utf8 = new TextEncoder();

function isUtf8(b: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return null;
  }
}

/** The folder of a captured item's account: `<folder>/<account>`. */
export function accountFolder(e: EntryRow): string {
  return `${FOLDER[e.kind] ?? 'captured'}/${safeComponent(e.account ?? 'unknown-account')}`;
}

/** The captured item's record as JSON: its facts, and the original bytes under `original`. */
function capturedJson(e: EntryRow, content: Uint8Array, digest: string): Uint8Array {
  const text = isUtf8(content);
  const doc = {
    item: e.refId,
    kind: e.kind,
    account: e.account,
    accountKind: e.accountKind,
    occurredAt: e.occurredAt.toISOString(),
    category: e.classification,
    title: e.title,
    summary: e.summary,
    record: { id: e.recordId, seq: e.seq },
    original:
      text === null
        ? { encoding: 'base64', sha256: digest, data: Buffer.from(content).toString('base64') }
        : { encoding: 'utf-8', sha256: digest, data: text },
  };
  return utf8.encode(`${JSON.stringify(doc, null, 2)}\n`);
}

/** The bytes an item's `original` holds, as the verifier decodes them. */
export function originalBytes(json: Uint8Array): Uint8Array {
  const doc = JSON.parse(new TextDecoder().decode(json)) as { original?: { encoding: string; data: string } };
  if (!doc.original || typeof doc.original.data !== 'string') throw new Error('the JSON has no "original"');
  return doc.original.encoding === 'base64'
    ? new Uint8Array(Buffer.from(doc.original.data, 'base64'))
    : utf8.encode(doc.original.data);
}

/** The files of one archive entry whose record content is `content` (digest `digest`). */
export function entryFiles(e: EntryRow, content: Uint8Array, digest: string): BagFile[] {
  const title = e.title;
  const description = `${e.kind} (${e.refKind} ${e.refId}), records-log entry ${e.seq}`;
  if (e.refKind === 'captured_item') {
    const dir = accountFolder(e);
    if (e.kind === 'email')
      return [{ path: `${dir}/${e.refId}.eml`, bytes: content, proves: 'file', title, description }];
    return [
      {
        path: `${dir}/${e.refId}.json`,
        bytes: capturedJson(e, content, digest),
        proves: 'original',
        title,
        description,
      },
    ];
  }
  const call = safeComponent(e.callId ?? 'no-call');
  const json = isUtf8(content) !== null && looksJson(content);
  const base =
    e.refKind === 'call'
      ? `calls/${call}/call`
      : e.refKind === 'call_log'
        ? `calls/${call}/call-log/${e.refId}`
        : `calls/${call}/${safeComponent(e.refKind)}-${e.refId}`;
  const files: BagFile[] = [
    json
      ? { path: `${base}.json`, bytes: content, proves: 'file', title, description }
      : {
          path: `${base}.json`,
          bytes: capturedJson(e, content, digest),
          proves: 'original',
          title,
          description,
        },
  ];
  return files;
}

/** Whether this entry also goes as a PDF (memcons, briefings, readouts). */
export function wantsPdf(e: EntryRow): boolean {
  return DOCS.has(e.refKind);
}

export function pdfPath(e: EntryRow): string {
  return `calls/${safeComponent(e.callId ?? 'no-call')}/${safeComponent(e.refKind)}-${e.refId}.pdf`;
}

function looksJson(b: Uint8Array): boolean {
  try {
    JSON.parse(new TextDecoder().decode(b));
    return true;
  } catch {
    return false;
  }
}

/** An attachment of a captured item: `<account folder>/<item>/<file name>`. */
export function attachmentPath(e: EntryRow, filename: string): string {
  return `${accountFolder(e)}/${e.refId}/${safeComponent(filename)}`;
}

/**
 * One message as an mboxrd entry (the `From ` line, then the message with every line that
 * starts with `>*From ` quoted by one more `>`, then a blank line): readers split it back into
 * the exact messages.
 */
export function mboxEntry(message: Uint8Array, from: string | null, at: Date): Uint8Array {
  const text = Buffer.from(message).toString('latin1');
  const body = text.replace(/^(>*From )/gm, '>$1');
  const sender = (from ?? 'MAILER-DAEMON').replace(/\s+/g, '') || 'MAILER-DAEMON';
  const end = body.endsWith('\n') ? '\n' : '\n\n';
  return Buffer.from(`From ${sender} ${at.toUTCString().replace(/,/g, '')}\n${body}${end}`, 'latin1');
}

/** The NARA Bulletin 2015-04 metadata file: header and one pipe-delimited row per file. */
export const NARA_HEADER =
  'File Name|Record ID|Title|Description|Creator|Creation Date|Rights|Coverage|Relation\n';

export function naraRow(f: {
  path: string;
  recordId: string;
  title: string;
  description: string;
  creator: string;
  created: Date;
  rights: string;
  coverage: string;
  relation: string;
}): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  const cell = (s: string) => s.replace(/[|\u0000-\u001f\u007f]+/g, ' ').trim();
  return `${[
    encodeManifestPath(`data/${f.path}`).replace(/\|/g, '%7C'),
    f.recordId,
    f.title,
    f.description,
    f.creator,
    f.created.toISOString(),
    f.rights,
    f.coverage,
    f.relation,
  ]
    .map(cell)
    .join('|')}\n`;
}
