import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatForZone, localToUtc } from '../../src/calls/lifecycle.js';
import { type CallWorld, callThrough, http, newCallWorld } from './world.js';

/** The one VEVENT of an invitation, through node-ical, and the calendar through ical.js. */
function parseInvite(text: string) {
  const ev = Object.values(nodeIcal.sync.parseICS(text)).find((v) => v?.type === 'VEVENT') as nodeIcal.VEvent;
  const cal = new ICAL.Component(ICAL.parse(text));
  const vevent = cal.getFirstSubcomponent('vevent')!;
  return {
    ev,
    method: cal.getFirstPropertyValue('method'),
    status: vevent.getFirstPropertyValue('status'),
    sequence: new ICAL.Event(vevent).sequence,
    start: new ICAL.Event(vevent).startDate,
  };
}

describe('autumn clock changes: Ottawa to Paris between 25 Oct and 1 Nov 2026', () => {
  it('converts local times: Europe is back on standard time, North America not yet (5 hours apart, not 6)', () => {
    // Europe falls back on 25 Oct 2026, North America on 1 Nov 2026.
    const inGap = localToUtc('2026-10-28T09:00', 'America/Toronto');
    expect(inGap.toISOString()).toBe('2026-10-28T13:00:00.000Z');
    expect(formatForZone(inGap, 'America/Toronto')).toBe('Wed 28 Oct 2026, 9:00 a.m. EDT');
    expect(formatForZone(inGap, 'Europe/Paris')).toBe('Wed 28 Oct 2026, 2:00 p.m. GMT+1');
    const before = localToUtc('2026-10-21T09:00', 'America/Toronto');
    expect(before.toISOString()).toBe('2026-10-21T13:00:00.000Z');
    expect(formatForZone(before, 'Europe/Paris')).toBe('Wed 21 Oct 2026, 3:00 p.m. GMT+2');
    const after = localToUtc('2026-11-04T09:00', 'America/Toronto');
    expect(after.toISOString()).toBe('2026-11-04T14:00:00.000Z');
    expect(formatForZone(after, 'Europe/Paris')).toBe('Wed 4 Nov 2026, 3:00 p.m. GMT+1');
    // The Paris side's own wall time in that week maps back to the same instant.
    expect(localToUtc('2026-10-28T14:00', 'Europe/Paris').toISOString()).toBe('2026-10-28T13:00:00.000Z');
  });

  describe('over HTTP', () => {
    let w: CallWorld;
    let callId: string;
    beforeAll(async () => {
      w = await newCallWorld({}, true);
      callId = await callThrough(w, 'scheduled', {
        proposedWindows: [{ start: '2026-10-28T09:00', end: '2026-10-28T11:00' }],
      });
    });
    afterAll(() => w.close());

    it('scheduled for 9:00 in Ottawa on 28 Oct: 13:00 UTC, 2:00 p.m. in Paris, in the detail and both invitations', async () => {
      const sec = w.host.people.secretariat!;
      const start = localToUtc('2026-10-28T09:00', 'America/Toronto').toISOString();
      const s = await http(w, sec, 'PUT', `/api/v1/calls/${callId}/schedule`, {
        start,
        durationMin: 30,
        channel: 'secure_line',
        principalId: w.host.people.principal!.userId,
        counterpartPrincipalId: w.other.people.principal!.userId,
      });
      expect(s.statusCode, s.body).toBe(200);
      const d = s.json();
      expect(d.scheduledStart).toBe('2026-10-28T13:00:00.000Z');
      expect(d.localTimes).toEqual(
        expect.arrayContaining([
          { who: 'CA principal', zone: 'America/Toronto', text: 'Wed 28 Oct 2026, 9:00 a.m. EDT' },
          { who: 'FR principal', zone: 'Europe/Paris', text: 'Wed 28 Oct 2026, 2:00 p.m. GMT+1' },
        ]),
      );

      const paris = await http(
        w,
        sec,
        'GET',
        `/api/v1/calls/${callId}/invite.ics?userId=${w.other.people.principal!.userId}`,
      );
      expect(paris.statusCode, paris.body).toBe(200);
      expect(paris.body).toContain('DTSTART;TZID=Europe/Paris:20261028T140000');
      const p = parseInvite(paris.body);
      expect(new Date(p.ev.start).toISOString()).toBe('2026-10-28T13:00:00.000Z');
      expect(p.start.toJSDate().toISOString()).toBe('2026-10-28T13:00:00.000Z');

      const ottawa = await http(w, w.host.people.principal!, 'GET', `/api/v1/calls/${callId}/invite.ics`);
      expect(ottawa.body).toContain('DTSTART;TZID=America/Toronto:20261028T090000');
      expect(new Date(parseInvite(ottawa.body).ev.start).toISOString()).toBe('2026-10-28T13:00:00.000Z');
    });

    it('cancelling sends METHOD:CANCEL, STATUS:CANCELLED and a higher SEQUENCE than the invitation it replaces', async () => {
      const principal = w.host.people.principal!;
      const original = parseInvite(
        (await http(w, principal, 'GET', `/api/v1/calls/${callId}/invite.ics`)).body,
      );
      expect(original.method).toBe('REQUEST');
      expect(original.status).toBe('CONFIRMED');

      const cancel = await http(
        w,
        w.host.people.secretariat!,
        'POST',
        `/api/v1/calls/${callId}/transitions`,
        {
          action: 'cancel',
          reason: 'The Prime Minister travels to the summit a day early.',
        },
      );
      expect(cancel.statusCode, cancel.body).toBe(200);
      expect(cancel.json().state).toBe('cancelled');

      const res = await http(w, principal, 'GET', `/api/v1/calls/${callId}/invite.ics`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toContain('method=CANCEL');
      const c = parseInvite(res.body);
      expect(c.method).toBe('CANCEL');
      expect(c.status).toBe('CANCELLED');
      expect(c.ev.status).toBe('CANCELLED');
      expect(c.ev.uid).toBe(original.ev.uid);
      expect(c.sequence).toBeGreaterThan(original.sequence);
      expect(c.start.toJSDate().toISOString()).toBe('2026-10-28T13:00:00.000Z');
    });
  });
});
