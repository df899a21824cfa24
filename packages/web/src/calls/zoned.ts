/**
 * Wall-clock times in a named IANA zone, with Intl only (no time library in the browser bundle).
 *
 * A `datetime-local` input gives a wall time with no zone. The staff app reads it in the signed-in
 * person's profile zone, not the browser's, so a secretary in Paris scheduling on a laptop set to
 * New York time still means Paris time. Conversions follow the server's rules (calls-lifecycle
 * `localToUtc`): a wall time in a spring-forward gap does not exist and is refused with the next
 * valid time; one in a fall-back overlap means the earlier instant.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall time an instant shows in a zone, as milliseconds of a UTC clock showing the same digits. */
function wallMillis(instant: number, zone: string): number {
  const parts = partsFormatter(zone).formatToParts(new Date(instant));
  const n = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
}

/** The zone's offset from UTC at an instant, in milliseconds (Paris in summer: +2 h). */
function offsetAt(instant: number, zone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallMillis(whole, zone) - whole;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function wallText(wall: number): string {
  const d = new Date(wall);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Whether the browser knows this IANA zone. */
export function isZone(zone: string): boolean {
  try {
    partsFormatter(zone);
    return true;
  } catch {
    return false;
  }
}

export type ZonedResult = { ok: true; iso: string } | { ok: false; message: string };

/**
 * A `datetime-local` value ("2026-03-10T09:00") read in `zone` → an ISO 8601 UTC instant, or a
 * message saying what is wrong and what to do, ready to show beside the field.
 */
export function zonedToIso(local: string, zone: string): ZonedResult {
  const m = LOCAL.exec(local.slice(0, 16));
  if (!m) return { ok: false, message: 'Enter a date and a time, e.g. 2026-03-10 09:00.' };
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  if (wallText(wall) !== local.slice(0, 16)) return { ok: false, message: `${local} is not a real date.` };
  // The offsets a day either side cover any single clock change near this wall time.
  const before = offsetAt(wall - 86_400_000, zone);
  const after = offsetAt(wall + 86_400_000, zone);
  const valid = [...new Set([wall - before, wall - after])]
    .filter((t) => wallMillis(t, zone) === wall)
    .sort((a, b) => a - b);
  const first = valid[0];
  if (first !== undefined) return { ok: true, iso: new Date(first).toISOString() };
  // A gap: read with the offset before the jump, it lands as far past the gap as it was into it.
  const next = wallText(wallMillis(wall - before, zone)).replace('T', ' ');
  return {
    ok: false,
    message: `${local.replace('T', ' ')} does not exist in ${zone}: the clocks jump forward then. The next valid time is ${next}.`,
  };
}

/** An instant → the `datetime-local` value it shows in `zone` (to prefill an input). */
export function isoToZoned(iso: string, zone: string): string {
  return wallText(wallMillis(new Date(iso).getTime(), zone));
}

/** "Europe/Paris, UTC+02:00" for labels: the zone and its offset at that instant (default now). */
export function zoneWithOffset(zone: string, at: Date = new Date()): string {
  const off = offsetAt(at.getTime(), zone) / 60_000;
  const sign = off < 0 ? '−' : '+';
  const a = Math.abs(off);
  return `${zone}, UTC${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}
