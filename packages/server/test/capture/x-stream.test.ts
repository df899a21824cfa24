import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportFormatError } from '../../src/capture/importers/types.js';
import { parseXArchive, streamYtdFile } from '../../src/capture/importers/x-archive.js';

const dir = mkdtempSync(join(tmpdir(), 'x-stream-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tweet(i: number, text: string) {
  return {
    tweet: {
      id_str: String(1_800_000_000_000_000_000n + BigInt(i)),
      created_at: 'Tue Oct 07 08:00:00 +0000 2025',
      full_text: text,
    },
  };
}

async function collect<T>(g: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of g) out.push(x);
  return out;
}

/** Hardening 4: the X importer streams tweets.js in bounded memory instead of reading it whole. */
describe('X archive tweets.js, streamed', () => {
  it('parses a file many times larger than its memory budget, entry by entry', async () => {
    const p = join(dir, 'tweets.js');
    const tweets = Array.from({ length: 3000 }, (_, i) =>
      tweet(i, `tweet ${i} ${'é🙂"\\\\ ,]}'.repeat(40)}`),
    );
    writeFileSync(p, `window.YTD.tweets.part0 = ${JSON.stringify(tweets, null, 1)};\n`);
    const budget = 4096;
    expect(statSync(p).size).toBeGreaterThan(500 * budget);
    const got = await collect(streamYtdFile(p, ['tweets'], { maxEntryBytes: budget }));
    expect(got).toHaveLength(3000);
    expect(got[2999]).toEqual(tweets[2999]!.tweet);
  });

  it('refuses an entry over the budget naming the tweet and byte, instead of holding it', async () => {
    const p = join(dir, 'big-entry.js');
    writeFileSync(
      p,
      `window.YTD.tweets.part0 = ${JSON.stringify([tweet(1, 'ok'), tweet(2, 'x'.repeat(10_000))])}`,
    );
    const err = await collect(streamYtdFile(p, ['tweets'], { maxEntryBytes: 4096 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFormatError);
    expect(String((err as Error).message)).toMatch(
      /big-entry\.js, tweet 1 \(byte \d+\): the entry is over 4096 bytes/,
    );
  });

  it.each([
    ['window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1"} ', /byte \d+: the JSON is malformed/],
    ['window.YTD.tweets.part0 = [ {"id_str": "1"} {"id_str": "2"} ]', /expected "," or "\]"/],
    ['window.YTD.tweets.part0 = [ {"id_str": "1"}, ]', /not a JSON object/],
    ['window.YTD.tweets.part0 = [ {"id_str": "1"} ] x', /unexpected text after the array/],
    ['window.YTD.likes.part0 = []', /expected "window\.YTD\.tweets\.part0 = \["/],
    ['window.YTD.tweets.part0 = [ 3 ]', /not a JSON object/],
  ])('refuses %j with a clear ImportFormatError', async (text, message) => {
    const p = join(dir, 'bad.js');
    writeFileSync(p, text);
    const err = await collect(streamYtdFile(p, ['tweets'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFormatError);
    expect((err as Error).message).toMatch(message);
  });

  it('imports an archive folder with progress in bytes up to the files’ size', async () => {
    const arch = join(dir, 'arch');
    mkdirSync(join(arch, 'data'), { recursive: true });
    writeFileSync(
      join(arch, 'data', 'tweets.js'),
      `window.YTD.tweets.part0 = ${JSON.stringify([tweet(1, 'a'), tweet(2, 'b')])}`,
    );
    const progress: { bytesRead: number; totalBytes: number }[] = [];
    const items = await collect(
      parseXArchive(arch, { maxEntryBytes: 1024, onProgress: (p) => progress.push(p) }),
    );
    expect(items.map((i) => i.text)).toEqual(['a', 'b']);
    expect(progress.at(-1)!.bytesRead).toBe(progress.at(-1)!.totalBytes);
  });
});
