import { ValidationError } from '@hotline/common';
import { ICalCalendar, ICalCalendarMethod, ICalEventClass, ICalEventStatus } from 'ical-generator';
import { DateTime, IANAZone } from 'luxon';
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
  /** DTSTAMP: when this version of the invitation was made (default: now). */
  stamp?: Date;
}

/**
 * The invitation's title: who talks to whom, by office, and nothing about the topics (an
 * invite travels through mail servers and calendars outside Hotline).
 * "Hotline call: President of the United States — Prime Minister of Canada".
 */
export function inviteSummary(ourLeaderOffice: string, counterpartOffice: string): string {
  return `Hotline call: ${ourLeaderOffice} — ${counterpartOffice}`;
}

/** The VTIMEZONE block for an IANA zone, from timezones-ical-library; null if it has none. */
export function vtimezone(zone: string): string | null {
  const block = tzlib_get_ical_block(zone);
  return Array.isArray(block) && typeof block[0] === 'string' && block[0].startsWith('BEGIN:VTIMEZONE')
    ? block[0]
    : null;
}

function assertZone(zone: string, field: string): void {
  if (!IANAZone.isValidZone(zone)) {
    throw new ValidationError(`${zone} is not an IANA time zone; use a name such as Europe/Paris.`, {
      field,
    });
  }
}

/**
 * An RFC 5545 invitation for one participant, in their time zone with its VTIMEZONE, a stable
 * UID, SEQUENCE bumped on every reschedule, METHOD:REQUEST (Outlook needs it) or CANCEL, and
 * CLASS:CONFIDENTIAL. Built with ical-generator; VTIMEZONE blocks from timezones-ical-library.
 */
export function buildInvite(i: InviteInput): string {
  assertZone(i.attendeeZone, 'attendeeZone');
  if (!vtimezone(i.attendeeZone)) {
    throw new ValidationError(
      `No VTIMEZONE is known for ${i.attendeeZone}; pick a canonical IANA zone name.`,
      {
        field: 'attendeeZone',
      },
    );
  }
  if (!Number.isInteger(i.sequence) || i.sequence < 0) {
    throw new ValidationError(`SEQUENCE must be a whole number ≥ 0, got ${i.sequence}.`, {
      field: 'sequence',
    });
  }
  if (!Number.isInteger(i.durationMin) || i.durationMin <= 0) {
    throw new ValidationError(`The duration must be a positive number of minutes, got ${i.durationMin}.`, {
      field: 'durationMin',
    });
  }
  if (!i.uid.trim() || /[\r\n]/.test(i.uid)) {
    throw new ValidationError('The invitation needs a stable one-line UID.', { field: 'uid' });
  }
  const cal = new ICalCalendar({
    prodId: { company: 'Hotline', product: 'Leader calls', language: 'EN' },
    method: i.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
    name: 'Hotline',
  });
  // The zone goes on the event, not the calendar: with a calendar-level zone name,
  // ical-generator writes DTSTAMP as a zone-less local time, which RFC 5545 forbids (DTSTAMP
  // is UTC). A null name with a generator still emits a VTIMEZONE for every event zone.
  cal.timezone({
    name: null,
    generator: (tz: string) => vtimezone(tz),
  });
  cal.createEvent({
    id: i.uid,
    sequence: i.sequence,
    // Zone-aware values: ical-generator writes the wall time of the zone under its TZID.
    start: DateTime.fromJSDate(i.start).setZone(i.attendeeZone),
    end: DateTime.fromJSDate(i.start).setZone(i.attendeeZone).plus({ minutes: i.durationMin }),
    timezone: i.attendeeZone,
    stamp: DateTime.fromJSDate(i.stamp ?? new Date()).toUTC(),
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
