import {
  closeSync,
  createReadStream,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { sniffHint } from './sniff.js';
import { type CapturedItem, ImportFormatError, type ImportProgress, sha256Hex } from './types.js';
import { extractZip } from './zip.js';

interface RawTweet {
  id_str?: string;
  id?: string;
  created_at?: string;
  full_text?: string;
  text?: string;
  source?: string;
  in_reply_to_status_id_str?: string;
  in_reply_to_screen_name?: string;
  quoted_status_id_str?: string;
  geo?: unknown;
  coordinates?: unknown;
  place?: unknown;
  entities?: { media?: { media_url_https?: string; id_str?: string }[] };
  extended_entities?: { media?: { media_url_https?: string; id_str?: string; type?: string }[] };
  deleted_at?: string;
}

/** The largest single entry of a tweets file held in memory while it is parsed. */
export const DEFAULT_MAX_ENTRY_BYTES = 16 * 1024 * 1024;
const MAX_HEAD_CHARS = 256;

/** UTF-8 length of one UTF-16 code unit (a surrogate pair's halves count 2 each: 4 in all). */
function utf8Len(c: number): number {
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
}

/**
 * Stream the entries of one `data/<name>.js` file of an X/Twitter archive,
 * `window.YTD.<name>.part0 = [ {…}, {…} ]`, one at a time: the file is read in chunks and only
 * the entry being parsed is held (at most `maxEntryBytes`), so a tweets file of any size is
 * parsed in bounded memory. Each entry is checked with JSON.parse; anything between entries
 * other than whitespace and one comma, or after the array other than an optional ";", is refused
 * with its byte offset.
 */
export async function* streamYtdFile(
  path: string,
  names: string[],
  opts: { maxEntryBytes?: number; onBytes?: (bytesRead: number) => void } = {},
): AsyncGenerator<RawTweet> {
  const file = basename(path);
  const maxEntry = opts.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  const malformed = (at: number, why: string) =>
    new ImportFormatError(file, `byte ${at}`, `the JSON is malformed (${why})`);
  const decoder = new StringDecoder('utf8');
  let head = '';
  let inArray = false;
  let ended = false;
  let semicolon = false;
  /** Between entries: expecting an entry (or "]" when none came yet), or a comma/"]" after one. */
  let expect: 'first' | 'entry' | 'comma' = 'first';
  let offset = 0;
  let entry: string[] = [];
  let entryStart = 0;
  let entryBytes = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let index = 0;
  let bytesRead = 0;

  const finish = (text: string): RawTweet => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const pos = /position (\d+)/.exec((err as Error).message);
      throw malformed(entryStart + (pos ? Number(pos[1]) : 0), (err as Error).message);
    }
    const i = index++;
    const t = (value as { tweet?: RawTweet }).tweet ?? (value as RawTweet);
    if (!t || typeof t !== 'object' || !(t.id_str ?? t.id))
      throw new ImportFormatError(file, `tweet ${i}`, 'the entry has no id_str');
    return t;
  };

  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    opts.onBytes?.(bytesRead);
    let text = decoder.write(chunk);
    if (!inArray) {
      head += text;
      const m = /^\s*window\.YTD\.([a-z_]+)\.part\d+\s*=\s*\[/.exec(head);
      if (!m) {
        // Wait for the rest of a head split across chunks; a head that never comes is refused.
        if (head.length < MAX_HEAD_CHARS && !head.includes('[')) continue;
        throw new ImportFormatError(
          file,
          'byte 0',
          `expected "window.YTD.${names[0]}.part0 = [", found "${head.slice(0, 40).replace(/\s+/g, ' ')}"`,
        );
      }
      if (!names.includes(m[1]!))
        throw new ImportFormatError(
          file,
          'byte 0',
          `expected "window.YTD.${names[0]}.part0 = [", found "${head.slice(0, 40).replace(/\s+/g, ' ')}"`,
        );
      inArray = true;
      offset = Buffer.byteLength(m[0]);
      text = head.slice(m[0].length);
      head = '';
    }
    let from = -1;
    const out: RawTweet[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const at = offset;
      offset += utf8Len(c);
      if (depth > 0) {
        entryBytes += utf8Len(c);
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
        } else if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          if (--depth === 0) {
            entry.push(text.slice(Math.max(from, 0), i + 1));
            from = -1;
            out.push(finish(entry.join('')));
            entry = [];
            expect = 'comma';
          }
        }
        if (entryBytes > maxEntry)
          throw new ImportFormatError(
            file,
            `tweet ${index} (byte ${entryStart})`,
            `the entry is over ${maxEntry} bytes, more than one tweet can be`,
          );
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (ended) {
        if (c === 0x3b && !semicolon) {
          semicolon = true;
          continue;
        }
        throw malformed(at, 'unexpected text after the array');
      }
      if (c === 0x5d && expect !== 'entry') {
        ended = true;
        continue;
      }
      if (c === 0x2c && expect === 'comma') {
        expect = 'entry';
        continue;
      }
      if (c === 0x7b && expect !== 'comma') {
        depth = 1;
        inString = false;
        escaped = false;
        entryStart = at;
        entryBytes = 1;
        from = i;
        continue;
      }
      if (expect === 'comma') throw malformed(at, 'expected "," or "]" after an entry');
      throw new ImportFormatError(file, `tweet ${index} (byte ${at})`, 'the entry is not a JSON object');
    }
    if (depth > 0) entry.push(text.slice(Math.max(from, 0)));
    yield* out;
  }
  if (!inArray)
    throw new ImportFormatError(
      file,
      'byte 0',
      `expected "window.YTD.${names[0]}.part0 = [", found "${head.slice(0, 40).replace(/\s+/g, ' ')}"`,
    );
  if (!ended) throw malformed(offset, 'the file ends before the array is closed');
}

function toItem(
  t: RawTweet,
  kind: 'tweet' | 'tweet.deleted',
  dir: string,
  file: string,
  i: number,
): CapturedItem {
  const id = String(t.id_str ?? t.id);
  const created = new Date(t.created_at ?? '');
  if (Number.isNaN(created.getTime()))
    throw new ImportFormatError(file, `tweet ${i} (${id})`, `created_at "${t.created_at}" is not a date`);
  const media = (t.extended_entities?.media ?? t.entities?.media ?? []).flatMap((m) => {
    const name = (m.media_url_https ?? '').split('/').pop() ?? '';
    const p = join(dir, 'data', 'tweets_media', `${id}-${name}`);
    if (!name || !existsSync(p)) return [];
    const bytes = readFileSync(p);
    return [
      {
        filename: `${id}-${name}`,
        contentType: name.endsWith('.png') ? 'image/png' : name.endsWith('.mp4') ? 'video/mp4' : 'image/jpeg',
        bytes: new Uint8Array(bytes),
        sha256: sha256Hex(bytes),
      },
    ];
  });
  const raw = Buffer.from(JSON.stringify(t));
  return {
    kind,
    sourceId: `tweet:${id}`,
    occurredAt: created,
    from: null,
    to: t.in_reply_to_screen_name ? [`@${t.in_reply_to_screen_name.toLowerCase()}`] : [],
    cc: [],
    bcc: [],
    subject: null,
    text: t.full_text ?? t.text ?? '',
    metadata: {
      tweetId: id,
      /** a public post's text, so lists show it rather than "(no subject)" */
      text: t.full_text ?? t.text ?? '',
      source: (t.source ?? '').replace(/<[^>]*>/g, '') || null,
      inReplyTo: t.in_reply_to_status_id_str ?? null,
      quoted: t.quoted_status_id_str ?? null,
      geo: t.geo ?? null,
      coordinates: t.coordinates ?? null,
      place: t.place ?? null,
      locationLeak: !!(t.geo || t.coordinates || t.place),
      deletedAt: t.deleted_at ?? null,
    },
    attachments: media,
    raw: new Uint8Array(raw),
  };
}

export interface XOptions {
  onProgress?: (p: ImportProgress) => void;
  /** The largest single entry held in memory (default 16 MiB). */
  maxEntryBytes?: number;
}

/** An X/Twitter archive: the .zip as downloaded, or its extracted folder. */
export async function* parseXArchive(path: string, opts: XOptions = {}): AsyncGenerator<CapturedItem> {
  if (statSync(path).isDirectory()) {
    yield* parseXFolder(path, opts);
    return;
  }
  // A file: the archive as downloaded, whatever its name, or not an X archive at all.
  const head = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (head.readUInt32LE(0) !== 0x04034b50)
    throw new ImportFormatError(
      basename(path),
      'byte 0',
      `not a zip archive${sniffHint(path, true)}; an X archive is the .zip X lets you download, or its extracted folder`,
    );
  const dir = await extractZip(path, (name) =>
    /^data\/(tweets\.js|deleted-tweets\.js|tweets_media\/[^/]+)$/.test(name),
  );
  try {
    yield* parseXFolder(dir, opts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An extracted X/Twitter archive folder: data/tweets.js and data/deleted-tweets.js. */
async function* parseXFolder(dir: string, opts: XOptions = {}): AsyncGenerator<CapturedItem> {
  const tweetsPath = join(dir, 'data', 'tweets.js');
  if (!existsSync(tweetsPath))
    throw new ImportFormatError(
      basename(dir),
      'data/tweets.js',
      'not found; give the extracted archive folder that holds data/tweets.js',
    );
  const deletedPath = join(dir, 'data', 'deleted-tweets.js');
  const files: [string, string, string[], 'tweet' | 'tweet.deleted'][] = [
    [tweetsPath, 'tweets.js', ['tweets', 'tweet'], 'tweet'],
    ...(existsSync(deletedPath)
      ? [
          [deletedPath, 'deleted-tweets.js', ['deleted_tweets'], 'tweet.deleted'] as [
            string,
            string,
            string[],
            'tweet.deleted',
          ],
        ]
      : []),
  ];
  // Progress in bytes of the two files; entries are converted and handed on one at a time (the
  // import runs in one transaction, so a bad entry further on still rolls the whole file back).
  const totalBytes = files.reduce((n, [p]) => n + statSync(p).size, 0);
  let done = 0;
  let n = 0;
  for (const [p, name, names, kind] of files) {
    let read = 0;
    let i = 0;
    for await (const t of streamYtdFile(p, names, {
      ...(opts.maxEntryBytes ? { maxEntryBytes: opts.maxEntryBytes } : {}),
      onBytes: (b) => {
        read = b;
      },
    })) {
      const item = toItem(t, kind, dir, name, i++);
      n++;
      opts.onProgress?.({ bytesRead: done + read, totalBytes, items: n });
      yield item;
    }
    done += statSync(p).size;
  }
}
