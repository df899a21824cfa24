import {
  type CoveredStatus,
  evaluate,
  type ForwardedOf,
  type OfficialCopy,
  type PraCategory,
  type RuleItem,
  type RuleStatus,
} from './twenty-day-rule.js';

/** Pure: the 20-day rule over an office's captured items, the CSV and the dashboard's counts. */

export interface ComplianceRow {
  itemId: string;
  kind: string;
  owner: string;
  account: string;
  occurredAt: string;
  subject: string | null;
  /** what a list shows for the item: its subject, a post's text, or a call's or text's number */
  title: string;
  category: PraCategory;
  result: RuleStatus;
}

/** An item's title for lists: the subject, else a post's text, else the other party's number. */
export function itemTitle(kind: string, summary: Record<string, unknown>): string {
  const s = summary as { subject?: unknown; text?: unknown; number?: unknown; direction?: unknown };
  if (typeof s.subject === 'string' && s.subject.trim()) return s.subject;
  if (typeof s.text === 'string' && s.text.trim()) {
    const t = s.text.replace(/\s+/g, ' ').trim();
    return t.length > 120 ? `${t.slice(0, 119)}…` : t;
  }
  if (typeof s.number === 'string')
    return `${kind === 'call' ? 'Call' : 'Text'}${typeof s.direction === 'string' ? ` (${s.direction})` : ''} ${s.number}`;
  return kind === 'tweet' || kind === 'tweet.deleted' ? '(a post with no text)' : '(no subject)';
}

/** A captured item as the rule reads it: its row joined to its account and owner. */
export interface ComplianceItem {
  id: string;
  kind: string;
  occurred_at: Date | string;
  category: PraCategory;
  summary: Record<string, unknown>;
  identifier: string;
  official: boolean;
  display_name: string;
  covered: CoveredStatus;
  /** when the import that brought the item in ran */
  imported_at?: Date | string | null;
}

type Forward = {
  via?: string;
  messageId?: string | null;
  from?: string | null;
  date?: string | null;
  dateLocal?: string | null;
  subject?: string | null;
  bodyHash?: string | null;
};
type Summary = {
  to?: string[];
  cc?: string[];
  bcc?: string[];
  messageId?: string | null;
  bodyHash?: string;
  normBodyHash?: string;
  subject?: string | null;
  from?: string | null;
  number?: string;
  forwards?: Forward[];
  /** items imported before forwards were read: the inline Gmail block's headers */
  forwardedOf?: Forward | null;
};

function forwardedOf(f: Forward): ForwardedOf {
  const date = f.date ? new Date(f.date) : null;
  return {
    ...(f.via ? { via: f.via } : {}),
    ...(f.messageId ? { messageId: f.messageId } : {}),
    ...(f.from ? { from: (/<([^>]+)>/.exec(f.from)?.[1] ?? f.from).toLowerCase() } : {}),
    ...(date && !Number.isNaN(date.getTime()) ? { date } : {}),
    ...(f.dateLocal ? { dateLocal: f.dateLocal } : {}),
    ...(f.subject ? { subject: f.subject } : {}),
    ...(f.bodyHash ? { bodyHash: f.bodyHash } : {}),
  };
}

/** An item of an official account, as the copy that can satisfy the rule for a personal one. */
function officialCopy(r: ComplianceItem): OfficialCopy {
  const s = r.summary as Summary;
  const forwards = Array.isArray(s.forwards) ? s.forwards : s.forwardedOf ? [s.forwardedOf] : [];
  return {
    at: new Date(r.occurred_at),
    account: r.identifier,
    ...(s.messageId ? { messageId: s.messageId } : {}),
    forwards: forwards.map(forwardedOf),
  };
}

/**
 * Each personal-account item's status under the 20-day rule, given the official accounts (all
 * offices' registered ones and the office's own addresses) and the items held in them.
 */
export function complianceRows(
  rows: ComplianceItem[],
  officialAccounts: Set<string>,
  now: Date,
): ComplianceRow[] {
  const officialCopies = rows.filter((r) => r.official).map(officialCopy);
  return rows
    .filter((r) => !r.official)
    .map((r) => {
      const s = r.summary as Summary;
      const item: RuleItem = {
        createdAt: new Date(r.occurred_at),
        kind: r.kind as RuleItem['kind'],
        category: r.category,
        owner: r.covered,
        recipients: [...(s.to ?? []), ...(s.cc ?? []), ...(s.bcc ?? [])],
        ...(s.messageId ? { messageId: s.messageId } : {}),
        ...(s.normBodyHash ? { contentHash: s.normBodyHash } : {}),
        ...(s.subject ? { subject: s.subject } : {}),
        ...(s.from ? { from: s.from } : {}),
        ...(r.imported_at ? { capturedAt: new Date(r.imported_at) } : {}),
      };
      return {
        itemId: r.id,
        kind: r.kind,
        owner: r.display_name,
        account: r.identifier,
        occurredAt: new Date(r.occurred_at).toISOString(),
        subject: s.subject ?? null,
        title: itemTitle(r.kind, r.summary),
        category: r.category,
        result: evaluate(item, { officialAccounts, officialCopies, now }),
      };
    });
}

/** The compliance table as CSV (RFC 4180). */
export function complianceCsv(rows: ComplianceRow[]): string {
  const q = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const detail = (r: RuleStatus) =>
    r.status === 'due'
      ? `${r.daysLeft} days left; deadline ${r.deadline.toISOString()}`
      : r.status === 'overdue'
        ? `${r.daysOverdue} days overdue; deadline ${r.deadline.toISOString()}`
        : r.status === 'compliant-forwarded'
          ? `${r.method} at ${r.at.toISOString()} to ${r.account}${r.via ? ` (${r.via})` : ''}`
          : r.status === 'compliant-captured'
            ? `captured at ${r.at.toISOString()}; deadline ${r.deadline.toISOString()}`
            : r.status === 'late'
              ? `${r.route} ${r.daysLate} days late at ${r.at.toISOString()}${r.account ? ` to ${r.account}` : ''}${r.method ? ` by ${r.method}` : ''}; deadline ${r.deadline.toISOString()}`
              : r.status === 'compliant-copied'
                ? `copied ${r.account}`
                : r.status === 'not-applicable'
                  ? r.reason
                  : '';
  const lines = [
    [
      'item_id',
      'kind',
      'owner',
      'account',
      'occurred_at',
      'subject',
      'category',
      'status',
      'detail',
      'trail',
    ].join(','),
  ];
  for (const r of rows)
    lines.push(
      [
        r.itemId,
        r.kind,
        r.owner,
        r.account,
        r.occurredAt,
        r.subject,
        r.category,
        r.result.status,
        detail(r.result),
        r.result.trail.join(' | '),
      ]
        .map(q)
        .join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}

/** Counts by status, by person and by month, and what falls due within 5 days. */
export function complianceCounts(rows: ComplianceRow[]) {
  const byStatus: Record<string, number> = {};
  const byPerson: Record<string, Record<string, number>> = {};
  const byMonth: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    const st = r.result.status;
    byStatus[st] = (byStatus[st] ?? 0) + 1;
    byPerson[r.owner] ??= {};
    byPerson[r.owner]![st] = (byPerson[r.owner]![st] ?? 0) + 1;
    const month = r.occurredAt.slice(0, 7);
    byMonth[month] ??= {};
    byMonth[month]![st] = (byMonth[month]![st] ?? 0) + 1;
  }
  const dueSoon = rows
    .filter((r) => r.result.status === 'due' && r.result.daysLeft <= 5)
    .map((r) => ({
      itemId: r.itemId,
      owner: r.owner,
      account: r.account,
      subject: r.subject,
      kind: r.kind,
      daysLeft: r.result.status === 'due' ? r.result.daysLeft : 0,
    }))
    .sort((a, b) => a.daysLeft - b.daysLeft);
  return {
    total: rows.length,
    byStatus,
    byPerson,
    byMonth: Object.entries(byMonth)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([month, counts]) => ({ month, counts })),
    dueSoon,
  };
}
