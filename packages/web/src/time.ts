/**
 * The one way the staff app shows time: in the person's zone (their profile setting; the
 * browser's before sign-in), 12-hour with a.m./p.m., always labelled with the zone as people in
 * it say it ("Tue 10 Mar 2026, 9:00 a.m. EDT"). The server's local times (calls-lifecycle
 * formatForZone) and the public readout pages use the same form, so one call reads the same
 * everywhere. Every date and time on screen goes through here: no other toLocale* or
 * Intl.DateTimeFormat in the UI.
 */

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = cache.get(key);
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

/** The browser's own IANA zone (used before sign-in, and when a profile names none). */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

let personZone: string | null = null;

/** Set by the session: the signed-in person's profile zone, the default of every formatter here. */
export function setPersonZone(zone: string | null): void {
  personZone = zone;
}

/** The zone times are shown in: the person's profile zone, else the browser's. */
export function displayZone(): string {
  return personZone || browserZone();
}

type Input = string | number | Date;

function parts(d: Date, zone: string) {
  const p = formatter(
    `parts:${zone}`,
    () =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  ).formatToParts(d);
  const v = (t: Intl.DateTimeFormatPartTypes) => p.find((x) => x.type === t)?.value ?? '';
  // en-US names zones as people in them say them (EST, PDT); other locales give "GMT-5".
  const abbr =
    formatter(
      `abbr:${zone}`,
      () => new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }),
    )
      .formatToParts(d)
      .find((x) => x.type === 'timeZoneName')?.value ?? zone;
  const hour = Number(v('hour'));
  return {
    day: `${v('weekday')} ${v('day')} ${v('month')} ${v('year')}`,
    clock: `${hour % 12 || 12}:${v('minute')} ${hour < 12 ? 'a.m.' : 'p.m.'}`,
    abbr,
  };
}

function toDate(at: Input): Date {
  return at instanceof Date ? at : new Date(at);
}

/** "Tue 10 Mar 2026, 9:00 a.m. EDT"; "—" for nothing. */
export function when(at: Input | null | undefined, zone: string = displayZone()): string {
  if (at === null || at === undefined || at === '') return '—';
  const p = parts(toDate(at), zone);
  return `${p.day}, ${p.clock} ${p.abbr}`;
}

/** "9:00 a.m. EDT": the time of day alone, still labelled. */
export function clockTime(at: Input, zone: string = displayZone()): string {
  const p = parts(toDate(at), zone);
  return `${p.clock} ${p.abbr}`;
}

/** "Tue 10 Mar 2026, 9:00 a.m. – 11:00 a.m. EST" (the end's day too when it differs). */
export function span(start: Input, end: Input, zone: string = displayZone()): string {
  const same = dayOf(start, zone) === dayOf(end, zone);
  const a = parts(toDate(start), zone);
  const b = parts(toDate(end), zone);
  if (same && a.abbr === b.abbr) return `${a.day}, ${a.clock} – ${b.clock} ${b.abbr}`;
  return `${when(start, zone)} – ${same ? clockTime(end, zone) : when(end, zone)}`;
}

/** "Tue 10 Mar 2026": the day in the zone (a date needs no zone label, but it is the zone's day). */
export function dayOf(at: Input, zone: string = displayZone()): string {
  return parts(toDate(at), zone).day;
}

/** "Tuesday 10 March 2026": a day as a heading (calendar). */
export function longDay(at: Input, zone: string = displayZone()): string {
  return formatter(
    `long:${zone}`,
    () =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
      }),
  ).format(toDate(at));
}

/** A span as people say it: "3 days 2 h", "2 h 40 min", "12 min" (the server's durationInWords). */
export function durationInWords(ms: number): string {
  const mins = Math.ceil(ms / 60_000);
  if (mins < 1) return 'less than a minute';
  const days = Math.floor(mins / 1440);
  const hours = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  if (days) return `${days} ${days === 1 ? 'day' : 'days'}${hours ? ` ${hours} h` : ''}`;
  if (hours) return `${hours} h${m ? ` ${m} min` : ''}`;
  return `${m} min`;
}
