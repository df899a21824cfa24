/**
 * Pure: classification rules (44 U.S.C. 2203(b)). A rule names a personal account (or every
 * account of the office), correspondents (any of them; none means anyone) and a date range, and
 * decides presidential or personal, with a reason. The first rule (oldest) that matches decides.
 */
export interface Rule {
  id: string;
  account: string | null;
  correspondents: string[];
  from_date: Date | string | null;
  to_date: Date | string | null;
  category: 'presidential' | 'personal';
  reason: string;
}

export interface RuleTarget {
  identifier: string;
  occurred_at: Date | string;
  summary: Record<string, unknown>;
}

/** Everyone an item was from, to or copied to, lowercased. */
export function correspondentsOf(summary: Record<string, unknown>): string[] {
  const s = summary as {
    from?: unknown;
    to?: unknown;
    cc?: unknown;
    bcc?: unknown;
    number?: unknown;
    numbers?: unknown;
  };
  const list = [
    s.from,
    s.number,
    ...[s.to, s.cc, s.bcc, s.numbers].flatMap((v) => (Array.isArray(v) ? v : [])),
  ];
  return list.filter((x): x is string => typeof x === 'string' && x !== '').map((x) => x.toLowerCase());
}

export function ruleMatches(rule: Rule, item: RuleTarget): boolean {
  if (rule.account && rule.account.toLowerCase() !== item.identifier.toLowerCase()) return false;
  const at = new Date(item.occurred_at).getTime();
  if (rule.from_date && at < new Date(rule.from_date).getTime()) return false;
  if (rule.to_date && at > new Date(rule.to_date).getTime()) return false;
  if (rule.correspondents.length) {
    const mine = new Set(correspondentsOf(item.summary));
    if (!rule.correspondents.some((c) => mine.has(c.toLowerCase()))) return false;
  }
  return true;
}

/** The rule that decides an item: the oldest that matches. */
export function decide(rules: Rule[], item: RuleTarget): Rule | null {
  return rules.find((r) => ruleMatches(r, item)) ?? null;
}
