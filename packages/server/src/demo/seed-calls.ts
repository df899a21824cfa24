import { DAY, HOUR, ManualClock, MINUTE } from '@hotline/common';
import { DateTime } from 'luxon';
import { createCalls } from '../calls/domain.js';
import type { CallPolicy } from '../config/call-policy.js';
import type { Actor } from '../policy/policy.js';
import { isRole } from '../policy/roles.js';
import type { RecordsService } from '../records/records-service.js';
import { type After, demoCallPlans, FOREIGN_CONTACTS, PLACES, type Plan } from './call-plans.js';
import type { Db } from './repository.js';
import { demoPeople, insertForeignContacts, markCovered } from './repository.js';

/** A local wall time as a request form shows it: 2026-03-10T09:00. */
const LOCAL = "yyyy-MM-dd'T'HH:mm";

/**
 * A living demo history, made through the real services (so every step is a record): calls in
 * every state, including one in progress, a rescheduled one that clashes with another call of
 * the same principal, a flash request waiting for its second reviewer, declined, withdrawn and
 * cancelled ones with their reasons, published readouts, a waived readout, and an off-channel
 * contact whose memcon is overdue. A separate clock walks through the past; the log's entries
 * carry those times.
 */
export async function seedDemoCalls(
  db: Db,
  records: RecordsService,
  now: Date,
  policy: CallPolicy,
  publicUrl: string,
): Promise<void> {
  const clock = new ManualClock(now);
  const { requests, scheduling, briefings, memcons, readouts } = createCalls(
    db,
    records,
    clock,
    policy,
    publicUrl,
  );
  const people = await demoPeople(db);
  const person = (role: string, slug: string) => {
    const p = people.find((x) => x.slug === slug && x.roles.includes(role));
    if (!p) throw new Error(`demo: no ${role} in ${slug}`);
    return p;
  };
  const who = (role: string, slug: string): Actor => {
    const p = person(role, slug);
    return {
      userId: p.id,
      officeId: p.office_id,
      roles: p.roles.filter(isRole),
      displayName: p.display_name,
    };
  };
  const office = (slug: string) => person('principal', slug).office_id;
  const at = (t: number) => clock.set(t);
  const T = now.getTime();

  /**
   * The requester's proposed window, as they would type it: two hours from the top of the hour
   * before the call, in their own time zone. A wall time read off a real instant always exists,
   * so the window never falls into a daylight-saving gap.
   */
  function proposedWindow(start: number, zone: string) {
    const from = DateTime.fromMillis(start, { zone }).startOf('hour');
    return { start: from.toFormat(LOCAL), end: from.plus({ hours: 2 }).toFormat(LOCAL) };
  }

  /** "March 10, 2026, 10:00–10:30 a.m. EDT, Oval Office", in the host office's zone. */
  function dateTimePlace(p: Plan): string {
    const zone = person('principal', p.owner).office_zone;
    const from = DateTime.fromMillis(p.start, { zone });
    const to = from.plus({ minutes: 30 });
    const clock = (d: DateTime) => `${d.toFormat('h:mm')} ${d.hour < 12 ? 'a.m.' : 'p.m.'}`;
    return `${from.toFormat('LLLL d, yyyy')}, ${clock(from)}–${clock(to)} ${from.toFormat('ZZZZ')}, ${PLACES[p.owner] ?? 'By secure telephone'}`;
  }

  function slot(p: Plan, start: number) {
    return {
      start: new Date(start).toISOString(),
      durationMin: 30,
      channel: p.channel ?? 'hotline',
      principalId: who('principal', p.owner).userId,
      counterpartPrincipalId: who('principal', p.counterpartSlug).userId,
      interpreterIds: [],
      listenerIds: [who('notetaker', p.owner).userId],
    };
  }

  async function run(p: Plan) {
    const requestedAt = p.requestedAt ?? p.start - 10 * DAY;
    at(requestedAt);
    const requester = person(p.requester[0], p.requester[1]);
    const id = await requests.request(who(p.requester[0], p.requester[1]), {
      ownerOfficeId: office(p.owner),
      counterpartOfficeId: office(p.counterpartSlug),
      counterpartLeader: p.counterpart,
      counterpartCountry: p.country,
      purpose: p.purpose,
      topics: p.topics,
      urgency: p.urgency ?? 'routine',
      language:
        p.language ??
        (p.country === 'FR'
          ? 'French (interpreted)'
          : p.country === 'MX'
            ? 'Spanish (interpreted)'
            : 'English'),
      requesterZone: requester.time_zone,
      proposedWindows: [proposedWindow(p.start, requester.time_zone)],
    });
    await advance(p, id, p.reviewedAt ?? requestedAt + DAY);
    if (p.after) await leave(p, id, p.after);
  }

  /** Walk the call from requested to its stage. */
  async function advance(p: Plan, id: string, reviewedAt: number) {
    if (p.until === 'requested') return;
    at(reviewedAt);
    const reviewer = who('reviewer', p.owner);
    if (p.until === 'under_review') {
      await requests.review(
        reviewer,
        id,
        p.review ?? {
          recommendation: 'defer',
          notes: 'Waiting for the regional directorate’s read-out of the ministers’ meeting.',
          risks: 'Timing close to elections.',
        },
      );
      return;
    }
    await requests.review(
      reviewer,
      id,
      p.review ?? {
        recommendation: 'approve',
        notes: 'Timely and in line with our priorities.',
        risks: 'Expect questions on tariffs.',
      },
    );
    if (p.until === 'approved') return;
    at(p.start - 7 * DAY);
    const sec = who('secretariat', p.owner);
    await scheduling.schedule(sec, id, slot(p, p.start));
    if (p.until === 'scheduled') return;
    at(p.start - 2 * DAY);
    await briefings.saveBriefing(who('staff', p.owner), id, {
      backgroundMd: `${p.counterpart} last spoke with our principal three months ago. ${p.purpose}`,
      objectivesMd: p.topics.map((t) => `- Make progress on **${t}**`).join('\n'),
      talkingPointsMd:
        '1. Thank them for the call.\n2. Raise each topic in turn.\n3. Agree on next steps and to stay in close touch.',
    });
    await briefings.approveBriefing(reviewer, id);
    if (p.until === 'briefed') return;
    at(p.start - 2 * MINUTE);
    await requests.transition(sec, id, 'connect');
    if (p.until === 'in_progress') return;
    at(p.start + 28 * MINUTE);
    await requests.transition(sec, id, 'end');
    if (p.until === 'completed') return;
    at(p.start + 3 * HOUR);
    const memcon = {
      classification: 'SECRET',
      subject: `Telephone Conversation with ${p.counterpart}`,
      participants: ['The principal', p.counterpart],
      notetakers: [who('notetaker', p.owner).displayName],
      dateTimePlace: dateTimePlace(p),
      paragraphs: [
        { speaker: 'The principal', marking: '(U)', text: `Thanked ${p.counterpart} for the call.` },
        ...p.topics.map((t) => ({
          speaker: p.counterpart,
          marking: '(S)',
          text: `Discussed ${t.toLowerCase()} in detail. [Summary of notes.]`,
        })),
        { speaker: 'The principal', marking: '(U)', text: 'Agreed to stay in close touch.' },
      ],
      distribution: ['National Security Advisor', 'Chief of Staff', 'Regional directorate'],
      classifiedBy: 'Executive Secretary',
      derivedFrom: 'Multiple sources',
      declassifyOn: '20510101',
    };
    await memcons.saveMemcon(who('notetaker', p.owner), id, memcon);
    if (p.until === 'memcon_draft') return;
    at(p.start + 1 * DAY);
    await memcons.finalizeMemcon(sec, id);
    if (p.until === 'memcon_final') return;
    at(p.start + 1 * DAY + 2 * HOUR);
    const press = who('press', p.owner);
    if (p.until === 'waived') {
      await requests.transition(press, id, 'waive_readout', p.waive);
      return;
    }
    await readouts.saveReadout(press, id, { title: p.readout!.title, bodyMd: p.readout!.body });
    await readouts.approveReadout(press, id);
    await readouts.publishReadout(press, id);
    if (p.until === 'published') return;
    at(p.start + 2 * DAY);
    await requests.transition(sec, id, 'close');
  }

  /** Decline, withdraw, cancel or reschedule, each by the person whose step it is. */
  async function leave(p: Plan, id: string, after: After) {
    at(after.at);
    if (after.action === 'reschedule') {
      await scheduling.schedule(who('secretariat', p.owner), id, slot(p, after.start));
    } else if (after.action === 'decline') {
      await requests.review(who('reviewer', p.owner), id, {
        recommendation: 'decline',
        notes: after.reason,
        risks: '',
      });
    } else if (after.action === 'withdraw') {
      await requests.transition(who(p.requester[0], p.requester[1]), id, 'withdraw', after.reason);
    } else {
      await requests.transition(who('secretariat', p.owner), id, 'cancel', after.reason);
    }
  }

  for (const plan of demoCallPlans(T)) await run(plan);
  // 2209(c): the President is covered, and so are the immediate staff.
  await markCovered(db, who('principal', 'us-potus').userId, office('us-potus'));
  await insertForeignContacts(
    db,
    FOREIGN_CONTACTS.map(({ office: slug, ...c }) => ({ ...c, office_id: office(slug) })),
  );
  // The leader took a call on a personal phone nine days ago: logged after the fact, memcon overdue.
  at(T - 8 * DAY);
  await requests.logOffChannel(who('staff', 'us-potus'), {
    ownerOfficeId: office('us-potus'),
    counterpartOfficeId: office('mx-presidencia'),
    counterpartLeader: 'President Claudia Sheinbaum Pardo of Mexico',
    counterpartCountry: 'MX',
    start: new Date(T - 9 * DAY).toISOString(),
    end: new Date(T - 9 * DAY + 12 * MINUTE).toISOString(),
    participants: ['The President', 'President Sheinbaum'],
    summary:
      'The President took a call from President Sheinbaum on his personal phone during travel; no note-taker was present.',
  });
}
