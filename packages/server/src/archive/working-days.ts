/**
 * Working days for the notice clock of 44 U.S.C. 2208: weekdays that are not a federal holiday
 * (5 U.S.C. 6103(a)) as observed by the federal workforce (Executive Order 11582, 5 U.S.C.
 * 6103(b)): a holiday on a Saturday is observed the Friday before, on a Sunday the Monday after.
 * New Year's Day on a Saturday is thus observed on December 31 of the year before.
 *
 * Dates are calendar dates, `YYYY-MM-DD`, with no time zone: a notice given on a day counts from
 * that day wherever it was given. Inauguration Day (a holiday only in the Washington area,
 * 5 U.S.C. 6103(c)) is not counted out.
 */

export type IsoDate = string;

export interface Holiday {
  /** The day it is observed (a weekday). */
  date: IsoDate;
  /** The day in law, when it differs from the day observed. */
  actual: IsoDate;
  name: string;
}

const DAY = 86_400_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

function parse(d: IsoDate): number {
  const m = ISO.exec(d);
  if (!m) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${d}`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(t).toISOString().slice(0, 10) !== d) throw new RangeError(`no such date: ${d}`);
  return t;
}
const fmt = (t: number): IsoDate => new Date(t).toISOString().slice(0, 10);
const weekday = (t: number) => new Date(t).getUTCDay(); // 0 Sunday … 6 Saturday

/** The nth (1-based) given weekday of a month, or the last one when n is -1. */
function nthWeekday(year: number, month: number, dow: number, n: number): number {
  if (n === -1) {
    const last = Date.UTC(year, month + 1, 0);
    return last - ((weekday(last) - dow + 7) % 7) * DAY;
  }
  const first = Date.UTC(year, month, 1);
  return first + ((dow - weekday(first) + 7) % 7) * DAY + (n - 1) * 7 * DAY;
}

function observed(t: number): number {
  const w = weekday(t);
  return w === 6 ? t - DAY : w === 0 ? t + DAY : t;
}

/** The holidays of 5 U.S.C. 6103(a) in law for a year (Juneteenth from 2021). */
function inLaw(year: number): { t: number; name: string }[] {
  const fixed = (m: number, d: number) => Date.UTC(year, m, d);
  const out = [
    { t: fixed(0, 1), name: "New Year's Day" },
    { t: nthWeekday(year, 0, 1, 3), name: 'Birthday of Martin Luther King, Jr.' },
    { t: nthWeekday(year, 1, 1, 3), name: "Washington's Birthday" },
    { t: nthWeekday(year, 4, 1, -1), name: 'Memorial Day' },
    { t: fixed(6, 4), name: 'Independence Day' },
    { t: nthWeekday(year, 8, 1, 1), name: 'Labor Day' },
    { t: nthWeekday(year, 9, 1, 2), name: 'Columbus Day' },
    { t: fixed(10, 11), name: 'Veterans Day' },
    { t: nthWeekday(year, 10, 4, 4), name: 'Thanksgiving Day' },
    { t: fixed(11, 25), name: 'Christmas Day' },
  ];
  if (year >= 2021) out.push({ t: fixed(5, 19), name: 'Juneteenth National Independence Day' });
  return out;
}

/** The federal holidays observed within a calendar year, in date order. */
export function federalHolidays(year: number): Holiday[] {
  // Next year's New Year's Day may be observed on this year's December 31.
  return [...inLaw(year), ...inLaw(year + 1).slice(0, 1)]
    .map((h) => ({ date: fmt(observed(h.t)), actual: fmt(h.t), name: h.name }))
    .filter((h) => h.date.startsWith(`${year}-`))
    .sort((a, b) => a.date.localeCompare(b.date));
}

const cache = new Map<number, Set<IsoDate>>();
function holidaySet(year: number): Set<IsoDate> {
  let s = cache.get(year);
  if (!s) {
    s = new Set(federalHolidays(year).map((h) => h.date));
    cache.set(year, s);
  }
  return s;
}

export function isWorkingDay(d: IsoDate): boolean {
  const t = parse(d);
  const w = weekday(t);
  return w !== 0 && w !== 6 && !holidaySet(new Date(t).getUTCFullYear()).has(d);
}

/** The date `n` working days after `start` (the start day itself is not counted). */
export function addWorkingDays(start: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0: ${n}`);
  let t = parse(start);
  for (let left = n; left > 0; ) {
    t += DAY;
    if (isWorkingDay(fmt(t))) left--;
  }
  return fmt(t);
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workingDaysBetween(from: IsoDate, to: IsoDate): number {
  let n = 0;
  for (let t = parse(from) + DAY, end = parse(to); t <= end; t += DAY) if (isWorkingDay(fmt(t))) n++;
  return n;
}

/** 44 U.S.C. 2208(a)(2)(A)-(B): 60 working days from notice; one extension of up to 30 more. */
export const NOTICE_WORKING_DAYS = 60;
export const MAX_EXTENSION_WORKING_DAYS = 30;

export interface NoticeClock {
  notifiedOn: IsoDate;
  /** The last day of the 60 working days. */
  expiresOn: IsoDate;
  extensionDays: number;
  /** `expiresOn` moved by the extension (the same day without one). */
  extendedTo: IsoDate;
}

export function noticeClock(notifiedOn: IsoDate, extensionDays = 0): NoticeClock {
  if (!Number.isInteger(extensionDays) || extensionDays < 0 || extensionDays > MAX_EXTENSION_WORKING_DAYS)
    throw new RangeError(
      `an extension under 44 U.S.C. 2208(b) is 1 to ${MAX_EXTENSION_WORKING_DAYS} working days, not ${extensionDays}`,
    );
  const expiresOn = addWorkingDays(notifiedOn, NOTICE_WORKING_DAYS);
  return { notifiedOn, expiresOn, extensionDays, extendedTo: addWorkingDays(expiresOn, extensionDays) };
}
