import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceRow } from '../../src/capture/compliance.js';
import type { Actor } from '../../src/policy/policy.js';
import { newActor } from '../helpers/builders.js';
import { importTestContext } from '../helpers/import-context.js';

type Mail = NonNullable<ConstructorParameters<typeof MailComposer>[0]>;

async function build(m: Mail): Promise<Buffer> {
  const node = new MailComposer(m).compile();
  node.keepBcc = true;
  return new Promise((res, rej) => node.build((e, b) => (e ? rej(e) : res(b))));
}

function mbox(msgs: Buffer[]): string {
  return msgs
    .map(
      (raw) =>
        `From sender Sun Feb  1 12:00:00 2026\n${raw
          .toString()
          .replace(/\r\n/g, '\n')
          .replace(/^(>*From )/gm, '>$1')}\n`,
    )
    .join('\n');
}

const ME = 'leader.report@personal.example.com';
const OFFICIAL = 'potus@us.example.gov';
const BODY = (s: string) => `${s}: the draft is below.\n\n> what did they say?\n> nothing yet\n\n-- \nL.\n`;

const personal: Mail[] = [
  { subject: 'Copied', bcc: OFFICIAL, date: new Date('2026-01-05T15:00:00Z'), messageId: '<copied@r>' },
  { subject: 'Attached in time', date: new Date('2026-01-05T16:00:00Z'), messageId: '<att@r>' },
  { subject: 'Gmail in time', date: new Date('2026-01-05T17:30:00Z'), messageId: '<gmail@r>' },
  { subject: 'Outlook late', date: new Date('2026-01-06T14:00:00Z'), messageId: '<outlook@r>' },
  { subject: 'Apple in time', date: new Date('2026-01-07T20:00:00Z'), messageId: '<apple@r>' },
  { subject: 'Attached late', date: new Date('2026-01-02T15:00:00Z'), messageId: '<attlate@r>' },
  { subject: 'Nothing', date: new Date('2026-01-08T15:00:00Z'), messageId: '<nothing@r>' },
  { subject: 'Other body', date: new Date('2026-01-08T16:00:00Z'), messageId: '<other@r>' },
  { subject: 'Recent', date: new Date('2026-02-25T15:00:00Z'), messageId: '<recent@r>' },
].map((m) => ({
  from: `Leader <${ME}>`,
  to: 'friend@personal.example.com',
  text: BODY(String(m.subject)),
  ...m,
}));

const bySubject = (s: string) => personal.find((m) => m.subject === s)!;

describe('the 20-day report for a mailbox with forwards in time, late, copies and nothing', () => {
  const t = importTestContext('twenty-day-report');
  let actor: Actor;
  let rows: ComplianceRow[];
  let personalImport: { importId: string };

  beforeAll(async () => {
    const raws = await Promise.all(personal.map(build));
    writeFileSync(join(t.dir, 'personal.mbox'), mbox(raws));
    const fwd = (subject: string, at: string, text: string, extra: Mail = {}) =>
      build({
        from: OFFICIAL,
        to: OFFICIAL,
        subject: `Fwd: ${subject}`,
        date: new Date(at),
        messageId: `<fwd-${subject.replace(/\W/g, '')}@official>`,
        text,
        ...extra,
      });
    const asAttachment = (subject: string, at: string) =>
      fwd(subject, at, 'Forwarded as an attachment.', {
        attachments: [
          {
            filename: 'original.eml',
            contentType: 'message/rfc822',
            content: raws[personal.indexOf(bySubject(subject))]!,
          },
        ],
      });
    const official = [
      await asAttachment('Attached in time', '2026-01-10T12:00:00Z'),
      await asAttachment('Attached late', '2026-02-01T15:00:00Z'),
      // Gmail: the sender's local time (12:30 EST), no zone; the body re-wrapped, CRLF.
      await fwd(
        'Gmail in time',
        '2026-01-20T15:00:00Z',
        `FYI\n\n---------- Forwarded message ---------\nFrom: Leader <${ME}>\nDate: Mon, Jan 5, 2026 at 12:30 PM\nSubject: Gmail in time\nTo: <friend@personal.example.com>\n\n${BODY('Gmail in time').replace('draft is', 'draft\r\nis')}`,
      ),
      // Outlook, on day 24.
      await fwd(
        'Outlook late',
        '2026-01-30T15:00:00Z',
        `-----Original Message-----\nFrom: Leader [mailto:${ME}]\nSent: Tuesday, January 6, 2026 9:00 AM\nTo: friend@personal.example.com\nSubject: Outlook late\n\n${BODY('Outlook late')}`,
      ),
      // Apple Mail, with a zone, and no signature in the copy.
      await fwd(
        'Apple in time',
        '2026-01-08T12:00:00Z',
        `Begin forwarded message:\n\nFrom: Leader <${ME}>\nSubject: Apple in time\nDate: January 7, 2026 at 3:00:00 PM EST\nTo: friend@personal.example.com\n\n${BODY('Apple in time').split('-- ')[0]}`,
      ),
      // Same sender, date and subject, but not the same body: not a complete copy of it.
      await fwd(
        'Other body',
        '2026-01-09T12:00:00Z',
        `---------- Forwarded message ---------\nFrom: Leader <${ME}>\nDate: Thu, Jan 8, 2026 at 11:00 AM\nSubject: Other body\nTo: <friend@personal.example.com>\n\nSomething else entirely.\n`,
      ),
    ];
    writeFileSync(join(t.dir, 'official.mbox'), mbox(official));
    personalImport = await t.ctx.capture.importFile(null, 'mbox', join(t.dir, 'personal.mbox'), {
      identifier: ME,
      ownerEmail: OFFICIAL,
    });
    await t.ctx.capture.importFile(null, 'mbox', join(t.dir, 'official.mbox'), {
      identifier: OFFICIAL,
      ownerEmail: OFFICIAL,
      official: true,
    });
    const owner = await t.ctx.db
      .selectFrom('users')
      .select('office_id')
      .where('email', '=', OFFICIAL)
      .executeTakeFirstOrThrow();
    actor = await newActor(t.ctx, owner.office_id, ['records']);
    const items = await t.ctx.db
      .selectFrom('captured_items')
      .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
      .select('captured_items.id')
      .where('capture_accounts.identifier', '=', ME)
      .execute();
    for (const i of items) await t.ctx.capture.classify(actor, i.id, 'presidential', 'Official business.');
    rows = (await t.ctx.captureQueries.compliance(actor)).filter((r) => r.account === ME);
  });

  it('comes out right item by item', () => {
    const of = (subject: string) => rows.find((r) => r.subject === subject)!.result;
    expect(rows).toHaveLength(personal.length);
    expect(of('Copied')).toMatchObject({ status: 'compliant-copied', account: OFFICIAL });
    expect(of('Attached in time')).toMatchObject({
      status: 'compliant-forwarded',
      method: 'message-id',
      via: 'attached',
      at: new Date('2026-01-10T12:00:00Z'),
    });
    expect(of('Gmail in time')).toMatchObject({
      status: 'compliant-forwarded',
      method: 'sender-date-subject-body',
      via: 'gmail',
    });
    expect(of('Apple in time')).toMatchObject({
      status: 'compliant-forwarded',
      method: 'sender-date-subject-body',
      via: 'apple',
    });
    // day 20 of 6 January ends on 26 January; forwarded 30 January
    expect(of('Outlook late')).toMatchObject({
      status: 'late',
      route: 'forwarded',
      via: 'outlook',
      daysLate: 4,
    });
    // day 20 of 2 January ends on 22 January; forwarded 1 February
    expect(of('Attached late')).toMatchObject({
      status: 'late',
      route: 'forwarded',
      method: 'message-id',
      via: 'attached',
      daysLate: 10,
    });
    // now is 2 March 2026 (the test clock); day 20 of 8 January ends on 28 January
    expect(of('Nothing')).toMatchObject({ status: 'overdue', daysOverdue: 33 });
    expect(of('Other body')).toMatchObject({ status: 'overdue' });
    expect(of('Recent')).toMatchObject({ status: 'due', daysLeft: 15 });
  });

  it("reports the import's items by 20-day state, as the CLI prints them", async () => {
    expect(await t.ctx.captureQueries.importReport(personalImport.importId)).toEqual({
      official: false,
      byStatus: { 'compliant-copied': 1, 'compliant-forwarded': 3, late: 2, overdue: 2, due: 1 },
      locationLeaks: 0,
    });
  });

  it('lists the items behind the counts, filtered, each with where its copy was found and its trail', async () => {
    const counts = await t.ctx.captureQueries.complianceSummary(actor);
    const open = await t.ctx.captureQueries.complianceList(actor, { status: ['overdue', 'due'] });
    expect(open.length).toBe((counts.byStatus.overdue ?? 0) + (counts.byStatus.due ?? 0));
    const ours = await t.ctx.captureQueries.complianceList(actor, {
      account: ME,
      status: ['overdue', 'due'],
    });
    expect(ours.map((r) => [r.title, r.status, r.daysOverdue ?? r.daysLeft])).toEqual([
      ['Nothing', 'overdue', 33],
      ['Other body', 'overdue', 33],
      ['Recent', 'due', 15],
    ]);
    const [late] = await t.ctx.captureQueries.complianceList(actor, {
      account: ME,
      status: ['late'],
      kind: 'email',
    });
    expect(late).toMatchObject({
      title: 'Attached late',
      daysOverdue: 10,
      copy: { route: 'forwarded', account: OFFICIAL, method: 'message-id', via: 'attached' },
    });
    expect(late!.trail.at(-1)).toBe('late: forwarded 10 day(s) after day 20');
    expect(await t.ctx.captureQueries.complianceList(actor, { person: 'Nobody' })).toEqual([]);
  });

  it('opens an item: headers, the archived body, attachments, where its copy was found and its trail', async () => {
    const [row] = await t.ctx.captureQueries.complianceList(actor, {
      account: ME,
      status: ['compliant-forwarded'],
      kind: 'email',
    });
    const item = await t.ctx.captureQueries.item(actor, row!.itemId);
    expect(item).toMatchObject({
      kind: 'email',
      headers: { from: ME, to: ['friend@personal.example.com'], subject: row!.title },
      attachments: [],
      twentyDay: { status: 'compliant-forwarded', copy: { route: 'forwarded', account: OFFICIAL } },
    });
    expect(item.body).toContain(`${row!.title}: the draft is below.`);
  });

  it('keeps how each decision was reached, in the CSV too', async () => {
    const late = rows.find((r) => r.subject === 'Outlook late')!.result;
    expect(late.trail).toContain(
      'official copy: a forward (outlook) in potus@us.example.gov at 2026-01-30 10:00 EST, matched by sender-date-subject-body',
    );
    const csv = await t.ctx.captureQueries.complianceCsv(actor);
    expect(csv.split('\r\n')[0]).toBe(
      'item_id,kind,owner,account,occurred_at,subject,category,status,detail,trail',
    );
    expect(csv).toMatch(
      /,Outlook late,presidential,late,forwarded 4 days late at 2026-01-30T15:00:00.000Z to potus@us.example.gov by sender-date-subject-body;/,
    );
  });
});
