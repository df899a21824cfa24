import { ICalCalendar, ICalCalendarMethod, ICalEventClass, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';

export interface InviteInput {
  uid: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  start: Date;
  durationMin: number;
  /** Never a sensitive topic: who talks to whom, nothing more. */
  summary: string;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
  attendeeZone: string;
  url: string;
  stamp: Date;
}

/**
 * An RFC 5545 invitation for one participant, in their time zone with its VTIMEZONE, a stable
 * UID, SEQUENCE bumped on every reschedule, METHOD:REQUEST (Outlook needs it) or CANCEL, and
 * CLASS:CONFIDENTIAL. Built with ical-generator; VTIMEZONE blocks from timezones-ical-library.
 */
export function buildInvite(i: InviteInput): string {
  const cal = new ICalCalendar({
    prodId: { company: 'Hotline', product: 'Leader calls', language: 'EN' },
    method: i.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
    name: 'Hotline',
  });
  cal.timezone({
    name: i.attendeeZone,
    generator: (tz: string) => {
      const block = tzlib_get_ical_block(tz);
      return Array.isArray(block) ? (block[0] ?? null) : null;
    },
  });
  cal.createEvent({
    id: i.uid,
    sequence: i.sequence,
    // Zone-aware values: ical-generator writes the wall time of the zone under its TZID.
    start: DateTime.fromJSDate(i.start).setZone(i.attendeeZone),
    end: DateTime.fromJSDate(i.start).setZone(i.attendeeZone).plus({ minutes: i.durationMin }),
    timezone: i.attendeeZone,
    stamp: DateTime.fromJSDate(i.stamp).toUTC(),
    summary: i.summary,
    description:
      'Join from the Hotline call page at the scheduled time. Details and the briefing are in Hotline, not in this invitation.',
    url: i.url,
    class: ICalEventClass.CONFIDENTIAL,
    status: i.method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: { name: i.organizer.name, email: i.organizer.email },
    attendees: [{ name: i.attendee.name, email: i.attendee.email, rsvp: true }],
  });
  return cal.toString();
}
