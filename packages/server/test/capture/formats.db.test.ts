import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { importTestContext } from '../helpers/import-context.js';

/** Build a real zip with yazl (not a hand-typed byte string). */
async function zip(path: string, entries: [string, Buffer, { compress?: boolean }?][]): Promise<void> {
  const z = new ZipFile();
  for (const [name, data, o] of entries) z.addBuffer(data, name, { compress: o?.compress ?? true });
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream) chunks.push(c as Buffer);
  writeFileSync(path, Buffer.concat(chunks));
}

describe('more import formats: .eml, zipped X archives, carrier CSV', () => {
  const t = importTestContext('formats');
  const owner = 'potus@us.example.gov';

  it('imports a single .eml', async () => {
    const p = join(t.dir, 'one.eml');
    writeFileSync(
      p,
      'From: a@personal.example.com\r\nTo: b@personal.example.com\r\nSubject: One\r\nDate: Mon, 02 Feb 2026 10:00:00 +0000\r\nMessage-ID: <one-eml@x>\r\n\r\nHello\r\n',
    );
    expect(
      await t.ctx.capture.importFile(null, 'eml', p, {
        identifier: 'a@personal.example.com',
        ownerEmail: owner,
      }),
    ).toMatchObject({ added: 1 });
  });

  it('imports an X archive .zip as downloaded', async () => {
    const p = join(t.dir, 'archive.zip');
    const tweets = [
      {
        tweet: {
          id_str: '555',
          created_at: 'Mon Jan 05 12:00:00 +0000 2026',
          full_text: 'zipped',
          source: '<a>Twitter Web App</a>',
        },
      },
    ];
    await zip(p, [
      ['data/tweets.js', Buffer.from(`window.YTD.tweets.part0 = ${JSON.stringify(tweets)}`)],
      ['data/account.js', Buffer.from('window.YTD.account.part0 = []')],
      ['Your archive.html', Buffer.from('<html></html>')],
    ]);
    expect(
      await t.ctx.capture.importFile(null, 'x', p, { identifier: '@zipped', ownerEmail: owner }),
    ).toMatchObject({ added: 1 });
  });

  it('refuses a zip entry whose path escapes the folder, and a zip bomb', async () => {
    const escaping = join(t.dir, 'escape.zip');
    // yazl refuses ".." itself; write a valid zip and patch the stored names to "../../evil.js".
    await zip(escaping, [
      ['data/tweets.js', Buffer.from('window.YTD.tweets.part0 = []')],
      ['aa/aa/evil.js', Buffer.from('x')],
    ]);
    const buf = Buffer.from((await import('node:fs')).readFileSync(escaping));
    let i = buf.indexOf('aa/aa/evil.js');
    while (i >= 0) {
      buf.write('../../evil.js', i);
      i = buf.indexOf('aa/aa/evil.js', i + 1);
    }
    writeFileSync(escaping, buf);
    await expect(
      t.ctx.capture.importFile(null, 'x', escaping, { identifier: '@escape', ownerEmail: owner }),
    ).rejects.toThrow(/escape\.zip, entry "\.\.\/\.\.\/evil\.js": the path escapes the archive folder/);
    const bomb = join(t.dir, 'bomb.zip');
    await zip(bomb, [['data/tweets.js', Buffer.alloc(20 * 1024 * 1024, 0x20)]]);
    await expect(
      t.ctx.capture.importFile(null, 'x', bomb, { identifier: '@bomb', ownerEmail: owner }),
    ).rejects.toThrow(/bomb\.zip, entry "data\/tweets\.js": compression ratio \d+:1 looks like a zip bomb/);
    expect(
      await t.ctx.db
        .selectFrom('capture_accounts')
        .select('id')
        .where('identifier', 'in', ['@escape', '@bomb'])
        .execute(),
    ).toHaveLength(0);
  });

  it('imports a carrier CSV with a column mapping, normalizing numbers and flagging off-channel contact', async () => {
    const p = join(t.dir, 'cdr.csv');
    writeFileSync(
      p,
      'Date,Number,Minutes,Type\n2026-03-01T02:10:00Z,011 52 55 5000 0101,12,Incoming\n2026-03-01T05:00:00Z,202-555-0177,3,Outgoing\n',
    );
    const r = await t.ctx.capture.importFile(null, 'csv', p, {
      identifier: '+12025550142',
      ownerEmail: owner,
      columns: 'date=Date,number=Number,minutes=Minutes,direction=Type',
    });
    expect(r.added).toBe(2);
    const items = await t.ctx.db
      .selectFrom('captured_items')
      .select('summary')
      .where('source_id', 'like', 'cdr:%')
      .execute();
    expect(items.map((i) => (i.summary as { number: string }).number).sort()).toEqual([
      '+12025550177',
      '+525550000101',
    ]);
    expect(r.offChannel.map((o) => o.leader)).toEqual(['President Claudia Sheinbaum Pardo of Mexico']);
    writeFileSync(p, 'Date,Number\nnot a date,123\n');
    await expect(
      t.ctx.capture.importFile(null, 'csv', p, {
        identifier: '+12025550142',
        ownerEmail: owner,
        columns: 'date=Date,number=Number',
      }),
    ).rejects.toThrow(/cdr\.csv, byte 12 \(line 2\): "not a date" in column Date is not a date/);
    await expect(
      t.ctx.capture.importFile(null, 'csv', p, {
        identifier: '+12025550142',
        ownerEmail: owner,
        columns: 'when=Date',
      }),
    ).rejects.toThrow(/--columns/);
  });
});
