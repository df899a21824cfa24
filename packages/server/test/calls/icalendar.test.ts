import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import ical from 'node-ical';
import { describe, expect, it } from 'vitest';
import { buildInvite, type InviteInput, inviteSummary } from '../../src/calls/icalendar.js';

const start = DateTime.fromISO('2026-03-10T09:00', { zone: 'America/Toronto' }).toJSDate(); // 13:00Z, 14:00 in Paris

function invite(over: Partial<InviteInput> = {}): string {
  return buildInvite({
    uid: '01957a2c-0000-7000-8000-00000000c411@hotline',
    sequence: 0,
    method: 'REQUEST',
    start,
    durationMin: 30,
    summary: inviteSummary('President of the United States', 'Prime Minister of Canada'),
    organizer: { name: 'Executive Secretariat', email: 'secretariat@hotline.example.gov' },
    attendee: { name: 'Élise Martin', email: 'elise.martin@elysee.example.fr' },
    attendeeZone: 'Europe/Paris',
    url: 'https://hotline.example.gov/app/calls/01957a2c',
    stamp: new Date('2026-03-01T12:00:00Z'),
    ...over,
  });
}

function parseNodeIcal(text: string) {
  const parsed = ical.sync.parseICS(text);
  const events = Object.values(parsed).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
  const tzs = Object.values(parsed).filter((c) => c?.type === 'VTIMEZONE');
  return { parsed, events, tzs };
}

function parseIcalJs(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  const vevent = cal.getFirstSubcomponent('vevent')!;
  const vtz = cal.getFirstSubcomponent('vtimezone');
  if (vtz) ICAL.TimezoneService.register(vtz);
  return { cal, vevent, vtz, event: new ICAL.Event(vevent) };
}

describe('iCalendar invitations parsed back by node-ical', () => {
  it('carries UID, SEQUENCE, METHOD, the stored instant, the attendee’s TZID and its VTIMEZONE', () => {
    const { parsed, events, tzs } = parseNodeIcal(invite({ sequence: 3 }));
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.uid).toBe('01957a2c-0000-7000-8000-00000000c411@hotline');
    expect(Number(e.sequence)).toBe(3);
    expect(e.start.toISOString()).toBe(start.toISOString());
    expect(e.end?.toISOString()).toBe('2026-03-10T13:30:00.000Z');
    expect(e.start.tz).toBe('Europe/Paris');
    expect(e.class).toBe('CONFIDENTIAL');
    expect(e.summary).toBe('Hotline call: President of the United States — Prime Minister of Canada');
    expect(tzs).toHaveLength(1);
    expect((parsed.vcalendar as unknown as { method: string }).method).toBe('REQUEST');
  });

  it('cancels with METHOD:CANCEL and STATUS:CANCELLED under the same UID', () => {
    const { parsed, events } = parseNodeIcal(invite({ method: 'CANCEL', sequence: 2 }));
    expect((parsed.vcalendar as unknown as { method: string }).method).toBe('CANCEL');
    expect(events[0]!.status).toBe('CANCELLED');
    expect(events[0]!.uid).toBe('01957a2c-0000-7000-8000-00000000c411@hotline');
    expect(Number(events[0]!.sequence)).toBe(2);
  });
});

describe('iCalendar invitations parsed back by ical.js', () => {
  it('resolves DTSTART through the VTIMEZONE to the stored UTC instant', () => {
    const { cal, vevent, vtz, event } = parseIcalJs(invite({ sequence: 1 }));
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(vtz?.getFirstPropertyValue('tzid')).toBe('Europe/Paris');
    expect(event.uid).toBe('01957a2c-0000-7000-8000-00000000c411@hotline');
    expect(event.sequence).toBe(1);
    expect(vevent.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('Europe/Paris');
    expect(event.startDate.toString()).toBe('2026-03-10T14:00:00');
    expect(event.startDate.toJSDate().toISOString()).toBe(start.toISOString());
    expect(event.duration.toSeconds()).toBe(30 * 60);
    expect(vevent.getFirstPropertyValue('class')).toBe('CONFIDENTIAL');
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    const dtstamp = vevent.getFirstPropertyValue('dtstamp') as ICAL.Time;
    expect(dtstamp.zone?.tzid).toBe('UTC');
  });

  it('writes the cancellation so ical.js sees it too', () => {
    const { cal, vevent } = parseIcalJs(invite({ method: 'CANCEL', sequence: 4 }));
    expect(cal.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(vevent.getFirstPropertyValue('sequence')).toBe(4);
  });

  it('gives the Ottawa attendee the same instant in Toronto wall time', () => {
    const { event, vtz } = parseIcalJs(invite({ attendeeZone: 'America/Toronto' }));
    expect(vtz?.getFirstPropertyValue('tzid')).toBe('America/Toronto');
    expect(event.startDate.toString()).toBe('2026-03-10T09:00:00');
    expect(event.startDate.toJSDate().toISOString()).toBe(start.toISOString());
  });
});

describe('invitation rules', () => {
  it('keeps the UID stable and bumps only SEQUENCE on reschedule', () => {
    const a = parseNodeIcal(invite({ sequence: 0 })).events[0]!;
    const b = parseNodeIcal(invite({ sequence: 1, start: new Date('2026-03-11T13:00:00Z') })).events[0]!;
    expect(b.uid).toBe(a.uid);
    expect(Number(b.sequence)).toBe(Number(a.sequence) + 1);
  });

  it('refuses bad zones, durations and sequences', () => {
    expect(() => invite({ attendeeZone: 'Nowhere/Land' })).toThrow(/not an IANA time zone/);
    expect(() => invite({ durationMin: 0 })).toThrow(/positive number of minutes/);
    expect(() => invite({ sequence: -1 })).toThrow(/SEQUENCE/);
    expect(() => invite({ uid: 'a\r\nATTENDEE:x' })).toThrow(/UID/);
  });

  it('puts no topics in the invitation', () => {
    const text = invite();
    expect(text).toContain('CLASS:CONFIDENTIAL');
    expect(text).not.toMatch(/topic|tariff|purpose/i);
  });
});
