import { DAY, HOUR, ManualClock, MINUTE } from '@hotline/common';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { createCalls } from '../calls/domain.js';
import type { CallStateName } from '../calls/lifecycle.js';
import type { CallPolicy } from '../config/call-policy.js';
import type { Db } from '../db/database.js';
import type { Actor } from '../policy/policy.js';
import { isRole } from '../policy/roles.js';
import type { RecordsService } from '../records/records-service.js';

/** Where each demo office's principal takes calls, for the memcon's date, time and place. */
const PLACES: Record<string, string> = {
  'us-potus': 'Oval Office',
  'ca-pmo': 'Office of the Prime Minister, Ottawa',
  'fr-elysee': 'Palais de l’Élysée, Paris',
  'mx-presidencia': 'Palacio Nacional, Mexico City',
};

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
  policy?: CallPolicy,
): Promise<void> {
  const clock = new ManualClock(now);
  const { requests, scheduling, briefings, memcons, readouts } = createCalls(db, records, clock, policy);
  const people = await db
    .selectFrom('users')
    .innerJoin('offices', 'offices.id', 'users.office_id')
    .select([
      'users.id',
      'users.roles',
      'users.office_id',
      'users.display_name',
      'users.time_zone',
      'offices.slug',
      'offices.time_zone as office_zone',
    ])
    .where('users.demo_persona', '=', true)
    .execute();
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

  /** The happy-path states a demo call is brought to; the readout ones by a shorter name. */
  type Stage =
    | Exclude<CallStateName, 'declined' | 'withdrawn' | 'cancelled' | 'readout_published' | 'readout_waived'>
    | 'published'
    | 'waived';

  /** What happens to the call after it reached its stage: it leaves the happy path. */
  type After =
    | { action: 'decline' | 'withdraw' | 'cancel'; at: number; reason: string }
    | { action: 'reschedule'; at: number; start: number };

  interface Plan {
    owner: string;
    requester: [string, string];
    counterpartSlug: string;
    counterpart: string;
    country: string;
    purpose: string;
    topics: string[];
    urgency?: 'routine' | 'priority' | 'flash';
    /** Default: from the counterpart's country. */
    language?: string;
    channel?: 'hotline' | 'secure_line';
    start: number;
    /** When the request was sent (default: ten days before the call) and first reviewed (a day later). */
    requestedAt?: number;
    reviewedAt?: number;
    /** The reviewer's recommendation (default: approve, or defer for a call left under review). */
    review?: { recommendation: 'approve' | 'defer'; notes: string; risks: string };
    until: Stage;
    after?: After;
    readout?: { title: string; body: string };
    waive?: string;
  }

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

  await run({
    owner: 'us-potus',
    requester: ['liaison', 'ca-pmo'],
    counterpartSlug: 'ca-pmo',
    counterpart: 'Prime Minister Mark Carney of Canada',
    country: 'CA',
    purpose: 'Coordinate ahead of the G7 leaders’ summit and discuss Arctic security.',
    topics: ['Arctic security', 'Critical minerals', 'Trade'],
    start: T - 21 * DAY,
    until: 'closed',
    readout: {
      title: 'Readout of the President’s Call with Prime Minister Mark Carney of Canada',
      body: 'President Trump spoke today with Prime Minister Mark Carney of Canada. The leaders discussed security in the Arctic, cooperation on critical minerals, and the trading relationship between our two countries.\n\nThe leaders agreed to stay in close touch ahead of the G7 summit.',
    },
  });
  await run({
    owner: 'fr-elysee',
    requester: ['staff', 'fr-elysee'],
    counterpartSlug: 'mx-presidencia',
    counterpart: 'President Claudia Sheinbaum Pardo of Mexico',
    country: 'MX',
    purpose: 'Prepare the state visit and the climate finance initiative.',
    topics: ['State visit', 'Climate finance'],
    start: T - 14 * DAY,
    until: 'published',
    readout: {
      title: 'Entretien téléphonique du Président de la République avec la Présidente du Mexique',
      body: 'Le Président de la République s’est entretenu aujourd’hui avec la Présidente des États-Unis mexicains, Mme Claudia Sheinbaum Pardo. Ils ont préparé la prochaine visite d’État et évoqué l’initiative pour la finance climatique.\n\nLes deux dirigeants sont convenus de rester en contact étroit.',
    },
  });
  await run({
    owner: 'ca-pmo',
    requester: ['staff', 'ca-pmo'],
    counterpartSlug: 'mx-presidencia',
    counterpart: 'President Claudia Sheinbaum Pardo of Mexico',
    country: 'MX',
    purpose: 'Discuss the review of the trade agreement and energy cooperation.',
    topics: ['Trade agreement review', 'Energy'],
    start: T - 10 * DAY,
    until: 'published',
    readout: {
      title: 'Prime Minister Carney speaks with President of Mexico Claudia Sheinbaum Pardo',
      body: 'Prime Minister Mark Carney spoke today with the President of Mexico, Claudia Sheinbaum Pardo. The leaders discussed the upcoming review of the trade agreement and cooperation on energy.\n\nThey agreed to remain in close contact.',
    },
  });
  await run({
    owner: 'us-potus',
    requester: ['liaison', 'fr-elysee'],
    counterpartSlug: 'fr-elysee',
    counterpart: 'President Emmanuel Macron of France',
    country: 'FR',
    purpose: 'Private consultation on a consular case involving detained nationals.',
    topics: ['Consular case'],
    urgency: 'priority',
    start: T - 6 * DAY,
    until: 'waived',
    waive:
      'No public readout by agreement of both sides: a public statement could endanger detained nationals.',
  });
  await run({
    owner: 'us-potus',
    requester: ['staff', 'us-potus'],
    counterpartSlug: 'mx-presidencia',
    counterpart: 'President Claudia Sheinbaum Pardo of Mexico',
    country: 'MX',
    purpose: 'Border security cooperation and fentanyl precursor controls.',
    topics: ['Border security', 'Precursor chemicals'],
    start: T - 3 * DAY,
    until: 'memcon_final',
  });
  await run({
    owner: 'us-potus',
    requester: ['liaison', 'ca-pmo'],
    counterpartSlug: 'ca-pmo',
    counterpart: 'Prime Minister Mark Carney of Canada',
    country: 'CA',
    purpose: 'Follow up on wildfire season cooperation and shared firefighting resources.',
    topics: ['Wildfires'],
    start: T - 1 * DAY,
    until: 'memcon_draft',
  });
  // The in-app call the live room is shown with: both principals and the US note-taker.
  await run({
    owner: 'us-potus',
    requester: ['liaison', 'fr-elysee'],
    counterpartSlug: 'fr-elysee',
    counterpart: 'President Emmanuel Macron of France',
    country: 'FR',
    purpose: 'Coordinate positions for the Ukraine reconstruction conference.',
    topics: ['Ukraine reconstruction', 'NATO'],
    start: T + 1 * DAY + 3 * HOUR,
    until: 'briefed',
  });
  await run({
    owner: 'us-potus',
    requester: ['liaison', 'mx-presidencia'],
    counterpartSlug: 'mx-presidencia',
    counterpart: 'President Claudia Sheinbaum Pardo of Mexico',
    country: 'MX',
    purpose: 'Discuss the World Cup security arrangements for host cities.',
    topics: ['World Cup security'],
    start: T + 6 * DAY,
    until: 'scheduled',
  });
  await run({
    owner: 'us-potus',
    requester: ['staff', 'us-potus'],
    counterpartSlug: 'ca-pmo',
    counterpart: 'Prime Minister Mark Carney of Canada',
    country: 'CA',
    purpose: 'Congratulate on the budget and discuss defence spending commitments.',
    topics: ['Defence spending'],
    start: T + 9 * DAY,
    until: 'approved',
  });
  await run({
    owner: 'us-potus',
    requester: ['liaison', 'mx-presidencia'],
    counterpartSlug: 'mx-presidencia',
    counterpart: 'President Claudia Sheinbaum Pardo of Mexico',
    country: 'MX',
    purpose: 'Request for a call on migration flows and the asylum processing centres.',
    topics: ['Migration'],
    urgency: 'priority',
    start: T + 12 * DAY,
    until: 'under_review',
  });
  await run({
    owner: 'us-potus',
    requester: ['liaison', 'fr-elysee'],
    counterpartSlug: 'fr-elysee',
    counterpart: 'President Emmanuel Macron of France',
    country: 'FR',
    purpose: 'Invitation to the AI safety summit in Paris and coordination of a joint statement.',
    topics: ['AI safety summit'],
    start: T + 14 * DAY,
    until: 'requested',
  });
  // On the line right now: connected a quarter of an hour ago, not yet ended.
  await run({
    owner: 'mx-presidencia',
    requester: ['staff', 'mx-presidencia'],
    counterpartSlug: 'ca-pmo',
    counterpart: 'Prime Minister Mark Carney of Canada',
    country: 'CA',
    language: 'Spanish and English (interpreted)',
    purpose: 'Coordinate Mexico’s and Canada’s positions ahead of the joint review of the USMCA.',
    topics: ['USMCA joint review', 'Automotive rules of origin'],
    start: T - 15 * MINUTE,
    until: 'in_progress',
  });
  // Ended this morning; the note-taker has not started the memcon yet.
  await run({
    owner: 'mx-presidencia',
    requester: ['liaison', 'us-potus'],
    counterpartSlug: 'us-potus',
    counterpart: 'President Donald J. Trump of the United States',
    country: 'US',
    language: 'Spanish and English (interpreted)',
    purpose: 'Discuss the tariffs on steel and aluminium and the security cooperation agreement.',
    topics: ['Steel and aluminium tariffs', 'Security cooperation'],
    channel: 'secure_line',
    start: T - 5 * HOUR,
    until: 'completed',
  });
  // Moved at the Prime Minister's request onto a slot where the President already has the
  // World Cup call: the reschedule carries the clash warning, and the invitation SEQUENCE 1.
  await run({
    owner: 'us-potus',
    requester: ['liaison', 'ca-pmo'],
    counterpartSlug: 'ca-pmo',
    counterpart: 'Prime Minister Mark Carney of Canada',
    country: 'CA',
    purpose: 'Discuss continental air defence: NORAD modernization and Canada’s part in missile defence.',
    topics: ['NORAD modernization', 'Missile defence'],
    channel: 'secure_line',
    start: T + 4 * DAY,
    until: 'scheduled',
    after: { action: 'reschedule', at: T - 6 * HOUR, start: T + 6 * DAY + 15 * MINUTE },
  });
  await run({
    owner: 'ca-pmo',
    requester: ['liaison', 'fr-elysee'],
    counterpartSlug: 'fr-elysee',
    counterpart: 'President Emmanuel Macron of France',
    country: 'FR',
    language: 'French',
    purpose: 'Discuss the timetable for ratifying CETA after the vote in the French Senate.',
    topics: ['CETA ratification'],
    start: T - 4 * DAY,
    until: 'requested',
    after: {
      action: 'decline',
      at: T - 13 * DAY,
      reason:
        'The Prime Minister saw President Macron at the G7 last week; the trade ministers will take the ratification timetable forward. A leaders’ call is not needed now.',
    },
  });
  await run({
    owner: 'fr-elysee',
    requester: ['liaison', 'mx-presidencia'],
    counterpartSlug: 'mx-presidencia',
    counterpart: 'President Claudia Sheinbaum Pardo of Mexico',
    country: 'MX',
    language: 'Spanish and French (interpreted)',
    purpose:
      'Discuss the return of archaeological pieces held in French collections and cultural cooperation.',
    topics: ['Cultural heritage', 'Museum cooperation'],
    start: T + 3 * DAY,
    review: {
      recommendation: 'approve',
      notes: 'Bienvenu : le dossier des restitutions avance et le Président souhaite en parler.',
      risks: 'Ne pas anticiper la loi-cadre sur les restitutions.',
    },
    until: 'approved',
    after: {
      action: 'withdraw',
      at: T - 2 * DAY,
      reason:
        'President Sheinbaum will see President Macron in person at the summit next week; the topics will be taken up there.',
    },
  });
  await run({
    owner: 'fr-elysee',
    requester: ['staff', 'fr-elysee'],
    counterpartSlug: 'ca-pmo',
    counterpart: 'Prime Minister Mark Carney of Canada',
    country: 'CA',
    language: 'French',
    purpose: 'Prepare the Francophonie summit and coordinate support for the mission in Haiti.',
    topics: ['Francophonie summit', 'Haiti'],
    channel: 'secure_line',
    start: T + 2 * DAY,
    review: {
      recommendation: 'approve',
      notes: 'Utile avant le sommet de la Francophonie.',
      risks: 'Le calendrier canadien est chargé.',
    },
    until: 'scheduled',
    after: {
      action: 'cancel',
      at: T - 1 * DAY,
      reason:
        'Cancelled at the request of the Prime Minister’s Office: the Prime Minister is visiting the regions hit by the floods. Both offices will propose a new date.',
    },
  });
  // Flash: one reviewer has cleared it; the policy asks for a second before it is approved.
  await run({
    owner: 'ca-pmo',
    requester: ['liaison', 'us-potus'],
    counterpartSlug: 'us-potus',
    counterpart: 'President Donald J. Trump of the United States',
    country: 'US',
    urgency: 'flash',
    purpose:
      'Urgent: coordinate the response to the cyberattack on the cross-border electricity grid and the outages in Ontario and New York.',
    topics: ['Grid cyberattack', 'Critical infrastructure'],
    start: T + 4 * HOUR,
    requestedAt: T - 90 * MINUTE,
    reviewedAt: T - 40 * MINUTE,
    review: {
      recommendation: 'approve',
      notes:
        'Concur: the outage affects both countries and the Prime Minister should speak to the President today.',
      risks: 'Attribution is not confirmed; the Prime Minister should not name a state actor.',
    },
    until: 'under_review',
  });
  // 2209(c): the President is covered, and so are the immediate staff.
  await db
    .updateTable('users')
    .set({ covered: 'president' })
    .where('id', '=', who('principal', 'us-potus').userId)
    .execute();
  await db
    .updateTable('users')
    .set({ covered: 'covered_employee' })
    .where('office_id', '=', office('us-potus'))
    .where('covered', '=', 'not_covered')
    .where((eb) =>
      eb.or([
        eb(sql<string>`'staff'`, '=', eb.fn.any('roles')),
        eb(sql<string>`'reviewer'`, '=', eb.fn.any('roles')),
      ]),
    )
    .execute();
  // Known numbers of foreign leaders and offices (fictional), for off-channel detection.
  await db
    .insertInto('foreign_contacts')
    .values([
      {
        number: '+525550000101',
        leader: 'President Claudia Sheinbaum Pardo of Mexico',
        country: 'MX',
        office_id: office('mx-presidencia'),
      },
      {
        number: '+16135550199',
        leader: 'Prime Minister Mark Carney of Canada',
        country: 'CA',
        office_id: office('ca-pmo'),
      },
      {
        number: '+33155550123',
        leader: 'President Emmanuel Macron of France',
        country: 'FR',
        office_id: office('fr-elysee'),
      },
    ])
    .onConflict((oc) => oc.column('number').doNothing())
    .execute();
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
