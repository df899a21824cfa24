import { DAY, HOUR, ManualClock, MINUTE } from '@hotline/common';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Actor } from '../policy/policy.js';
import { isRole } from '../policy/roles.js';
import type { RecordsService } from '../records/records-service.js';
import { type CallPolicy, CallsService } from '../services/calls-service.js';

/**
 * A living demo history, made through the real services (so every step is a record): calls in
 * every state, published readouts, a waived readout, and an off-channel contact whose memcon is
 * overdue. A separate clock walks through the past; the log's entries carry those times.
 */
export async function seedDemoCalls(
  db: Db,
  records: RecordsService,
  now: Date,
  policy?: CallPolicy,
): Promise<void> {
  const clock = new ManualClock(now);
  const calls = new CallsService(db, records, clock, policy);
  const people = await db
    .selectFrom('users')
    .innerJoin('offices', 'offices.id', 'users.office_id')
    .select(['users.id', 'users.roles', 'users.office_id', 'users.display_name', 'offices.slug'])
    .where('users.demo_persona', '=', true)
    .execute();
  const who = (role: string, slug: string): Actor => {
    const p = people.find((x) => x.slug === slug && x.roles.includes(role));
    if (!p) throw new Error(`demo: no ${role} in ${slug}`);
    return {
      userId: p.id,
      officeId: p.office_id,
      roles: p.roles.filter(isRole),
      displayName: p.display_name,
    };
  };
  const office = (slug: string) => people.find((x) => x.slug === slug)!.office_id;
  const at = (t: number) => clock.set(t);
  const T = now.getTime();

  interface Plan {
    owner: string;
    requester: [string, string];
    counterpartSlug: string;
    counterpart: string;
    country: string;
    purpose: string;
    topics: string[];
    urgency?: 'routine' | 'priority' | 'flash';
    start: number;
    until:
      | 'requested'
      | 'under_review'
      | 'approved'
      | 'scheduled'
      | 'briefed'
      | 'memcon_draft'
      | 'memcon_final'
      | 'published'
      | 'waived'
      | 'closed';
    readout?: { title: string; body: string };
    waive?: string;
  }

  async function run(p: Plan) {
    at(p.start - 10 * DAY);
    const zone =
      p.requester[1] === 'us-potus'
        ? 'America/New_York'
        : p.requester[1] === 'ca-pmo'
          ? 'America/Toronto'
          : p.requester[1] === 'fr-elysee'
            ? 'Europe/Paris'
            : 'America/Mexico_City';
    const c = await calls.request(who(p.requester[0], p.requester[1]), {
      ownerOfficeId: office(p.owner),
      counterpartOfficeId: office(p.counterpartSlug),
      counterpartLeader: p.counterpart,
      counterpartCountry: p.country,
      purpose: p.purpose,
      topics: p.topics,
      urgency: p.urgency ?? 'routine',
      language:
        p.country === 'FR'
          ? 'French (interpreted)'
          : p.country === 'MX'
            ? 'Spanish (interpreted)'
            : 'English',
      requesterZone: zone,
      proposedWindows: [
        {
          start: new Date(p.start).toISOString().slice(0, 16),
          end: new Date(p.start + 2 * HOUR).toISOString().slice(0, 16),
        },
      ],
    });
    if (p.until === 'requested') return;
    at(p.start - 9 * DAY);
    const reviewer = who('reviewer', p.owner);
    if (p.until === 'under_review') {
      await calls.review(reviewer, c.id, {
        recommendation: 'defer',
        notes: 'Waiting for the regional directorate’s read-out of the ministers’ meeting.',
        risks: 'Timing close to elections.',
      });
      return;
    }
    await calls.review(reviewer, c.id, {
      recommendation: 'approve',
      notes: 'Timely and in line with our priorities.',
      risks: 'Expect questions on tariffs.',
    });
    if (p.until === 'approved') return;
    at(p.start - 7 * DAY);
    const sec = who('secretariat', p.owner);
    await calls.schedule(sec, c.id, {
      start: new Date(p.start).toISOString(),
      durationMin: 30,
      channel: 'hotline',
      principalId: who('principal', p.owner).userId,
      counterpartPrincipalId: who('principal', p.counterpartSlug).userId,
      interpreterIds: [],
      listenerIds: [who('notetaker', p.owner).userId],
    });
    if (p.until === 'scheduled') return;
    at(p.start - 2 * DAY);
    await calls.saveBriefing(who('staff', p.owner), c.id, {
      backgroundMd: `${p.counterpart} last spoke with our principal three months ago. ${p.purpose}`,
      objectivesMd: p.topics.map((t) => `- Make progress on **${t}**`).join('\n'),
      talkingPointsMd:
        '1. Thank them for the call.\n2. Raise each topic in turn.\n3. Agree on next steps and to stay in close touch.',
    });
    await calls.approveBriefing(reviewer, c.id);
    if (p.until === 'briefed') return;
    at(p.start - 2 * MINUTE);
    await calls.transition(sec, c.id, 'connect');
    at(p.start + 28 * MINUTE);
    await calls.transition(sec, c.id, 'end');
    at(p.start + 3 * HOUR);
    const memcon = {
      classification: 'SECRET',
      subject: `Telephone Conversation with ${p.counterpart}`,
      participants: ['The principal', p.counterpart],
      notetakers: [who('notetaker', p.owner).displayName],
      dateTimePlace: `${new Date(p.start).toUTCString()}, 30 minutes`,
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
    await calls.saveMemcon(who('notetaker', p.owner), c.id, memcon);
    if (p.until === 'memcon_draft') return;
    at(p.start + 1 * DAY);
    await calls.finalizeMemcon(sec, c.id);
    if (p.until === 'memcon_final') return;
    at(p.start + 1 * DAY + 2 * HOUR);
    const press = who('press', p.owner);
    if (p.until === 'waived') {
      await calls.transition(press, c.id, 'waive_readout', p.waive);
      return;
    }
    await calls.saveReadout(press, c.id, { title: p.readout!.title, bodyMd: p.readout!.body });
    await calls.publishReadout(press, c.id);
    if (p.until === 'published') return;
    at(p.start + 2 * DAY);
    await calls.transition(sec, c.id, 'close');
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
  await calls.logOffChannel(who('staff', 'us-potus'), {
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
