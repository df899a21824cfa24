import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sniffHint } from './sniff.js';
import { type CapturedItem, ImportFormatError, type ImportProgress, sha256Hex } from './types.js';
import { extractZip } from './zip.js';

const MAX_JS_BYTES = 512 * 1024 * 1024;

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

/**
 * Read one `data/<name>.js` file of an X/Twitter archive: `window.YTD.<name>.part0 = [ … ]`.
 * The assignment is one JSON value, so the file is read whole, with a size cap (512 MiB).
 */
export function readYtdFile(path: string, names: string[]): RawTweet[] {
  const file = basename(path);
  const size = statSync(path).size;
  if (size > MAX_JS_BYTES)
    throw new ImportFormatError(
      file,
      'byte 0',
      `the file is ${size} bytes, over the ${MAX_JS_BYTES}-byte limit`,
    );
  const text = readFileSync(path, 'utf8');
  const m = /^\s*window\.YTD\.([a-z_]+)\.part\d+\s*=\s*/.exec(text);
  if (!m || !names.includes(m[1]!)) {
    throw new ImportFormatError(
      file,
      'byte 0',
      `expected "window.YTD.${names[0]}.part0 = [", found "${text.slice(0, 40).replace(/\s+/g, ' ')}"`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text.slice(m[0].length).replace(/;\s*$/, ''));
  } catch (err) {
    const pos = /position (\d+)/.exec((err as Error).message);
    throw new ImportFormatError(
      file,
      `byte ${pos ? Number(pos[1]) + m[0].length : '?'}`,
      `the JSON is malformed (${(err as Error).message})`,
    );
  }
  if (!Array.isArray(data))
    throw new ImportFormatError(file, `byte ${m[0].length}`, 'expected a JSON array of tweets');
  return data.map((entry, i) => {
    const t = (entry as { tweet?: RawTweet }).tweet ?? (entry as RawTweet);
    if (!t || typeof t !== 'object' || !(t.id_str ?? t.id))
      throw new ImportFormatError(file, `tweet ${i}`, 'the entry has no id_str');
    return t;
  });
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

/** An X/Twitter archive: the .zip as downloaded, or its extracted folder. */
export async function* parseXArchive(
  path: string,
  opts: { onProgress?: (p: ImportProgress) => void } = {},
): AsyncGenerator<CapturedItem> {
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
async function* parseXFolder(
  dir: string,
  opts: { onProgress?: (p: ImportProgress) => void } = {},
): AsyncGenerator<CapturedItem> {
  const tweetsPath = join(dir, 'data', 'tweets.js');
  if (!existsSync(tweetsPath))
    throw new ImportFormatError(
      basename(dir),
      'data/tweets.js',
      'not found; give the extracted archive folder that holds data/tweets.js',
    );
  const deletedPath = join(dir, 'data', 'deleted-tweets.js');
  const tweets = readYtdFile(tweetsPath, ['tweets', 'tweet']);
  const deleted = existsSync(deletedPath) ? readYtdFile(deletedPath, ['deleted_tweets']) : [];
  const total = tweets.length + deleted.length;
  // Convert everything first: a bad entry fails the file before anything is written.
  const items = [
    ...tweets.map((t, i) => toItem(t, 'tweet', dir, 'tweets.js', i)),
    ...deleted.map((t, i) => toItem(t, 'tweet.deleted', dir, 'deleted-tweets.js', i)),
  ];
  let n = 0;
  for (const it of items) {
    n++;
    opts.onProgress?.({ bytesRead: n, totalBytes: total, items: n });
    yield it;
  }
}
