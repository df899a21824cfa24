import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Role } from '../../../src/policy/roles.js';
import { callRoutes } from './calls.js';
import { type MatrixWorld, MEMCON, READOUT, type Req } from './harness.js';

/**
 * The third dimension of the route matrix: which office asks. For a US-hosted call with Canada
 * as the counterpart office and France as no party at all, each artifact kind is seen by:
 *
 * - 'sees': the office gets it (and its fields) in its answers;
 * - 'absent': the office knows the call but gets no field of this artifact in any answer;
 * - '404': the call does not exist for the office (every call route answers 404).
 *
 * Written out from the rule (README "What each office sees of a call"), not derived from the code.
 */
export type Office = 'host' | 'counterpart' | 'third';
export const OFFICE_SLUGS: Record<Office, string> = {
  host: 'us-potus',
  counterpart: 'ca-pmo',
  third: 'fr-elysee',
};
export type Sight = 'sees' | 'absent' | '404';

/** Strings planted in one office's artifacts; each appears nowhere else. */
export const PLANTED = {
  hostReview: ['QX7-HOST-REVIEW-NOTES', 'QX7-HOST-REVIEW-RISKS', 'QX7-HOST-CLEARANCE'],
  hostBriefing: ['QX7-HOST-BRIEFING-BACKGROUND', 'QX7-HOST-BRIEFING-OBJECTIVES', 'QX7-HOST-TALKING-POINTS'],
  hostMemcon: [
    'QX7-HOST-MEMCON-SUBJECT',
    'QX7-HOST-MEMCON-TEXT',
    'QX7-HOST-DISTRIBUTION',
    'QX7-HOST-CORRECTION-REASON',
  ],
  hostReadoutDraft: ['QX7-HOST-READOUT-DRAFT-TITLE', 'QX7-HOST-READOUT-DRAFT-BODY'],
  hostWaiver: ['QX7-HOST-WAIVER-REASON'],
  counterpartBriefing: ['QX7-CA-BRIEFING-BACKGROUND', 'QX7-CA-TALKING-POINTS'],
  counterpartMemcon: ['QX7-CA-MEMCON-TEXT', 'QX7-CA-DISTRIBUTION'],
} as const;
export type ArtifactKind = keyof typeof PLANTED;

/** Who sees each artifact kind. */
export const SIGHT: Record<ArtifactKind, Record<Office, Sight>> = {
  hostReview: { host: 'sees', counterpart: 'absent', third: '404' },
  hostBriefing: { host: 'sees', counterpart: 'absent', third: '404' },
  hostMemcon: { host: 'sees', counterpart: 'absent', third: '404' },
  hostReadoutDraft: { host: 'sees', counterpart: 'absent', third: '404' },
  hostWaiver: { host: 'sees', counterpart: 'absent', third: '404' },
  counterpartBriefing: { host: 'absent', counterpart: 'sees', third: '404' },
  counterpartMemcon: { host: 'absent', counterpart: 'sees', third: '404' },
};

/** The planted strings of these kinds that appear anywhere in an answer (its raw body: every field, any format). */
export function leaks(body: string, kinds: readonly ArtifactKind[]): string[] {
  return kinds.flatMap((k) => PLANTED[k].filter((m) => body.includes(m)));
}

/** Kinds an office must not find in any answer. */
export const hiddenFrom = (office: Office): ArtifactKind[] =>
  (Object.keys(SIGHT) as ArtifactKind[]).filter((k) => SIGHT[k][office] !== 'sees');

const planted = (k: ArtifactKind, i: number) => PLANTED[k][i]!;

/**
 * A US-hosted call with Canada as counterpart, with every artifact kind planted: the host's
 * review, briefing, memcon (final, then corrected) and readout draft; Canada's own briefing and
 * memcon. `end`: left with the readout draft (memcon_final), published (a later clean version),
 * or waived (with a planted reason).
 */
export async function plantedCall(
  w: MatrixWorld,
  end: 'draft' | 'published' | 'waived',
): Promise<{ callId: string }> {
  const { requests, scheduling, briefings, memcons, readouts } = w.t.ctx.calls;
  const us = (r: Role) => w.us(r);
  const ca = (r: Role) => w.us(r, 'ca-pmo');
  const now = w.t.clock.now().getTime();
  const id = await requests.request(us('staff'), {
    ownerOfficeId: w.offices.get('us-potus')!,
    counterpartOfficeId: w.offices.get('ca-pmo')!,
    counterpartLeader: 'Prime Minister Mark Carney of Canada',
    counterpartCountry: 'CA',
    purpose: 'Discuss the steel tariffs and the northern border.',
    topics: ['Trade'],
    urgency: 'routine',
    language: 'English',
    requesterZone: 'America/New_York',
    proposedWindows: [{ start: '2026-03-09T09:00', end: '2026-03-09T11:00' }],
  });
  await requests.review(us('reviewer'), id, {
    recommendation: 'approve',
    notes: planted('hostReview', 0),
    risks: planted('hostReview', 1),
    clearances: [planted('hostReview', 2)],
  });
  await scheduling.schedule(us('secretariat'), id, {
    start: new Date(now + 10 * 60_000).toISOString(),
    durationMin: 30,
    channel: 'hotline',
    principalId: us('principal').userId,
    counterpartPrincipalId: ca('principal').userId,
    interpreterIds: [],
    listenerIds: [us('notetaker').userId],
  });
  await briefings.saveBriefing(ca('staff'), id, {
    backgroundMd: planted('counterpartBriefing', 0),
    objectivesMd: 'Our objectives.',
    talkingPointsMd: planted('counterpartBriefing', 1),
  });
  await briefings.approveBriefing(ca('reviewer'), id);
  await briefings.saveBriefing(us('staff'), id, {
    backgroundMd: planted('hostBriefing', 0),
    objectivesMd: planted('hostBriefing', 1),
    talkingPointsMd: planted('hostBriefing', 2),
  });
  await briefings.approveBriefing(us('reviewer'), id);
  await requests.transition(us('secretariat'), id, 'connect');
  await requests.transition(us('secretariat'), id, 'end');
  const hostMemcon = {
    ...MEMCON,
    subject: planted('hostMemcon', 0),
    paragraphs: [{ speaker: 'The President', marking: '(S)', text: planted('hostMemcon', 1) }],
    distribution: [planted('hostMemcon', 2)],
  };
  await memcons.saveMemcon(us('notetaker'), id, hostMemcon);
  await memcons.finalizeMemcon(us('secretariat'), id);
  await memcons.saveMemcon(us('notetaker'), id, {
    ...hostMemcon,
    correctionReason: planted('hostMemcon', 3),
  });
  await memcons.saveMemcon(ca('notetaker'), id, {
    ...MEMCON,
    subject: 'Telephone conversation with President Trump',
    paragraphs: [{ speaker: 'The Prime Minister', marking: '(S)', text: planted('counterpartMemcon', 0) }],
    distribution: [planted('counterpartMemcon', 1)],
  });
  await memcons.finalizeMemcon(ca('secretariat'), id);
  await readouts.saveReadout(us('press'), id, {
    title: planted('hostReadoutDraft', 0),
    bodyMd: planted('hostReadoutDraft', 1),
  });
  if (end === 'published') {
    await readouts.saveReadout(us('press'), id, READOUT);
    await readouts.approveReadout(us('press'), id);
    await readouts.publishReadout(us('press'), id);
  } else if (end === 'waived') {
    await requests.transition(us('press'), id, 'waive_readout', planted('hostWaiver', 0));
  }
  return { callId: id };
}

/**
 * Every request a person of any office can make about one call, from the calls table's routes
 * (a call route without an entry here fails the coverage check). Writes carry valid bodies, so
 * they reach the policy; the transitions try each step a party might attempt.
 */
export function callRequests(w: MatrixWorld, callId: string): Record<string, Req[]> {
  const u = `/api/v1/calls/${callId}`;
  return {
    'GET /api/v1/calls': [{ method: 'GET', url: '/api/v1/calls' }],
    'GET /api/v1/calls/dashboard': [{ method: 'GET', url: '/api/v1/calls/dashboard' }],
    'GET /api/v1/calls/:id': [{ method: 'GET', url: u }],
    'GET /api/v1/calls/:id/artifacts': [{ method: 'GET', url: `${u}/artifacts` }],
    'GET /api/v1/calls/:id/invite.ics': [
      { method: 'GET', url: `${u}/invite.ics` },
      { method: 'GET', url: `${u}/invite.ics?userId=${w.us('principal', 'ca-pmo').userId}` },
    ],
    'POST /api/v1/calls/:id/transitions': [
      'begin_review',
      'withdraw',
      'finalize_memcon',
      'approve_readout',
      'publish_readout',
      'close',
    ].map((action) => ({ method: 'POST', url: `${u}/transitions`, payload: { action } })),
    'POST /api/v1/calls/:id/reviews': [
      { method: 'POST', url: `${u}/reviews`, payload: { recommendation: 'approve', notes: 'Fine.' } },
    ],
    'PUT /api/v1/calls/:id/schedule': [w.schedule({ callId })],
    'POST /api/v1/calls/:id/schedule/answer': [
      { method: 'POST', url: `${u}/schedule/answer`, payload: { answer: 'accepted' } },
    ],
    'GET /api/v1/calls/:id/notes': [{ method: 'GET', url: `${u}/notes` }],
    'PUT /api/v1/calls/:id/notes': [{ method: 'PUT', url: `${u}/notes`, payload: { body: 'Sweep.' } }],
    'POST /api/v1/calls/:id/briefings': [
      {
        method: 'POST',
        url: `${u}/briefings`,
        payload: { backgroundMd: 'B', objectivesMd: 'O', talkingPointsMd: 'T' },
      },
    ],
    'POST /api/v1/calls/:id/briefings/approve': [{ method: 'POST', url: `${u}/briefings/approve` }],
    'POST /api/v1/calls/:id/memcons': [
      { method: 'POST', url: `${u}/memcons`, payload: { ...MEMCON, correctionReason: 'Sweep.' } },
    ],
    'POST /api/v1/calls/:id/memcons/finalize': [{ method: 'POST', url: `${u}/memcons/finalize` }],
    'POST /api/v1/calls/:id/readouts': [{ method: 'POST', url: `${u}/readouts`, payload: READOUT }],
    'GET /api/v1/calls/:id/readouts/draft': [{ method: 'GET', url: `${u}/readouts/draft` }],
    'POST /api/v1/calls/:id/readouts/approve': [{ method: 'POST', url: `${u}/readouts/approve` }],
    'POST /api/v1/calls/:id/readouts/publish': [{ method: 'POST', url: `${u}/readouts/publish` }],
    'POST /api/v1/calls/:id/readouts/correct': [
      {
        method: 'POST',
        url: `${u}/readouts/correct`,
        payload: { title: 'Readout of the call', bodyMd: 'Corrected text.', reason: 'A typo.' },
      },
    ],
    'POST /api/v1/calls/:id/readouts/withdraw': [
      { method: 'POST', url: `${u}/readouts/withdraw`, payload: { reason: 'By mistake.' } },
    ],
    'POST /api/v1/calls/:id/call-log': [
      { method: 'POST', url: `${u}/call-log`, payload: { entries: [{ name: 'Someone', kind: 'joined' }] } },
    ],
  };
}

/** Call routes about one call or the office's calls (creating a call is about no existing one). */
export function callRoutesToSweep(w: MatrixWorld): string[] {
  const table = callRoutes(w);
  return Object.keys(table).filter(
    (r) => Array.isArray(table[r]) && r !== 'POST /api/v1/calls' && !r.endsWith('/off-channel'),
  );
}

/** Routes whose answer is about the office's calls in general (not 404 for a third office). */
export const OFFICE_WIDE = ['GET /api/v1/calls', 'GET /api/v1/calls/dashboard'];

export function expectNoLeak(res: LightMyRequestResponse, office: Office, what: string) {
  expect(leaks(res.body, hiddenFrom(office)), `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`).toEqual(
    [],
  );
}
