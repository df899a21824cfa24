import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { ImportFormatError } from '../../src/capture/importers/types.js';
import { verifyLocal } from '../../src/records/verify.js';
import { importTestContext } from '../helpers/import-context.js';

/** Build a real MIME message with nodemailer's composer (not a hand-typed string). */
async function compose(opts: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  const node = new MailComposer(opts).compile();
  // A sent-mail copy keeps its Bcc header (as Gmail's "Sent" folder does); 36 CFR 1236.22 wants it.
  node.keepBcc = true;
  return new Promise((resolve, reject) => node.build((err, msg) => (err ? reject(err) : resolve(msg))));
}

async function makeMbox(dir: string, n: number): Promise<string> {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const msg = await compose({
      from: 'potus.private@personal.example.com',
      to: `friend${i}@personal.example.com`,
      ...(i % 5 === 0 ? { bcc: 'potus@official.example.gov' } : {}),
      subject: `Message ${i}`,
      date: new Date(Date.UTC(2026, 1, 1 + (i % 27), 12, i % 60)),
      messageId: `<msg${i}@personal.example.com>`,
      text: i % 7 === 0 ? `Body ${i}\nFrom the desk of the President.\n>From a quoted line.` : `Body ${i}`,
      ...(i % 4 === 0 ? { attachments: [{ filename: `note${i}.txt`, content: `attachment ${i}` }] } : {}),
      ...(i % 9 === 0
        ? {
            text: `See below.\n\n---------- Forwarded message ---------\nFrom: Someone <s@personal.example.com>\nDate: Mon, 2 Feb 2026 10:00:00 +0000\nSubject: Original ${i}\nTo: potus@official.example.gov\n\nOriginal body`,
          }
        : {}),
    });
    // mboxrd quoting: any line starting with >*From gets one more ">".
    const body = msg
      .toString('utf8')
      .replace(/\r\n/g, '\n')
      .replace(/^(>*From )/gm, '>$1');
    parts.push(`From potus.private@personal.example.com Sun Feb  1 12:00:00 2026\n${body}\n`);
  }
  const p = join(dir, 'personal.mbox');
  writeFileSync(p, parts.join('\n'));
  return p;
}

describe('importing personal-account records', () => {
  const t = importTestContext('capture');
  const owner = { identifier: 'potus.private@personal.example.com', ownerEmail: 'potus@us.example.gov' };

  it('imports an mbox made by a real MIME composer, with bcc, attachments and forwarded copies', async () => {
    const path = await makeMbox(t.dir, 60);
    const progress: number[] = [];
    const r = await t.ctx.capture.importFile(null, 'mbox', path, owner, (p) => progress.push(p.items));
    expect(r).toMatchObject({ added: 60, skipped: 0, attachments: 15 });
    expect(progress.at(-1)).toBe(60);
    const item = await t.ctx.db
      .selectFrom('captured_items')
      .selectAll()
      .where('source_id', '=', '<msg0@personal.example.com>')
      .executeTakeFirstOrThrow();
    expect(item.summary).toMatchObject({
      bcc: ['potus@official.example.gov'],
      subject: 'Message 0',
      source: 'personal:email:potus.private@personal.example.com',
    });
    const seven = await t.ctx.db
      .selectFrom('captured_items')
      .selectAll()
      .where('source_id', '=', '<msg7@personal.example.com>')
      .executeTakeFirstOrThrow();
    const content = new TextDecoder().decode(
      (await t.ctx.records.content(
        t.ctx.db,
        (
          await t.ctx.db
            .selectFrom('records')
            .select('digest')
            .where('id', '=', seven.record_id)
            .executeTakeFirstOrThrow()
        ).digest,
      ))!,
    );
    expect(content).toContain('\nFrom the desk of the President.');
    expect(content).toContain('\n>From a quoted line.');
    const fwd = await t.ctx.db
      .selectFrom('captured_items')
      .selectAll()
      .where('source_id', '=', '<msg9@personal.example.com>')
      .executeTakeFirstOrThrow();
    expect(fwd.summary).toMatchObject({ forwardedOf: { subject: 'Original 9' } });
    await t.ctx.log.integrateAll();
    await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records)).resolves.toBeTruthy();
  });

  it('adds nothing when the same file, or an overlapping later export, is imported again', async () => {
    const again = await t.ctx.capture.importFile(null, 'mbox', join(t.dir, 'personal.mbox'), owner);
    expect(again).toMatchObject({ added: 0, skipped: 60 });
    const bigger = await makeMbox(mkdtempSync(join(t.dir, 'b')), 70);
    expect(await t.ctx.capture.importFile(null, 'mbox', bigger, owner)).toMatchObject({
      added: 10,
      skipped: 60,
    });
  });

  it("refuses to import one person's account for someone else, and keeps nothing", async () => {
    const before = await t.ctx.db.selectFrom('captured_items').select('id').execute();
    const err = await t.ctx.capture
      .importFile(null, 'mbox', join(t.dir, 'personal.mbox'), {
        ...owner,
        ownerEmail: 'm.ellison@us.example.gov',
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409 });
    expect(String((err as Error).message)).toMatch(/already captured for another person/);
    expect(await t.ctx.db.selectFrom('captured_items').select('id').execute()).toHaveLength(before.length);
  });

  it('refuses a malformed mbox naming the file and byte offset, and imports nothing from it', async () => {
    const before = await t.ctx.db.selectFrom('records').select('seq').execute();
    const p = join(t.dir, 'broken.mbox');
    const good = (
      await compose({
        from: 'a@personal.example.com',
        to: 'b@personal.example.com',
        subject: 'ok',
        text: 'ok',
        date: new Date(),
        messageId: '<ok-broken@x>',
      })
    ).toString();
    writeFileSync(
      p,
      `From a Sun Feb  1 12:00:00 2026\n${good}\n\nFrom b Sun Feb  1 12:00:00 2026\nthis is not a message at all\n`,
    );
    const err = await t.ctx.capture.importFile(null, 'mbox', p, owner).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFormatError);
    expect((err as Error).message).toMatch(
      /broken\.mbox, message starting at byte \d+: the message has no header block.*Nothing from this file was imported/,
    );
    expect(await t.ctx.db.selectFrom('records').select('seq').execute()).toHaveLength(before.length);
    expect(
      await t.ctx.db
        .selectFrom('captured_items')
        .select('id')
        .where('source_id', '=', '<ok-broken@x>')
        .execute(),
    ).toHaveLength(0);
    writeFileSync(join(t.dir, 'not.mbox'), 'hello\nworld\n');
    await expect(t.ctx.capture.importFile(null, 'mbox', join(t.dir, 'not.mbox'), owner)).rejects.toThrow(
      /must start with a "From " separator/,
    );
  });

  it('imports an X archive (tweets and deleted tweets), flagging location leaks', async () => {
    const arch = join(t.dir, 'twitter');
    mkdirSync(join(arch, 'data', 'tweets_media'), { recursive: true });
    const tweets = Array.from({ length: 5 }, (_, i) => ({
      tweet: {
        id_str: String(1800000000000000000n + BigInt(i)),
        created_at: `Wed Oct ${10 + i} 20:19:24 +0000 2025`,
        full_text: `Tweet number ${i}`,
        source:
          i % 2
            ? '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>'
            : '<a href="http://twitter.com/download/android">Twitter for Android</a>',
        ...(i === 2 ? { coordinates: { type: 'Point', coordinates: ['-77.0365', '38.8977'] } } : {}),
      },
    }));
    writeFileSync(
      join(arch, 'data', 'tweets.js'),
      `window.YTD.tweets.part0 = ${JSON.stringify(tweets, null, 2)}`,
    );
    writeFileSync(
      join(arch, 'data', 'deleted-tweets.js'),
      `window.YTD.deleted_tweets.part0 = ${JSON.stringify([{ tweet: { id_str: '1799999999999999999', created_at: 'Tue Oct 07 08:00:00 +0000 2025', full_text: 'deleted', deleted_at: 'Tue Oct 07 09:00:00 +0000 2025' } }])}`,
    );
    const x = { identifier: '@potus_private', ownerEmail: 'potus@us.example.gov' };
    expect(await t.ctx.capture.importFile(null, 'x', arch, x)).toMatchObject({ added: 6, skipped: 0 });
    const geo = await t.ctx.db
      .selectFrom('captured_items')
      .selectAll()
      .where('source_id', '=', 'tweet:1800000000000000002')
      .executeTakeFirstOrThrow();
    expect(geo.summary).toMatchObject({ locationLeak: true, source: 'Twitter for Android' });
    const del = await t.ctx.db
      .selectFrom('captured_items')
      .selectAll()
      .where('source_id', '=', 'tweet:1799999999999999999')
      .executeTakeFirstOrThrow();
    expect(del.kind).toBe('tweet.deleted');
    writeFileSync(join(arch, 'data', 'tweets.js'), 'window.YTD.likes.part0 = []');
    await expect(t.ctx.capture.importFile(null, 'x', arch, x)).rejects.toThrow(
      /tweets\.js, byte 0: expected "window\.YTD\.tweets\.part0 = \["/,
    );
    writeFileSync(join(arch, 'data', 'tweets.js'), 'window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1"} ');
    await expect(t.ctx.capture.importFile(null, 'x', arch, x)).rejects.toThrow(
      /tweets\.js, byte \d+: the JSON is malformed/,
    );
  });
});
