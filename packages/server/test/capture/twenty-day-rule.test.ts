import { describe, expect, it } from 'vitest';
import { deadlineFor, evaluate, type RuleContext, type RuleItem } from '../../src/capture/twenty-day-rule.js';

const OFFICIAL = new Set(['potus@official.example.gov', '+12025550100']);
const base: RuleItem = {
  createdAt: new Date('2026-02-25T15:00:00Z'), // 10:00 EST, Wednesday 25 February 2026
  kind: 'email',
  category: 'presidential',
  owner: 'president',
  recipients: ['friend@personal.example.com'],
  messageId: '<abc@personal.example.com>',
  contentHash: 'h1',
  subject: 'Trade call tomorrow',
  from: 'potus.private@personal.example.com',
};
function ctx(now: string, copies: RuleContext['officialCopies'] = []): RuleContext {
  return { officialAccounts: OFFICIAL, officialCopies: copies, now: new Date(now) };
}

describe('44 U.S.C. 2209: the 20-day rule', () => {
  it('counts 20 calendar days in New York across the March DST change (2209(a)(1)(B))', () => {
    // Created 25 Feb (EST); day 20 is 17 March (EDT): the deadline is 23:59:59.999 EDT = 03:59:59.999Z on 18 March.
    expect(deadlineFor(base.createdAt).toISOString()).toBe('2026-03-18T03:59:59.999Z');
    // Created late in the evening local time: still the same day 0.
    expect(deadlineFor(new Date('2026-02-26T04:30:00Z')).toISOString()).toBe('2026-03-18T03:59:59.999Z');
    // Across the November change: created 20 Oct (EDT), deadline 9 Nov 23:59:59.999 EST.
    expect(deadlineFor(new Date('2026-10-20T14:00:00Z')).toISOString()).toBe('2026-11-10T04:59:59.999Z');
  });

  it('is due on day 19 and day 20, and overdue on day 21 when nothing was copied or forwarded', () => {
    expect(evaluate(base, ctx('2026-03-16T16:00:00Z'))).toMatchObject({ status: 'due', daysLeft: 1 });
    expect(evaluate(base, ctx('2026-03-17T23:00:00Z'))).toMatchObject({ status: 'due', daysLeft: 0 });
    expect(evaluate(base, ctx('2026-03-18T16:00:00Z'))).toMatchObject({ status: 'overdue', daysOverdue: 1 });
  });

  it('is compliant when an official account was copied at creation, bcc included (2209(a)(1)(A))', () => {
    const item = { ...base, recipients: [...base.recipients, 'POTUS@official.example.gov'] };
    expect(evaluate(item, ctx('2026-06-01T00:00:00Z'))).toMatchObject({
      status: 'compliant-copied',
      account: 'potus@official.example.gov',
    });
  });

  it('is compliant when forwarded within 20 days, and says which method matched (2209(a)(1)(B))', () => {
    const day20 = new Date('2026-03-17T22:00:00Z');
    const byId = evaluate(
      base,
      ctx('2026-06-01T00:00:00Z', [
        {
          at: day20,
          account: 'potus@official.example.gov',
          forwards: [{ via: 'attached', messageId: '<abc@personal.example.com>' }],
        },
      ]),
    );
    expect(byId).toMatchObject({ status: 'compliant-forwarded', method: 'message-id', via: 'attached' });
    const original = { from: base.from, subject: base.subject, bodyHash: 'h1' };
    const byHeaders = evaluate(
      { ...base, messageId: undefined },
      ctx('2026-06-01T00:00:00Z', [
        {
          at: day20,
          account: 'potus@official.example.gov',
          forwards: [{ via: 'outlook', ...original, date: base.createdAt }],
        },
      ]),
    );
    expect(byHeaders).toMatchObject({ status: 'compliant-forwarded', method: 'sender-date-subject-body' });
    // Gmail prints the sender's local time with no zone: 10:00 in New York is the same instant.
    const gmail = evaluate(
      { ...base, messageId: undefined },
      ctx('2026-06-01T00:00:00Z', [
        {
          at: day20,
          account: 'potus@official.example.gov',
          forwards: [{ via: 'gmail', ...original, dateLocal: '2026-02-25T10:00' }],
        },
      ]),
    );
    expect(gmail).toMatchObject({ status: 'compliant-forwarded', via: 'gmail' });
  });

  it('needs all four of sender, date, subject and body when there is no Message-ID to match', () => {
    const item = { ...base, messageId: undefined };
    const full = { from: base.from, subject: base.subject, bodyHash: 'h1', date: base.createdAt };
    for (const wrong of [
      { from: 'someone@else.example.com' },
      { subject: 'Another subject' },
      { bodyHash: 'h2' },
      { date: new Date('2026-02-25T15:07:00Z') },
      { date: undefined, dateLocal: '2026-02-25T10:07' },
    ]) {
      const r = evaluate(
        item,
        ctx('2026-03-01T00:00:00Z', [
          {
            at: new Date('2026-02-26T00:00:00Z'),
            account: 'potus@official.example.gov',
            forwards: [{ ...full, ...wrong }],
          },
        ]),
      );
      expect(r.status, JSON.stringify(wrong)).toBe('due');
    }
    // a copy whose whole body merely equals the item's is not a forward of it
    expect(
      evaluate(
        item,
        ctx('2026-03-01T00:00:00Z', [{ at: new Date('2026-02-26T00:00:00Z'), account: '+12025550100' }]),
      ).status,
    ).toBe('due');
  });

  it('calls a forward after day 20 late, with the route and the days, not overdue', () => {
    const day21 = new Date('2026-03-18T14:00:00Z');
    const r = evaluate(
      base,
      ctx('2026-06-01T00:00:00Z', [
        { at: day21, account: 'potus@official.example.gov', messageId: base.messageId },
      ]),
    );
    expect(r).toMatchObject({
      status: 'late',
      route: 'forwarded',
      method: 'message-id',
      account: 'potus@official.example.gov',
      daysLate: 1,
    });
    expect(r.trail.at(-1)).toBe('late: forwarded 1 day(s) after day 20');
    expect(
      evaluate(
        base,
        ctx('2026-03-10T00:00:00Z', [
          {
            at: new Date('2026-03-01T00:00:00Z'),
            account: 'aide@gmail.example.com',
            messageId: base.messageId,
          },
        ]),
      ),
    ).toMatchObject({ status: 'due' });
  });

  it('counts a text or a post captured into the archive within 20 days; email needs an official account', () => {
    const sms = { ...base, kind: 'sms' as const, messageId: undefined };
    expect(
      evaluate({ ...sms, capturedAt: new Date('2026-03-10T00:00:00Z') }, ctx('2026-06-01T00:00:00Z')),
    ).toMatchObject({
      status: 'compliant-captured',
    });
    expect(
      evaluate(
        { ...sms, kind: 'tweet', capturedAt: new Date('2026-03-25T12:00:00Z') },
        ctx('2026-06-01T00:00:00Z'),
      ),
    ).toMatchObject({ status: 'late', route: 'captured', daysLate: 8 });
    const email = evaluate(
      { ...base, capturedAt: new Date('2026-03-10T00:00:00Z') },
      ctx('2026-06-01T00:00:00Z'),
    );
    expect(email.status).toBe('overdue');
    expect(email.trail.join('\n')).toMatch(/its capture by import does not count/);
  });

  it('records how each decision was reached', () => {
    const r = evaluate(base, ctx('2026-03-16T16:00:00Z'));
    expect(r.trail).toEqual([
      'owner: covered (president, 44 U.S.C. 2209(c))',
      'category: presidential',
      'not copied at creation: none of its 1 recipient(s) is an official account',
      'created 2026-02-25 10:00 EST; day 20 ends 2026-03-17 23:59 EDT (America/New_York)',
      'official copy: none found in any official account (by Message-ID, or sender + date + subject + body)',
      'an email complies only by reaching an official account; its capture by import does not count',
      'due: 1 day(s) left',
    ]);
  });

  it('does not apply to personal records, uncovered people or call logs; unknown ones need classification (2203(b), 2209(c))', () => {
    expect(evaluate({ ...base, category: 'personal' }, ctx('2026-06-01T00:00:00Z'))).toMatchObject({
      status: 'not-applicable',
    });
    expect(evaluate({ ...base, owner: 'not_covered' }, ctx('2026-06-01T00:00:00Z'))).toMatchObject({
      status: 'not-applicable',
    });
    expect(evaluate({ ...base, kind: 'call' }, ctx('2026-06-01T00:00:00Z'))).toMatchObject({
      status: 'not-applicable',
    });
    expect(evaluate({ ...base, category: 'unknown' }, ctx('2026-06-01T00:00:00Z'))).toMatchObject({
      status: 'needs-classification',
    });
  });

  it('treats a record reclassified as personal as no longer overdue', () => {
    expect(evaluate(base, ctx('2026-04-01T00:00:00Z')).status).toBe('overdue');
    expect(evaluate({ ...base, category: 'personal' }, ctx('2026-04-01T00:00:00Z')).status).toBe(
      'not-applicable',
    );
  });
});
