import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { ImportFormatError } from '../../src/capture/importers/types.js';
import { importTestContext } from '../helpers/import-context.js';

type Mail = NonNullable<ConstructorParameters<typeof MailComposer>[0]>;
async function compose(m: Mail): Promise<string> {
  const node = new MailComposer(m).compile();
  const b: Buffer = await new Promise((res, rej) => node.build((e, x) => (e ? rej(e) : res(x))));
  return b.toString().replace(/\r\n/g, '\n');
}
const mboxOf = (msgs: string[]) =>
  msgs.map((m) => `From a Sun Feb  1 12:00:00 2026\n${m.replace(/^(>*From )/gm, '>$1')}\n`).join('\n');

/** A PDF-ish attachment big enough that a cut falls inside its base64. */
const PDF = Buffer.alloc(6000, 0).map((_, i) => (i * 31) % 251);

describe('imports refuse what they cannot keep whole, and files of the wrong kind', () => {
  const t = importTestContext('refusals');
  const owner = { identifier: 'cut.test@personal.example.com', ownerEmail: 'potus@us.example.gov' };
  const counts = async () => ({
    records: (await t.ctx.db.selectFrom('records').select('seq').execute()).length,
    items: (await t.ctx.db.selectFrom('captured_items').select('id').execute()).length,
    accounts: (await t.ctx.db.selectFrom('capture_accounts').select('id').execute()).length,
    imports: (await t.ctx.db.selectFrom('capture_imports').select('id').execute()).length,
  });

  it('refuses an mbox whose last message is cut inside an attachment, naming the message and byte; the complete file imports after', async () => {
    const first = await compose({
      from: owner.identifier,
      to: 'b@personal.example.com',
      subject: 'first',
      text: 'first',
      date: new Date('2026-02-01T12:00:00Z'),
      messageId: '<first-cut@x>',
    });
    const last = await compose({
      from: owner.identifier,
      to: 'b@personal.example.com',
      subject: 'with draft',
      text: 'the draft',
      date: new Date('2026-02-02T12:00:00Z'),
      messageId: '<last-cut@x>',
      attachments: [{ filename: 'draft.pdf', contentType: 'application/pdf', content: Buffer.from(PDF) }],
    });
    const whole = mboxOf([first, last]);
    const boundary = /boundary="([^"]+)"/.exec(last)![1]!;
    const partAt = whole.lastIndexOf(`--${boundary}\nContent-Type: application/pdf`) + boundary.length + 3;
    const cutAt = partAt + 2000; // inside the base64
    const p = join(t.dir, 'cut.mbox');
    writeFileSync(p, whole.slice(0, cutAt));
    const before = await counts();
    const err = await t.ctx.capture.importFile(null, 'mbox', p, owner).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFormatError);
    expect((err as Error).message).toBe(
      `cut.mbox, message starting at byte ${whole.indexOf('From a', 10)} (Message-ID <last-cut@x>), byte ${partAt}: ` +
        `the multipart/mixed part never closes (no final boundary "--${boundary}--"): the message is cut short, ` +
        'in the attachment "draft.pdf" (application/pdf); a partial copy is not imported, as it would stand for the complete one. ' +
        'Nothing from this file was imported.',
    );
    expect(await counts()).toEqual(before);
    // the complete export imports, attachment and all
    writeFileSync(p, whole);
    const r = await t.ctx.capture.importFile(null, 'mbox', p, owner);
    expect(r).toMatchObject({ added: 2, attachments: 1 });
  });

  it('refuses a cut .eml, and one whose base64 stops part way with the boundary still there', async () => {
    const eml = await compose({
      from: owner.identifier,
      to: 'b@personal.example.com',
      subject: 'eml',
      text: 'eml',
      date: new Date('2026-02-03T12:00:00Z'),
      messageId: '<eml-cut@x>',
      attachments: [{ filename: 'draft.pdf', contentType: 'application/pdf', content: Buffer.from(PDF) }],
    });
    const p = join(t.dir, 'cut.eml');
    writeFileSync(p, eml.slice(0, eml.length - 300));
    await expect(t.ctx.capture.importFile(null, 'eml', p, owner)).rejects.toThrow(
      /^cut\.eml, the message \(Message-ID <eml-cut@x>\), byte \d+: the multipart\/mixed part never closes/,
    );
    // cut mid-line inside the base64, the final boundary appended by a broken tool
    const boundary = /boundary="([^"]+)"/.exec(eml)![1]!;
    const b64End = eml.lastIndexOf(`\n--${boundary}--`);
    writeFileSync(p, `${eml.slice(0, b64End - 7)}\n--${boundary}--\n`);
    await expect(t.ctx.capture.importFile(null, 'eml', p, owner)).rejects.toThrow(
      /the base64 content of the attachment "draft\.pdf" \(application\/pdf\) is cut short/,
    );
    expect(
      await t.ctx.db
        .selectFrom('captured_items')
        .select('id')
        .where('source_id', '=', '<eml-cut@x>')
        .execute(),
    ).toEqual([]);
  });

  it('refuses a whole mbox given as one .eml, saying what it is and which command fits', async () => {
    const msgs = await Promise.all(
      [1, 2, 3].map((i) =>
        compose({
          from: owner.identifier,
          to: 'b@x.example.com',
          subject: `m${i}`,
          text: 'x',
          messageId: `<m${i}-eml@x>`,
        }),
      ),
    );
    const p = join(t.dir, 'three.eml');
    writeFileSync(p, mboxOf(msgs));
    const before = await counts();
    await expect(t.ctx.capture.importFile(null, 'eml', p, owner)).rejects.toThrow(
      'three.eml, byte 0: this looks like an mbox (3 message(s), each after a "From " separator line), not a single .eml message; import it with `hotline import mbox`.',
    );
    expect(await counts()).toEqual(before);
    // and the other way round
    const one = join(t.dir, 'one.mbox');
    writeFileSync(one, msgs[0]!);
    await expect(t.ctx.capture.importFile(null, 'mbox', one, owner)).rejects.toThrow(
      /does not look like an mbox; it looks like a single email message: use `hotline import eml`/,
    );
  });

  it('refuses an empty CSV or one with only a header, creating no account, import or record', async () => {
    const phone = {
      identifier: '+12025550199',
      ownerEmail: 'potus@us.example.gov',
      columns: 'date=Date,number=Number,direction=Type',
    };
    const p = join(t.dir, 'empty.csv');
    const before = await counts();
    writeFileSync(p, '');
    await expect(t.ctx.capture.importFile(null, 'csv', p, phone)).rejects.toThrow(
      /^empty\.csv, the whole file: there are no call rows \(the file is empty\); it looks like an empty file; a carrier CSV has a header line and one row per call/,
    );
    writeFileSync(p, 'Date,Number,Type\n');
    await expect(t.ctx.capture.importFile(null, 'csv', p, phone)).rejects.toThrow(
      /there are no call rows \(a header line at most\)/,
    );
    writeFileSync(p, readFileSync(join(t.dir, 'cut.mbox')));
    await expect(t.ctx.capture.importFile(null, 'csv', p, phone)).rejects.toThrow(
      /it looks like an mbox \(messages after "From " separator lines\): use `hotline import mbox`/,
    );
    expect(await counts()).toEqual(before);
  });

  it("decides a carrier CSV's direction from the account's own number, and refuses when neither side is it", async () => {
    const own = '+12025550188';
    const p = join(t.dir, 'cdr.csv');
    writeFileSync(
      p,
      'When,Caller,Callee,Seconds\n2026-03-01T02:10:00Z,(202) 555-0188,+52 55 5000 0101,60\n2026-03-01T03:10:00Z,+44 20 7946 0018,202-555-0188,30\n',
    );
    const acct = {
      identifier: own,
      ownerEmail: 'potus@us.example.gov',
      columns: 'date=When,from=Caller,to=Callee,duration=Seconds',
    };
    expect((await t.ctx.capture.importFile(null, 'csv', p, acct)).added).toBe(2);
    const rows = await t.ctx.db
      .selectFrom('captured_items')
      .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
      .select('captured_items.summary')
      .where('capture_accounts.identifier', '=', own)
      .orderBy('captured_items.occurred_at')
      .execute();
    expect(rows.map((r) => r.summary)).toMatchObject([
      { direction: 'outgoing', number: '+525550000101', from: null, to: ['+525550000101'] },
      { direction: 'incoming', number: '+442079460018', from: '+442079460018', to: [] },
    ]);
    writeFileSync(
      p,
      'When,Caller,Callee,Seconds\n2026-03-02T02:10:00Z,+52 55 5000 0101,+44 20 7946 0018,60\n',
    );
    await expect(t.ctx.capture.importFile(null, 'csv', p, acct)).rejects.toThrow(
      'cdr.csv, byte 27 (line 2): neither "Caller" (+525550000101) nor "Callee" (+442079460018) is this account\'s number +12025550188, so the direction is unknown: map the direction column (direction=<column>; the columns are When, Caller, Callee, Seconds), or import it for the account whose number it is.',
    );
    await expect(
      t.ctx.capture.importFile(null, 'csv', p, { ...acct, columns: 'date=When,number=Callee' }),
    ).rejects.toThrow(
      /no direction: only the other party's number is mapped \(number=Callee\); map the direction column/,
    );
  });

  it('tells a non-zip given as an X archive what it looks like, and quotes no binary garbage', async () => {
    const p = join(t.dir, 'archive-upload');
    writeFileSync(p, 'From a Sun Feb  1 12:00:00 2026\nFrom: x@y\n\nhi\n');
    const x = { identifier: '@cut_test', ownerEmail: 'potus@us.example.gov' };
    await expect(t.ctx.capture.importFile(null, 'x', p, x)).rejects.toThrow(
      'archive-upload, byte 0: not a zip archive; it looks like an mbox (messages after "From " separator lines): use `hotline import mbox`; an X archive is the .zip X lets you download, or its extracted folder.',
    );
    const bin = join(t.dir, 'garbage.mbox');
    writeFileSync(bin, Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x1b, 0x5b, 0x32, 0x4a, 0x0a]));
    const err = (await t.ctx.capture.importFile(null, 'mbox', bin, owner).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^garbage\.mbox, byte 0: an mbox file must start/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none is echoed
    expect(err.message).not.toMatch(/[\u0000-\u0008\u001b\ufffd]/);
  });
});
