import { REDACTION_REASONS } from '@hotline/contract';

/**
 * Redaction rules (pure). A redaction names a span of a record's text, or words to take out
 * wherever they occur, and its reason: a restriction category of 44 U.S.C. 2204(a) or a FOIA
 * exemption (5 U.S.C. 552(b)). Redactions are burned in: the words are replaced in the text by
 * a marker naming the reason, so a copy made from the redacted text cannot reveal them.
 */

export type RedactionReason = (typeof REDACTION_REASONS)[number];
export { REDACTION_REASONS };

/** What a reason means, for the redaction report. */
export function reasonLabel(r: RedactionReason): string {
  return r.startsWith('(a)') ? `44 U.S.C. 2204${r}` : `5 U.S.C. 552${r}`;
}

export type RedactionInput =
  | { start: number; end: number; reason: RedactionReason }
  | { text: string; reason: RedactionReason };

/** One span taken out of the text: where it was in the original, what replaced it, and why. */
export interface AppliedRedaction {
  start: number;
  end: number;
  reason: RedactionReason;
  /** How many characters were removed (the words themselves are not kept in the copy). */
  length: number;
}

export const marker = (reason: RedactionReason) => `[REDACTED ${reason}]`;

/**
 * Resolve redactions to spans of `text` (each `text` redaction: every case-insensitive
 * occurrence), merge overlapping ones (the span starting first, the longer when two start
 * together, gives the reason), and burn them in. Throws RangeError for a span outside the text,
 * an empty span, or words that do not occur.
 */
export function applyRedactions(
  text: string,
  input: RedactionInput[],
): { text: string; applied: AppliedRedaction[] } {
  const spans: { start: number; end: number; reason: RedactionReason }[] = [];
  for (const r of input) {
    if ('text' in r) {
      const needle = r.text.trim();
      if (!needle) throw new RangeError('A redaction names no words.');
      // Matched on the text itself (no lowercased copy, whose offsets can differ), any case.
      const re = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu');
      const found = [...text.matchAll(re)];
      if (found.length === 0) throw new RangeError(`"${r.text}" does not occur in the record.`);
      for (const m of found) spans.push({ start: m.index, end: m.index + m[0].length, reason: r.reason });
    } else {
      if (
        !Number.isInteger(r.start) ||
        !Number.isInteger(r.end) ||
        r.start < 0 ||
        r.end > text.length ||
        r.start >= r.end
      )
        throw new RangeError(
          `The span ${r.start}–${r.end} is not inside the record's text (0–${text.length}).`,
        );
      spans.push({ start: r.start, end: r.end, reason: r.reason });
    }
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: typeof spans = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  let out = '';
  let pos = 0;
  for (const s of merged) {
    out += text.slice(pos, s.start) + marker(s.reason);
    pos = s.end;
  }
  out += text.slice(pos);
  return { text: out, applied: merged.map((s) => ({ ...s, length: s.end - s.start })) };
}
