import { describe, expect, it } from 'vitest';
import { resultCount } from '../src/records/result-count.js';

describe("a search's count line", () => {
  it('says the exact count when every match was counted', () => {
    expect(resultCount({ total: 1, totalExact: true, estimatedTotal: null })).toEqual({
      count: '1 record.',
      note: null,
    });
    expect(resultCount({ total: 1234, totalExact: true, estimatedTotal: null }).count).toBe('1,234 records.');
  });

  it('past the window, gives the estimate and says the pages hold the newest matches', () => {
    const c = resultCount({ total: 2000, totalExact: false, estimatedTotal: 87650 });
    expect(c.count).toBe('About 87,650 records (2,000+ counted).');
    expect(c.note).toMatch(/newest 2,000 matches; narrow the search/);
  });

  it('never estimates fewer than were counted', () => {
    expect(resultCount({ total: 2000, totalExact: false, estimatedTotal: 900 }).count).toBe(
      'About 2,001 records (2,000+ counted).',
    );
    expect(resultCount({ total: 2000, totalExact: false, estimatedTotal: null }).count).toBe(
      'About 2,001 records (2,000+ counted).',
    );
  });
});
