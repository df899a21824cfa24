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
/** How an official copy was matched: by the original's Message-ID, or by sender + date + subject + normalised body. */
export type MatchMethod = 'message-id' | 'sender-date-subject-body';

/** Kinds that comply by capture: their complete copy entering Hotline's archive by import. */
export const CAPTURE_COMPLIES: ReadonlySet<RuleItem['kind']> = new Set([
  'sms',
  'mms',
  'tweet',
  'tweet.deleted',
]);

export interface RuleItem {
  /** creation or transmission time */
  createdAt: Date;
  kind: 'email' | 'sms' | 'mms' | 'tweet' | 'tweet.deleted' | 'call';
  category: PraCategory;
  owner: CoveredStatus;
  /** every address/number/handle the item was sent to or copied to (cc and bcc included) */
  recipients: string[];
  messageId?: string;
  /** SHA-256 of the normalised body (forwards.ts normaliseBody) */
  contentHash?: string;
  subject?: string;
  from?: string;
  /** when the item's complete copy entered Hotline's archive (its import) */
  capturedAt?: Date;
}

/** An original found in an official copy (forwards.ts ForwardedOriginal, dates parsed). */
export interface ForwardedOf {
  via?: string;
  messageId?: string;
  from?: string;
  /** an instant, when the forward block named its zone */
  date?: Date;
  /** a wall-clock time with no zone ("2025-03-01T21:00"), when it did not */
  dateLocal?: string;
  subject?: string;
  /** SHA-256 of the original's normalised body */
  bodyHash?: string;
}

export interface OfficialCopy {
  /** when the copy reached the official account */
  at: Date;
  account: string;
  messageId?: string;
  /** originals forwarded in the official copy (attached or inline) */
  forwards?: ForwardedOf[];
}

/** How the decision was reached, step by step, for the records officer. */
export type Trail = string[];

export type RuleStatus = (
  | { status: 'not-applicable'; reason: string }
  | { status: 'needs-classification' }
  | { status: 'compliant-copied'; account: string }
  | {
      status: 'compliant-forwarded';
      method: MatchMethod;
      via?: string;
      at: Date;
      account: string;
      deadline: Date;
    }
  | { status: 'compliant-captured'; at: Date; deadline: Date }
  | {
      status: 'late';
      route: 'forwarded' | 'captured';
      method?: MatchMethod;
      via?: string;
      account?: string;
      at: Date;
      deadline: Date;
      daysLate: number;
    }
  | { status: 'due'; deadline: Date; daysLeft: number }
  | { status: 'overdue'; deadline: Date; daysOverdue: number }
) & { trail: Trail };

export interface RuleContext {
  /** official addresses, handles and numbers, normalized (lowercase emails, E.164 numbers) */
  officialAccounts: Set<string>;
  /** copies found in official-account captures */
  officialCopies: OfficialCopy[];
  now: Date;
  zone?: string;
}

const norm = (s: string) => s.trim().toLowerCase();
const normSubject = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

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

/**
 * The forward's date is the item's: the same minute when the block named its zone; when it did
 * not (Gmail, Outlook print the sender's local time), the wall-clock time is the item's in some
 * zone, i.e. it differs from the instant by a whole quarter hour, at most 14 hours.
 */
function sameTime(f: ForwardedOf, at: Date): boolean {
  if (f.date) return Math.abs(f.date.getTime() - at.getTime()) < 60_000;
  if (!f.dateLocal) return false;
  const wall = DateTime.fromISO(f.dateLocal, { zone: 'utc' });
  if (!wall.isValid) return false;
  const diff = wall.toMillis() - Math.floor(at.getTime() / 60_000) * 60_000;
  const quarter = 15 * 60_000;
  return Math.abs(diff) <= 14 * 3_600_000 && Math.abs(diff - Math.round(diff / quarter) * quarter) < 60_000;
}

/** Find the earliest complete copy in an official account, and how it matched. */
export function findForward(
  item: RuleItem,
  copies: OfficialCopy[],
  accounts: Set<string>,
): (OfficialCopy & { method: MatchMethod; via?: string }) | null {
  const official = copies
    .filter((c) => accounts.has(norm(c.account)))
    .sort((x, y) => x.at.getTime() - y.at.getTime());
  // First by the original's Message-ID: the copy is the message itself (redirected), or it
  // forwards it (attached, or an inline block that kept it).
  if (item.messageId) {
    for (const c of official) {
      if (c.messageId === item.messageId) return { ...c, method: 'message-id', via: 'same message' };
      const f = c.forwards?.find((x) => x.messageId === item.messageId);
      if (f) return { ...c, method: 'message-id', ...(f.via ? { via: f.via } : {}) };
    }
  }
  // Then by sender + date + subject + normalised body, all four.
  if (!item.from || !item.contentHash) return null;
  for (const c of official) {
    const f = c.forwards?.find(
      (x) =>
        !!x.from &&
        norm(x.from) === norm(item.from!) &&
        sameTime(x, item.createdAt) &&
        normSubject(x.subject) === normSubject(item.subject) &&
        x.bodyHash === item.contentHash,
    );
    if (f) return { ...c, method: 'sender-date-subject-body', ...(f.via ? { via: f.via } : {}) };
  }
  return null;
}

export function evaluate(item: RuleItem, ctx: RuleContext): RuleStatus {
  const zone = ctx.zone ?? 'America/New_York';
  const trail: Trail = [];
  // 2209(a) binds the President, the Vice President and covered employees only (2209(c)).
  if (item.owner === 'not_covered')
    return {
      status: 'not-applicable',
      reason: 'the account owner is not covered by 44 U.S.C. 2209',
      trail: ['owner: not covered by 44 U.S.C. 2209(c)'],
    };
  trail.push(`owner: covered (${item.owner.replace('_', ' ')}, 44 U.S.C. 2209(c))`);
  // 2209(c): electronic messages are person-to-person messaging; a call log is not one.
  if (item.kind === 'call')
    return {
      status: 'not-applicable',
      reason: 'a call log is not an electronic message (44 U.S.C. 2209(c))',
      trail: [...trail, 'kind: call log, not an electronic message (44 U.S.C. 2209(c))'],
    };
  // 2203(b): personal records are outside the rule; unknown ones wait for the records officer.
  if (item.category === 'personal')
    return {
      status: 'not-applicable',
      reason: 'classified as a personal record (44 U.S.C. 2203(b))',
      trail: [...trail, 'category: personal (44 U.S.C. 2203(b))'],
    };
  if (item.category === 'unknown')
    return {
      status: 'needs-classification',
      trail: [...trail, 'category: not yet classified (44 U.S.C. 2203(b))'],
    };
  trail.push('category: presidential');
  // 2209(a)(1)(A): an official account copied at creation.
  const copied = item.recipients.map(norm).find((r) => ctx.officialAccounts.has(r));
  if (copied)
    return {
      status: 'compliant-copied',
      account: copied,
      trail: [...trail, `copied at creation: ${copied} is among its recipients (44 U.S.C. 2209(a)(1)(A))`],
    };
  trail.push(
    `not copied at creation: none of its ${item.recipients.length} recipient(s) is an official account`,
  );
  const deadline = deadlineFor(item.createdAt, zone);
  const local = (d: Date) => DateTime.fromJSDate(d, { zone }).toFormat('yyyy-LL-dd HH:mm ZZZZ');
  trail.push(`created ${local(item.createdAt)}; day 20 ends ${local(deadline)} (${zone})`);
  // 2209(a)(1)(B): a complete copy forwarded to an official account within 20 days.
  const fwd = findForward(item, ctx.officialCopies, ctx.officialAccounts);
  const how = fwd
    ? `${fwd.via === 'same message' ? 'the message itself' : `a forward (${fwd.via ?? 'inline'})`} in ${fwd.account} at ${local(fwd.at)}, matched by ${fwd.method}`
    : '';
  if (fwd) trail.push(`official copy: ${how}`);
  else
    trail.push(
      'official copy: none found in any official account (by Message-ID, or sender + date + subject + body)',
    );
  if (fwd && fwd.at.getTime() <= deadline.getTime())
    return {
      status: 'compliant-forwarded',
      method: fwd.method,
      ...(fwd.via ? { via: fwd.via } : {}),
      at: fwd.at,
      account: fwd.account,
      deadline,
      trail: [...trail, 'forwarded in time (44 U.S.C. 2209(a)(1)(B))'],
    };
  // Texts and public posts comply when their complete copy enters Hotline's archive in time.
  const byCapture = CAPTURE_COMPLIES.has(item.kind) && item.capturedAt ? item.capturedAt : null;
  if (byCapture) trail.push(`captured into Hotline's archive at ${local(byCapture)}`);
  else if (!fwd && !CAPTURE_COMPLIES.has(item.kind))
    trail.push(
      `an ${item.kind} complies only by reaching an official account; its capture by import does not count`,
    );
  if (byCapture && byCapture.getTime() <= deadline.getTime())
    return {
      status: 'compliant-captured',
      at: byCapture,
      deadline,
      trail: [...trail, 'captured in time: its complete copy entered the archive within 20 days'],
    };
  // Late: the earliest route that did bring a copy, after day 20.
  const routes = [
    ...(fwd ? [{ route: 'forwarded' as const, at: fwd.at }] : []),
    ...(byCapture ? [{ route: 'captured' as const, at: byCapture }] : []),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  const first = routes[0];
  if (first) {
    const daysLate = Math.max(1, calendarDaysBetween(deadline, first.at, zone));
    return {
      status: 'late',
      route: first.route,
      ...(first.route === 'forwarded' && fwd
        ? { method: fwd.method, account: fwd.account, ...(fwd.via ? { via: fwd.via } : {}) }
        : {}),
      at: first.at,
      deadline,
      daysLate,
      trail: [...trail, `late: ${first.route} ${daysLate} day(s) after day 20`],
    };
  }
  if (ctx.now.getTime() <= deadline.getTime()) {
    const daysLeft = calendarDaysBetween(ctx.now, deadline, zone);
    return { status: 'due', deadline, daysLeft, trail: [...trail, `due: ${daysLeft} day(s) left`] };
  }
  const daysOverdue = calendarDaysBetween(deadline, ctx.now, zone);
  return {
    status: 'overdue',
    deadline,
    daysOverdue,
    trail: [...trail, `overdue: no copy yet, ${daysOverdue} day(s) after day 20`],
  };
}
