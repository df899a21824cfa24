import { describe, expect, it } from 'vitest';
import { applyRedactions, reasonLabel } from '../../src/archive/redaction.js';

describe('applyRedactions', () => {
  it('replaces every occurrence of the words, case-insensitively, with a marker naming the reason', () => {
    const r = applyRedactions('Arctic talks; the arctic route.', [{ text: 'arctic', reason: '(b)(1)' }]);
    expect(r.text).toBe('[REDACTED (b)(1)] talks; the [REDACTED (b)(1)] route.');
    expect(r.applied).toEqual([
      { start: 0, end: 6, reason: '(b)(1)', length: 6 },
      { start: 18, end: 24, reason: '(b)(1)', length: 6 },
    ]);
  });

  it('merges overlapping spans and keeps the rest of the text byte for byte', () => {
    const r = applyRedactions('Meet Jane Doe at noon.', [
      { start: 5, end: 9, reason: '(b)(6)' },
      { text: 'Jane Doe', reason: '(a)(6)' },
    ]);
    // One redaction; the span starting first (the longer, when two start together) gives the reason.
    expect(r.text).toBe('Meet [REDACTED (a)(6)] at noon.');
    expect(r.applied).toHaveLength(1);
  });

  it('refuses spans outside the text, empty spans and words that do not occur', () => {
    expect(() => applyRedactions('abc', [{ start: 2, end: 9, reason: '(b)(6)' }])).toThrow(RangeError);
    expect(() => applyRedactions('abc', [{ start: 2, end: 2, reason: '(b)(6)' }])).toThrow(RangeError);
    expect(() => applyRedactions('abc', [{ text: 'xyz', reason: '(b)(6)' }])).toThrow(/does not occur/);
  });

  it('takes the words literally (no pattern) and keeps offsets right after letters that change length in lower case', () => {
    const r = applyRedactions('İstanbul: call (a.m.) with Dr. Öz.', [
      { text: '(a.m.)', reason: '(b)(5)' },
      { text: 'dr. öz', reason: '(b)(6)' },
    ]);
    expect(r.text).toBe('İstanbul: call [REDACTED (b)(5)] with [REDACTED (b)(6)].');
  });

  it('labels 2204(a) categories and FOIA exemptions', () => {
    expect(reasonLabel('(a)(3)')).toBe('44 U.S.C. 2204(a)(3)');
    expect(reasonLabel('(b)(7)')).toBe('5 U.S.C. 552(b)(7)');
  });
});
