import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  federalHolidays,
  isWorkingDay,
  noticeClock,
  workingDaysBetween,
} from '../../src/archive/working-days.js';

/** Expected lists: OPM's published federal holiday schedules (opm.gov, "Federal Holidays"). */
describe('federal holidays, as observed', () => {
  it('2026 (Independence Day on a Saturday: Friday July 3)', () => {
    expect(federalHolidays(2026).map((h) => h.date)).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  it("2027 (Juneteenth and Christmas on Saturdays, Independence Day on a Sunday, 2028's New Year's Day on December 31)", () => {
    const h = federalHolidays(2027);
    expect(h.map((x) => x.date)).toEqual([
      '2027-01-01',
      '2027-01-18',
      '2027-02-15',
      '2027-05-31',
      '2027-06-18',
      '2027-07-05',
      '2027-09-06',
      '2027-10-11',
      '2027-11-11',
      '2027-11-25',
      '2027-12-24',
      '2027-12-31',
    ]);
    expect(h.at(-1)).toEqual({ date: '2027-12-31', actual: '2028-01-01', name: "New Year's Day" });
    // 2028 therefore has no January holiday on the 1st (a Saturday) and none moved into it.
    expect(federalHolidays(2028).map((x) => x.date)[0]).toBe('2028-01-17');
  });

  it('2020 had no Juneteenth; 2021 observed it on Friday June 18; 2022 on Monday June 20', () => {
    expect(federalHolidays(2020)).toHaveLength(10);
    expect(federalHolidays(2021).find((h) => h.name.startsWith('Juneteenth'))?.date).toBe('2021-06-18');
    expect(federalHolidays(2022).find((h) => h.name.startsWith('Juneteenth'))?.date).toBe('2022-06-20');
    expect(federalHolidays(2023).map((h) => h.date)).toContain('2023-11-10');
  });

  it('every observed holiday is a weekday; each year since 2021 has its 11, some observed the year before', () => {
    const actual: string[] = [];
    for (let y = 2020; y <= 2061; y++) {
      for (const h of federalHolidays(y)) {
        const w = new Date(`${h.date}T00:00:00Z`).getUTCDay();
        expect(w, h.date).not.toBe(0);
        expect(w, h.date).not.toBe(6);
        expect(isWorkingDay(h.date)).toBe(false);
      }
      actual.push(...federalHolidays(y).map((h) => h.actual));
    }
    for (let y = 2021; y <= 2060; y++)
      expect(
        actual.filter((d) => d.startsWith(`${y}-`)),
        String(y),
      ).toHaveLength(11);
  });
});

describe('working days', () => {
  it('skip weekends and holidays', () => {
    expect(addWorkingDays('2026-12-23', 3)).toBe('2026-12-29');
    expect(isWorkingDay('2026-12-26')).toBe(false);
    expect(isWorkingDay('2026-12-28')).toBe(true);
    expect(workingDaysBetween('2026-12-23', '2026-12-29')).toBe(3);
  });

  it('the 2208 clock: 60 working days from a notice on 2 March 2026, extended by 30', () => {
    // Counted by hand: 21 in March after the 2nd, 22 in April, 17 in May with Memorial Day out.
    const c = noticeClock('2026-03-02', 30);
    expect(c.expiresOn).toBe('2026-05-26');
    // Juneteenth (19 June) and Independence Day observed (3 July) are counted out.
    expect(c.extendedTo).toBe('2026-07-09');
    expect(noticeClock('2026-03-02').extendedTo).toBe('2026-05-26');
  });

  it('one extension of at most 30 working days', () => {
    expect(() => noticeClock('2026-03-02', 31)).toThrow(/1 to 30/);
    expect(() => noticeClock('2026-03-02', -1)).toThrow(RangeError);
    expect(() => noticeClock('2026-02-30')).toThrow(/no such date/);
  });

  it('adding n working days lands on a working day n working days later', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2090-12-31'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 120 }),
        (d, n) => {
          const start = d.toISOString().slice(0, 10);
          const end = addWorkingDays(start, n);
          expect(isWorkingDay(end)).toBe(true);
          expect(workingDaysBetween(start, end)).toBe(n);
        },
      ),
      { numRuns: 300 },
    );
  });
});
