import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isoToZoned, zonedToIso, zoneWithOffset } from '../src/calls/zoned.js';

describe('wall times in the profile zone (Intl only)', () => {
  it('reads a wall time in the named zone, not the machine zone', () => {
    expect(zonedToIso('2026-07-01T09:00', 'Europe/Paris')).toEqual({
      ok: true,
      iso: '2026-07-01T07:00:00.000Z',
    });
    expect(zonedToIso('2026-01-15T09:00', 'America/New_York')).toEqual({
      ok: true,
      iso: '2026-01-15T14:00:00.000Z',
    });
    expect(zonedToIso('2026-01-15T09:00', 'Asia/Kolkata')).toEqual({
      ok: true,
      iso: '2026-01-15T03:30:00.000Z',
    });
  });

  it('refuses a time in the spring-forward gap and names the next valid time', () => {
    const r = zonedToIso('2026-03-08T02:30', 'America/New_York');
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toBe(
      '2026-03-08 02:30 does not exist in America/New_York: the clocks jump forward then. The next valid time is 2026-03-08 03:30.',
    );
    expect(zonedToIso('2026-03-29T02:00', 'Europe/Paris').ok).toBe(false);
  });

  it('takes the earlier instant in the fall-back overlap', () => {
    // 01:30 happens twice on 1 Nov 2026 in New York: first in EDT (UTC-4).
    expect(zonedToIso('2026-11-01T01:30', 'America/New_York')).toEqual({
      ok: true,
      iso: '2026-11-01T05:30:00.000Z',
    });
  });

  it('refuses text that is not a date and time, or not a real date', () => {
    expect(zonedToIso('', 'UTC').ok).toBe(false);
    expect(zonedToIso('2026-02-30T10:00', 'UTC').ok).toBe(false);
  });

  it('agrees with Luxon (the server) for any minute of 2020-2035 in zones with odd rules', () => {
    const zones = [
      'America/New_York',
      'Europe/Paris',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'America/Santiago',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1) / 60_000, max: Date.UTC(2035, 0, 1) / 60_000 }),
        fc.constantFrom(...zones),
        (minute, zone) => {
          const local = new Date(minute * 60_000).toISOString().slice(0, 16);
          const d = DateTime.fromISO(local, { zone });
          const r = zonedToIso(local, zone);
          if (d.toFormat("yyyy-MM-dd'T'HH:mm") !== local) {
            expect(r.ok).toBe(false);
            return;
          }
          const earlier = DateTime.fromMillis(d.toMillis() - 3_600_000, { zone });
          const want =
            earlier.toFormat("yyyy-MM-dd'T'HH:mm") === local ? earlier.toUTC().toISO() : d.toUTC().toISO();
          expect(r).toEqual({ ok: true, iso: want });
          if (r.ok) expect(isoToZoned(r.iso, zone)).toBe(local);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees with Luxon around every clock change of 2024-2030 (gaps and overlaps)', () => {
    const zones = ['America/New_York', 'Europe/Paris', 'Australia/Lord_Howe', 'America/Santiago'];
    const changes: { zone: string; wall: number }[] = [];
    for (const zone of zones) {
      const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
      for (let day = Date.UTC(2024, 0, 1); day < Date.UTC(2031, 0, 1); day += 86_400_000) {
        const [a, b] = [offsetAt(day), offsetAt(day + 86_400_000)];
        if (a === b) continue;
        // The first half hour of the next day's offset (every zone here changes on the half hour).
        let t = day;
        while (offsetAt(t) === a) t += 1_800_000;
        changes.push({ zone, wall: t + Math.min(a, b) * 60_000 });
      }
    }
    expect(changes.length).toBeGreaterThan(40);
    fc.assert(
      fc.property(fc.constantFrom(...changes), fc.integer({ min: -150, max: 150 }), ({ zone, wall }, m) => {
        const local = new Date(wall + m * 60_000).toISOString().slice(0, 16);
        const d = DateTime.fromISO(local, { zone });
        const r = zonedToIso(local, zone);
        if (d.toFormat("yyyy-MM-dd'T'HH:mm") !== local) {
          expect(r.ok ? 'accepted' : r.message).toContain(
            `The next valid time is ${d.toFormat('yyyy-MM-dd HH:mm')}.`,
          );
          return;
        }
        const earlier = DateTime.fromMillis(d.toMillis() - 3_600_000, { zone });
        const half = DateTime.fromMillis(d.toMillis() - 1_800_000, { zone });
        const want = [earlier, half].find((x) => x.toFormat("yyyy-MM-dd'T'HH:mm") === local) ?? d;
        expect(r).toEqual({ ok: true, iso: want.toUTC().toISO() });
      }),
      { numRuns: 3000 },
    );
  });

  it('labels a zone with its offset at the time', () => {
    expect(zoneWithOffset('Europe/Paris', new Date('2026-07-01T00:00:00Z'))).toBe('Europe/Paris, UTC+02:00');
    expect(zoneWithOffset('America/New_York', new Date('2026-01-01T00:00:00Z'))).toBe(
      'America/New_York, UTC−05:00',
    );
  });
});
