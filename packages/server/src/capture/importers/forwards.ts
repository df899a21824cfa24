import { DateTime } from 'luxon';
import { sha256Hex } from './types.js';

/**
 * Forwarded originals found inside a message: what an official account's copy says about the
 * message it forwards, so that the 20-day rule can match it to the personal-account item.
 *
 * Four forms are read: a complete copy attached as message/rfc822 ("Forward as attachment",
 * parsed in mbox.ts), and three inline forms of the plain-text body:
 *   Gmail        "---------- Forwarded message ---------" then From/Date/Subject/To lines,
 *                with `Date: Sat, Mar 1, 2025 at 9:00 PM` (no zone: the sender's local time);
 *   Outlook      "-----Original Message-----" then From/Sent/To/Subject lines;
 *   Apple Mail   "Begin forwarded message:" then From/Subject/Date/To lines.
 */
export type ForwardVia = 'attached' | 'gmail' | 'outlook' | 'apple';

export interface ForwardedOriginal {
  via: ForwardVia;
  messageId?: string;
  /** the original sender's address, lowercased */
  from?: string;
  /** the original's date as an instant (ISO), when the block names its zone */
  date?: string;
  /** the original's date as a wall-clock time with no zone ("2025-03-01T21:00"), when it does not */
  dateLocal?: string;
  subject?: string;
  /** normalisedBodyHash of the original's body */
  bodyHash?: string;
}

/** The separator lines of the forms above (and common variants), at the start of a line. */
const SEPARATOR =
  /^[ \t]*(?:-{5,}[ \t]*(?:Forwarded message|Original Message)[ \t]*-{5,}|Begin forwarded message:|-{5,}[ \t]*Forwarded by .*)[ \t]*$/im;

/**
 * The body as the 20-day rule compares it: quoted lines ("> …"), the signature (from a "-- "
 * line on) and forward separators removed, line ends and runs of whitespace folded. Applied
 * alike to the personal item's body and to the original found in an official copy.
 */
export function normaliseBody(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (/^--[ \t]?$/.test(line)) break; // the signature delimiter (RFC 3676 4.3), and what follows
    if (/^[ \t]*>/.test(line)) continue;
    if (SEPARATOR.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n').replace(/\s+/g, ' ').trim();
}

export function normalisedBodyHash(text: string): string {
  return sha256Hex(normaliseBody(text));
}

/** The address in "Name <a@b>", "Name [mailto:a@b]", "a@b" or "'Name' via …"; lowercased. */
export function addressIn(s: string | undefined | null): string | undefined {
  if (!s) return undefined;
  const m =
    /<([^<>\s]+@[^<>\s]+)>/.exec(s) ??
    /mailto:([^\]\s]+@[^\]\s]+)/i.exec(s) ??
    /([^\s<>"'[\]()]+@[^\s<>"'[\]()]+)/.exec(s);
  return m?.[1]?.toLowerCase();
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
/** Zone abbreviations the mail clients write, as UTC offsets in minutes. */
const ZONES: Record<string, number> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  BST: 60,
  CET: 60,
  CEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  IST: 330,
  JST: 540,
  KST: 540,
  AEST: 600,
  AEDT: 660,
};

function zoneOffset(z: string | undefined): number | null | undefined {
  if (!z) return undefined;
  const t = z.trim().replace(/^\(|\)$/g, '');
  const num = /^(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?$/i.exec(t);
  if (num) return (num[1] === '-' ? -1 : 1) * (Number(num[2]) * 60 + Number(num[3] ?? 0));
  const abbr = ZONES[t.toUpperCase()];
  return abbr === undefined ? null : abbr;
}

/**
 * A date as mail clients print it in a forward block: RFC 5322, Gmail's
 * "Sat, Mar 1, 2025 at 9:00 PM", Outlook's "Saturday, March 1, 2025 9:00 PM" or "3/1/2025 9:00 PM",
 * Apple's "March 1, 2025 at 9:00:00 PM EST" or "1 March 2025 at 21:00:00 GMT+1".
 * With a zone: an instant; without one: a wall-clock time (the sender's zone is unknown).
 */
export function parseForwardDate(input: string): { date?: Date; dateLocal?: string } | null {
  let s = input
    .trim()
    .replace(/^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/i, '')
    .replace(/\s+at\s+/i, ' ')
    .replace(/,/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  s = s.replace(/\s*\((?:[A-Za-z ]+)\)$/, ''); // "… -0500 (EST)"
  let y: number;
  let mo: number;
  let d: number;
  let rest: string;
  const named = /^([A-Za-z]+)\.? (\d{1,2}) (\d{4}) (.*)$/.exec(s); // March 1 2025 …
  const dayFirst = /^(\d{1,2}) ([A-Za-z]+)\.? (\d{4}) (.*)$/.exec(s); // 1 March 2025 …
  const numeric = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (.*)$/.exec(s); // 3/1/2025 … (US order)
  const iso = /^(\d{4})-(\d{2})-(\d{2})[T ](.*)$/.exec(s);
  if (named && MONTHS[named[1]!.slice(0, 4).toLowerCase()] !== undefined) {
    mo = MONTHS[named[1]!.slice(0, 4).toLowerCase()] ?? MONTHS[named[1]!.slice(0, 3).toLowerCase()]!;
    [d, y, rest] = [Number(named[2]), Number(named[3]), named[4]!];
  } else if (named && MONTHS[named[1]!.slice(0, 3).toLowerCase()] !== undefined) {
    mo = MONTHS[named[1]!.slice(0, 3).toLowerCase()]!;
    [d, y, rest] = [Number(named[2]), Number(named[3]), named[4]!];
  } else if (dayFirst && MONTHS[dayFirst[2]!.slice(0, 3).toLowerCase()] !== undefined) {
    mo = MONTHS[dayFirst[2]!.slice(0, 3).toLowerCase()]!;
    [d, y, rest] = [Number(dayFirst[1]), Number(dayFirst[3]), dayFirst[4]!];
  } else if (numeric) {
    [mo, d, y, rest] = [Number(numeric[1]), Number(numeric[2]), Number(numeric[3]), numeric[4]!];
  } else if (iso) {
    [y, mo, d, rest] = [Number(iso[1]), Number(iso[2]), Number(iso[3]), iso[4]!];
  } else return null;
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?\s*(.*)$/.exec(rest.trim());
  if (!t) return null;
  let h = Number(t[1]);
  const mi = Number(t[2]);
  const sec = Number(t[3] ?? 0);
  const ampm = t[4]?.replace(/\./g, '').toLowerCase();
  if (ampm === 'pm' && h < 12) h += 12;
  if (ampm === 'am' && h === 12) h = 0;
  const wall = DateTime.fromObject(
    { year: y, month: mo, day: d, hour: h, minute: mi, second: sec },
    { zone: 'utc' },
  );
  if (!wall.isValid) return null;
  const off = zoneOffset(t[5] || undefined);
  if (off === undefined)
    return { dateLocal: wall.toISO({ includeOffset: false, suppressMilliseconds: true })! };
  if (off === null) return null;
  return { date: wall.minus({ minutes: off }).toJSDate() };
}

const BLOCK_HEADER = /^[ \t]*\*?(From|Sent|Date|To|Cc|Subject|Reply-To)\*?:[ \t]*(.*)$/i;

/** The inline forward blocks of a plain-text body, outermost first. */
export function inlineForwards(text: string): ForwardedOriginal[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const found: ForwardedOriginal[] = [];
  for (let i = 0; i < lines.length; i++) {
    const sep = lines[i]!.trim();
    const via: ForwardVia | null = /^-{5,}\s*Forwarded message\s*-{5,}$/i.test(sep)
      ? 'gmail'
      : /^-{5,}\s*Original Message\s*-{5,}$/i.test(sep)
        ? 'outlook'
        : /^Begin forwarded message:$/i.test(sep)
          ? 'apple'
          : null;
    if (!via) continue;
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() === '') j++;
    const headers: Record<string, string> = {};
    let last: string | null = null;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      const h = BLOCK_HEADER.exec(line);
      if (h) {
        last = h[1]!.toLowerCase();
        headers[last] ??= h[2]!.trim();
        continue;
      }
      // a folded header line (Outlook wraps long To lines)
      if (last && /^[ \t]+\S/.test(line) && line.trim() !== '') {
        headers[last] = `${headers[last]} ${line.trim()}`;
        continue;
      }
      break;
    }
    if (!headers.from && !headers.subject) continue;
    const body = lines.slice(j).join('\n');
    const when = headers.date ?? headers.sent;
    const d = when ? parseForwardDate(when) : null;
    const from = addressIn(headers.from);
    found.push({
      via,
      ...(from ? { from } : {}),
      ...(d?.date ? { date: d.date.toISOString() } : {}),
      ...(d?.dateLocal ? { dateLocal: d.dateLocal } : {}),
      ...(headers.subject !== undefined ? { subject: headers.subject.replace(/\s+/g, ' ').trim() } : {}),
      bodyHash: normalisedBodyHash(body),
    });
  }
  return found;
}
