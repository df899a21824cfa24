import { DateTime } from 'luxon';

/**
 * The 20-day rule for records created on non-official electronic messaging accounts.
 *
 * 44 U.S.C. 2209(a): the President, the Vice President or a covered employee may not create or
 * send a presidential record using a non-official electronic message account unless they
 * (1)(A) copy an official electronic messaging account at the original creation or
 * transmission, or (1)(B) forward a complete copy to an official account not later than 20 days
 * after the original creation or transmission.
 * 44 U.S.C. 2209(c): "covered employee" (the immediate staff and units of the Executive Office
 * advising the President) and "electronic messages" (electronic mail and other electronic
 * messaging systems used for purposes of communicating between individuals).
 * 44 U.S.C. 2203(b): records are categorized as presidential or personal upon creation or
 * receipt; personal records are outside the rule.
 *
 * Day counting (our reading, stated in the README): "20 days" are calendar days counted in the
 * office's time zone (America/New_York by default). Day 0 is the local calendar date of
 * creation; the deadline is the end of local calendar day 20 (23:59:59.999 on creation date +
 * 20 days), whatever the hour of creation, and across daylight-saving changes.
 */
export type CoveredStatus = 'president' | 'vice_president' | 'covered_employee' | 'not_covered';
export type PraCategory = 'presidential' | 'personal' | 'unknown';
export type MatchMethod = 'message-id' | 'forwarded-headers' | 'content-hash';

export interface RuleItem {
  /** creation or transmission time */
  createdAt: Date;
  kind: 'email' | 'sms' | 'mms' | 'tweet' | 'tweet.deleted' | 'call';
  category: PraCategory;
  owner: CoveredStatus;
  /** every address/number/handle the item was sent to or copied to (cc and bcc included) */
  recipients: string[];
  messageId?: string;
  /** SHA-256 of the normalized body */
  contentHash?: string;
  subject?: string;
  from?: string;
}

export interface OfficialCopy {
  /** when the copy reached the official account */
  at: Date;
  account: string;
  messageId?: string;
  /** headers of a forwarded original found in the official copy */
  forwardedOf?: { messageId?: string; from?: string; date?: Date; subject?: string };
  contentHash?: string;
}

export type RuleStatus =
  | { status: 'not-applicable'; reason: string }
  | { status: 'needs-classification' }
  | { status: 'compliant-copied'; account: string }
  | { status: 'compliant-forwarded'; method: MatchMethod; at: Date; account: string }
  | { status: 'due'; deadline: Date; daysLeft: number }
  | { status: 'overdue'; deadline: Date; daysOverdue: number };

export interface RuleContext {
  /** official addresses, handles and numbers, normalized (lowercase emails, E.164 numbers) */
  officialAccounts: Set<string>;
  /** copies found in official-account captures */
  officialCopies: OfficialCopy[];
  now: Date;
  zone?: string;
}

const norm = (s: string) => s.trim().toLowerCase();

/** The end of local calendar day 20 after creation, in the office's zone (see header). */
export function deadlineFor(createdAt: Date, zone = 'America/New_York'): Date {
  return DateTime.fromJSDate(createdAt, { zone }).startOf('day').plus({ days: 20 }).endOf('day').toJSDate();
}

/** Whole local calendar days from `a` to `b` (b later is positive). */
function calendarDaysBetween(a: Date, b: Date, zone: string): number {
  const da = DateTime.fromJSDate(a, { zone }).startOf('day');
  const db = DateTime.fromJSDate(b, { zone }).startOf('day');
  return Math.round(db.diff(da, 'days').days);
}

function sameMinute(a?: Date, b?: Date): boolean {
  return !!a && !!b && Math.abs(a.getTime() - b.getTime()) < 60_000;
}

/** Find a complete copy in an official account, and how it matched. */
export function findForward(
  item: RuleItem,
  copies: OfficialCopy[],
  accounts: Set<string>,
): (OfficialCopy & { method: MatchMethod }) | null {
  const official = copies
    .filter((c) => accounts.has(norm(c.account)))
    .sort((x, y) => x.at.getTime() - y.at.getTime());
  for (const c of official) {
    if (item.messageId && (c.messageId === item.messageId || c.forwardedOf?.messageId === item.messageId))
      return { ...c, method: 'message-id' };
  }
  for (const c of official) {
    const f = c.forwardedOf;
    if (
      f &&
      item.from &&
      f.from &&
      norm(f.from) === norm(item.from) &&
      sameMinute(f.date, item.createdAt) &&
      (f.subject ?? '') === (item.subject ?? '')
    ) {
      return { ...c, method: 'forwarded-headers' };
    }
  }
  for (const c of official) {
    if (item.contentHash && c.contentHash === item.contentHash) return { ...c, method: 'content-hash' };
  }
  return null;
}

export function evaluate(item: RuleItem, ctx: RuleContext): RuleStatus {
  const zone = ctx.zone ?? 'America/New_York';
  // 2209(a) binds the President, the Vice President and covered employees only (2209(c)).
  if (item.owner === 'not_covered')
    return { status: 'not-applicable', reason: 'the account owner is not covered by 44 U.S.C. 2209' };
  // 2209(c): electronic messages are person-to-person messaging; a call log is not one.
  if (item.kind === 'call')
    return {
      status: 'not-applicable',
      reason: 'a call log is not an electronic message (44 U.S.C. 2209(c))',
    };
  // 2203(b): personal records are outside the rule; unknown ones wait for the records officer.
  if (item.category === 'personal')
    return { status: 'not-applicable', reason: 'classified as a personal record (44 U.S.C. 2203(b))' };
  if (item.category === 'unknown') return { status: 'needs-classification' };
  // 2209(a)(1)(A): an official account copied at creation.
  const copied = item.recipients.map(norm).find((r) => ctx.officialAccounts.has(r));
  if (copied) return { status: 'compliant-copied', account: copied };
  const deadline = deadlineFor(item.createdAt, zone);
  // 2209(a)(1)(B): a complete copy forwarded to an official account within 20 days.
  const fwd = findForward(item, ctx.officialCopies, ctx.officialAccounts);
  if (fwd && fwd.at.getTime() <= deadline.getTime())
    return { status: 'compliant-forwarded', method: fwd.method, at: fwd.at, account: fwd.account };
  if (ctx.now.getTime() <= deadline.getTime()) {
    return { status: 'due', deadline, daysLeft: calendarDaysBetween(ctx.now, deadline, zone) };
  }
  return { status: 'overdue', deadline, daysOverdue: calendarDaysBetween(deadline, ctx.now, zone) };
}
