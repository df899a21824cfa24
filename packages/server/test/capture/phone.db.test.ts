import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toE164 } from '../../src/capture/importers/phone.js';
import { importTestContext } from '../helpers/import-context.js';

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function smsBackup(items: string[]): string {
  return `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${items.length}">\n${items.join('\n')}\n</smses>\n`;
}

describe('phone captures and off-channel contact detection', () => {
  const t = importTestContext('phone');
  const account = { identifier: '+12025550142', ownerEmail: 'potus@us.example.gov' };

  it('normalizes numbers to E.164', () => {
    expect(toE164('(202) 555-0142')).toBe('+12025550142');
    expect(toE164('+52 55 5000 0101')).toBe('+525550000101');
    expect(toE164('00 33 1 55 55 01 23', 'FR')).toBe('+33155550123');
  });

  it('imports texts, an MMS with an image, and calls; a call with a foreign leader and no official call raises an alert', async () => {
    const when = Date.parse('2026-03-01T02:10:00Z');
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex').toString(
      'base64',
    );
    writeFileSync(
      join(t.dir, 'sms-20260301.xml'),
      smsBackup([
        `<sms protocol="0" address="(202) 555-0177" date="${when - 3_600_000}" type="2" body="${xmlEscape('Dinner at 8? <3 & see you')}" read="1" status="-1" contact_name="Friend" />`,
        `<sms protocol="0" address="+52 55 5000 0101" date="${when + 60_000}" type="1" body="Gracias por la llamada" read="1" status="-1" />`,
        `<mms date="${when + 120_000}" msg_box="1" address="+16135550100"><parts><part seq="0" ct="text/plain" name="null" text="Photo from today" /><part seq="1" ct="image/png" name="photo.png" data="${png}" /></parts><addrs><addr address="+16135550100" type="137" charset="106" /><addr address="+12025550142" type="151" charset="106" /></addrs></mms>`,
      ]),
    );
    const sms = await t.ctx.capture.importFile(null, 'phone', join(t.dir, 'sms-20260301.xml'), account);
    expect(sms).toMatchObject({ added: 3, attachments: 1 });
    // The text from President Sheinbaum's known number is itself an off-channel contact.
    expect(sms.offChannel).toHaveLength(1);

    writeFileSync(
      join(t.dir, 'calls-20260301.xml'),
      `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count="3">\n<call number="+525550000101" duration="734" date="${when}" type="1" presentation="1" />\n<call number="+33155550123" duration="0" date="${when}" type="3" presentation="1" />\n<call number="2025550177" duration="65" date="${when}" type="2" presentation="1" />\n</calls>\n`,
    );
    const calls = await t.ctx.capture.importFile(null, 'phone', join(t.dir, 'calls-20260301.xml'), account);
    expect(calls.added).toBe(3);
    // The 12-minute incoming call from Mexico is flagged; the missed French call is not.
    expect(calls.offChannel.map((o) => o.leader)).toEqual(['President Claudia Sheinbaum Pardo of Mexico']);
    const call = await t.ctx.db
      .selectFrom('calls')
      .selectAll()
      .where('id', '=', calls.offChannel[0]!.callId)
      .executeTakeFirstOrThrow();
    expect(call).toMatchObject({ state: 'completed', channel: 'off_channel', duration_min: 12 });
    expect(call.memcon_due_at).not.toBeNull();
    const rec = await t.ctx.db.selectFrom('records').select('kind').where('subject', '=', call.id).execute();
    expect(rec.map((r) => r.kind)).toContain('call.detect_off_channel');

    // Importing the same file again adds nothing and raises nothing new.
    expect(
      await t.ctx.capture.importFile(null, 'phone', join(t.dir, 'calls-20260301.xml'), account),
    ).toMatchObject({ added: 0, skipped: 3, offChannel: [] });
  });

  it('does not raise an alert when an official call with that leader is on record at that time', async () => {
    const usOffice = (
      await t.ctx.db
        .selectFrom('offices')
        .select('id')
        .where('slug', '=', 'us-potus')
        .executeTakeFirstOrThrow()
    ).id;
    const official = await t.ctx.db
      .selectFrom('calls')
      .select(['scheduled_start', 'counterpart_leader'])
      .where('owner_office_id', '=', usOffice)
      .where('channel', '=', 'hotline')
      .where('scheduled_start', 'is not', null)
      .orderBy('scheduled_start')
      .executeTakeFirstOrThrow();
    const contact = await t.ctx.db
      .selectFrom('foreign_contacts')
      .selectAll()
      .where('leader', '=', official.counterpart_leader)
      .executeTakeFirstOrThrow();
    writeFileSync(
      join(t.dir, 'calls-official.xml'),
      `<calls count="1"><call number="${contact.number}" duration="1500" date="${new Date(official.scheduled_start!).getTime() + 60_000}" type="1" /></calls>`,
    );
    expect(
      await t.ctx.capture.importFile(null, 'phone', join(t.dir, 'calls-official.xml'), account),
    ).toMatchObject({ added: 1, offChannel: [] });
  });

  it('refuses malformed XML with its line and column and imports nothing', async () => {
    const before = (await t.ctx.db.selectFrom('captured_items').select('id').execute()).length;
    writeFileSync(
      join(t.dir, 'bad.xml'),
      `<smses count="2">\n<sms address="+12025550177" date="1" type="1" body="ok" />\n<sms address="x" date="2" type="1" body="broken />\n</smses>`,
    );
    await expect(t.ctx.capture.importFile(null, 'phone', join(t.dir, 'bad.xml'), account)).rejects.toThrow(
      /bad\.xml, byte \d+ \(line \d+, column \d+\): the XML is malformed.*Nothing from this file was imported/,
    );
    writeFileSync(join(t.dir, 'other.xml'), '<html><body/></html>');
    await expect(t.ctx.capture.importFile(null, 'phone', join(t.dir, 'other.xml'), account)).rejects.toThrow(
      /expected an <smses> or <calls> root element/,
    );
    expect((await t.ctx.db.selectFrom('captured_items').select('id').execute()).length).toBe(before);
  });
});
