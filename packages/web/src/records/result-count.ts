/** What a search's count says: exact, or past the search window the estimate and what the pages hold. */
export interface CountInput {
  total: number;
  totalExact: boolean;
  estimatedTotal: number | null;
}

const n = (x: number) => x.toLocaleString('en-US');

/**
 * "12 records." when every match was counted; past the search window (2,000) "About 87,650
 * records (2,000+ counted)." and a note that the pages hold the best of the newest 2,000 matches.
 */
export function resultCount(r: CountInput): { count: string; note: string | null } {
  if (r.totalExact) return { count: r.total === 1 ? '1 record.' : `${n(r.total)} records.`, note: null };
  const about = Math.max(r.estimatedTotal ?? 0, r.total + 1);
  return {
    count: `About ${n(about)} records (${n(r.total)}+ counted).`,
    note: `Ranked among the newest ${n(r.total)} matches; narrow the search (dates, kind, more words) to reach older ones.`,
  };
}
