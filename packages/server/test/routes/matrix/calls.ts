import {
  BriefingVersionSchema,
  CallArtifactsSchema,
  CallDetailSchema,
  CallSummarySchema,
  CallsDashboardSchema,
  ReadoutDraftSchema,
  ReadoutVersionSchema,
  SavedMemconSchema,
} from '@hotline/contract';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { z } from 'zod';
import type { Role } from '../../../src/policy/roles.js';
import {
  CALL_READERS,
  type CallExtras,
  type Case,
  type Fx,
  hasText,
  type MatrixWorld,
  MEMCON,
  READOUT,
  type RouteTable,
  type Stage,
} from './harness.js';

/** Calls: reads, requests, each lifecycle step, the artifacts, and the live socket. */
export function callRoutes(w: MatrixWorld): RouteTable {
  const callDetail = (state: string) => (res: LightMyRequestResponse, fx: Fx) => {
    const d = CallDetailSchema.parse(res.json());
    expect(d.id).toBe(fx.callId);
    expect(d.state).toBe(state);
  };

  /** One lifecycle step over POST /transitions. */
  const step = (
    action: string,
    from: Stage,
    to: string,
    access: Role[],
    extra: CallExtras = {},
    reason?: string,
  ): Case => ({
    what: `${action} a ${from.replace(/_/g, ' ')} call`,
    access,
    oneShot: true,
    fixture: () => w.callIn(from, extra),
    request: (fx) => ({
      method: 'POST',
      url: `/api/v1/calls/${fx.callId}/transitions`,
      payload: { action, ...(reason ? { reason } : {}) },
    }),
    body: callDetail(to),
  });

  return {
    // ---- calls: reads (calls.read), requests, off-channel, the dashboard
    'GET /api/v1/calls': [
      {
        what: 'the calls of my office',
        access: CALL_READERS,
        fixture: () => w.callIn('requested'),
        request: () => ({ method: 'GET', url: '/api/v1/calls' }),
        body: (res, fx) =>
          expect(
            z
              .array(CallSummarySchema)
              .parse(res.json())
              .map((c) => c.id),
          ).toContain(fx.callId),
      },
    ],
    'GET /api/v1/calls/:id': [
      {
        what: 'one call',
        access: CALL_READERS,
        fixture: () => w.callIn('requested'),
        request: (fx) => ({ method: 'GET', url: `/api/v1/calls/${fx.callId}` }),
        body: callDetail('requested'),
      },
    ],
    'GET /api/v1/calls/:id/artifacts': [
      {
        what: "a call's briefings, memcons and readouts",
        access: CALL_READERS,
        fixture: () => w.callIn('memcon_final', { readoutDraft: true }),
        request: (fx) => ({ method: 'GET', url: `/api/v1/calls/${fx.callId}/artifacts` }),
        body: (res) => {
          const a = CallArtifactsSchema.parse(res.json());
          expect([a.briefings.length, a.memcons.length, a.readouts.length]).toEqual([1, 2, 1]);
        },
      },
    ],
    'GET /api/v1/calls/dashboard': [
      {
        what: 'the overdue dashboard',
        access: ['staff', 'secretariat', 'press', 'records'],
        request: () => ({ method: 'GET', url: '/api/v1/calls/dashboard' }),
        body: (res) => {
          CallsDashboardSchema.parse(res.json());
        },
      },
    ],
    'POST /api/v1/calls': [
      {
        what: 'requesting a call (calls.request; lifecycle request)',
        access: ['staff', 'liaison'],
        request: () => ({
          method: 'POST',
          url: '/api/v1/calls',
          payload: {
            ownerOfficeId: w.offices.get('us-potus')!,
            counterpartLeader: 'President Claudia Sheinbaum Pardo of Mexico',
            counterpartCountry: 'MX',
            purpose: 'Coordinate on the border and on security.',
            topics: ['Security'],
            urgency: 'routine',
            language: 'Spanish (interpreted)',
            requesterZone: 'America/New_York',
            proposedWindows: [{ start: '2026-03-10T09:00', end: '2026-03-10T10:00' }],
          },
        }),
        status: 201,
        body: (res) => expect(CallDetailSchema.parse(res.json()).state).toBe('requested'),
      },
    ],
    'POST /api/v1/calls/off-channel': [
      {
        what: 'logging off-channel contact (calls.logOffChannel; own office)',
        access: ['staff', 'secretariat'],
        request: () => ({
          method: 'POST',
          url: '/api/v1/calls/off-channel',
          payload: {
            ownerOfficeId: w.offices.get('us-potus')!,
            counterpartLeader: 'President Emmanuel Macron of France',
            counterpartCountry: 'FR',
            start: '2026-03-01T10:00:00Z',
            end: '2026-03-01T10:10:00Z',
            participants: ['The President'],
            summary: 'A short call on the cell phone about the summit.',
          },
        }),
        status: 201,
        body: (res) => {
          const d = CallDetailSchema.parse(res.json());
          expect([d.state, d.channel]).toEqual(['completed', 'off_channel']);
        },
      },
    ],
    'GET /api/v1/calls/:id/invite.ics': [
      {
        what: "my invitation to a scheduled call (participants; the secretariat's own too)",
        access: ['principal', 'secretariat', 'notetaker'],
        fixture: () => w.callIn('scheduled'),
        request: (fx) => ({ method: 'GET', url: `/api/v1/calls/${fx.callId}/invite.ics` }),
        body: hasText(
          /text\/calendar; charset=utf-8; method=REQUEST/,
          /BEGIN:VCALENDAR[\s\S]*METHOD:REQUEST/,
        ),
      },
    ],

    // ---- calls: each lifecycle step (who: calls-lifecycle.ts ACTIONS; office: the host, US)
    'POST /api/v1/calls/:id/transitions': [
      step('begin_review', 'requested', 'under_review', ['reviewer', 'secretariat']),
      step('decline', 'under_review', 'declined', ['reviewer'], {}, 'Not now.'),
      step('withdraw', 'requested', 'withdrawn', ['staff', 'liaison']),
      step('cancel', 'scheduled', 'cancelled', ['secretariat'], {}, 'The President travels.'),
      step('connect', 'scheduled', 'in_progress', ['secretariat']),
      step('brief', 'scheduled', 'briefed', ['reviewer', 'secretariat'], { briefing: true }),
      step('end', 'in_progress', 'completed', ['secretariat', 'principal']),
      step('finalize_memcon', 'memcon_draft', 'memcon_final', ['secretariat']),
      step('approve_readout', 'memcon_final', 'memcon_final', ['press'], { readoutDraft: true }),
      step('publish_readout', 'memcon_final', 'readout_published', ['press'], { readoutApproved: true }),
      step('waive_readout', 'memcon_final', 'readout_waived', ['press', 'secretariat'], {}, 'Agreed: none.'),
      step('close', 'readout_published', 'closed', ['secretariat']),
      step('close', 'readout_waived', 'closed', ['secretariat']),
    ],
    'POST /api/v1/calls/:id/reviews': [
      {
        what: 'an approving review of a call under review (recommend, approve)',
        access: ['reviewer'],
        oneShot: true,
        fixture: () => w.callIn('under_review'),
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/reviews`,
          payload: { recommendation: 'approve', notes: 'Timely and in our interest.' },
        }),
        body: callDetail('approved'),
      },
      {
        // begin_review is also the secretariat's, but recommend is the reviewer's alone.
        what: 'a declining review of a requested call (begin_review, recommend, decline)',
        access: ['reviewer'],
        oneShot: true,
        fixture: () => w.callIn('requested'),
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/reviews`,
          payload: { recommendation: 'decline', notes: 'Not the right moment.' },
        }),
        body: callDetail('declined'),
      },
    ],
    'PUT /api/v1/calls/:id/schedule': [
      {
        what: 'scheduling an approved call',
        access: ['secretariat'],
        oneShot: true,
        fixture: () => w.callIn('approved'),
        request: (fx) => w.schedule(fx),
        body: callDetail('scheduled'),
      },
      {
        what: 'rescheduling a scheduled call',
        access: ['secretariat'],
        fixture: () => w.callIn('scheduled'),
        request: (fx) => w.schedule(fx),
        body: callDetail('scheduled'),
      },
    ],
    'GET /api/v1/calls/:id/notes': [
      {
        what: "a listener's own notes on a scheduled call",
        access: ['notetaker'],
        fixture: () => w.callIn('scheduled'),
        request: (fx) => ({ method: 'GET', url: `/api/v1/calls/${fx.callId}/notes` }),
        body: (res) => expect(typeof res.json().body).toBe('string'),
      },
    ],
    'PUT /api/v1/calls/:id/notes': [
      {
        what: 'a listener saving their own notes on a scheduled call',
        access: ['notetaker'],
        fixture: () => w.callIn('scheduled'),
        request: (fx) => ({
          method: 'PUT',
          url: `/api/v1/calls/${fx.callId}/notes`,
          payload: { body: 'PM raised Arctic patrols.' },
        }),
        body: (res) => expect(res.json().body).toBe('PM raised Arctic patrols.'),
      },
    ],
    'POST /api/v1/calls/:id/schedule/answer': [
      {
        what: 'the host office answering its own scheduled time',
        access: [],
        fixture: () => w.callIn('scheduled'),
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/schedule/answer`,
          payload: { answer: 'accepted' },
        }),
        body: callDetail('scheduled'),
      },
      {
        what: 'the counterpart office (Canada, same role) accepting the scheduled time',
        access: ['secretariat', 'liaison', 'staff'],
        fixture: () => w.callIn('scheduled'),
        request: async (fx, caller) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/schedule/answer`,
          payload: { answer: 'accepted', note: 'The Prime Minister is free then.' },
          ...(caller === 'anonymous' ? {} : { headers: { cookie: await w.cookieFor(caller, 'ca-pmo') } }),
        }),
        body: (res) => {
          const d = CallDetailSchema.parse(res.json());
          expect(d.scheduleAnswers.at(-1)).toMatchObject({
            answer: 'accepted',
            officeName: expect.any(String),
          });
        },
      },
    ],
    'POST /api/v1/calls/:id/briefings': [
      {
        what: 'writing the briefing of an approved call',
        access: ['staff', 'reviewer'],
        fixture: () => w.callIn('approved'),
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/briefings`,
          payload: { backgroundMd: 'Background.', objectivesMd: 'Objectives.', talkingPointsMd: 'Points.' },
        }),
        status: 201,
        body: (res, fx) => expect(BriefingVersionSchema.parse(res.json()).callId).toBe(fx.callId),
      },
    ],
    'POST /api/v1/calls/:id/briefings/approve': [
      {
        what: 'approving the briefing of a scheduled call',
        access: ['reviewer', 'secretariat'],
        oneShot: true,
        fixture: () => w.callIn('scheduled', { briefing: true }),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/briefings/approve` }),
        body: callDetail('briefed'),
      },
    ],
    'POST /api/v1/calls/:id/memcons': [
      {
        what: 'drafting the memcon of a completed call',
        access: ['notetaker'],
        oneShot: true,
        fixture: () => w.callIn('completed'),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/memcons`, payload: MEMCON }),
        status: 201,
        body: (res) =>
          expect(SavedMemconSchema.parse(res.json())).toMatchObject({
            version: 1,
            final: false,
            correction: false,
          }),
      },
      {
        what: 'editing the memcon draft',
        access: ['notetaker'],
        fixture: () => w.callIn('memcon_draft'),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/memcons`, payload: MEMCON }),
        status: 201,
        body: (res) =>
          expect(SavedMemconSchema.parse(res.json())).toMatchObject({ final: false, correction: false }),
      },
      {
        what: 'correcting the final memcon',
        access: ['notetaker', 'secretariat'],
        fixture: () => w.callIn('memcon_final'),
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/memcons`,
          payload: { ...MEMCON, correctionReason: 'The date was wrong.' },
        }),
        status: 201,
        body: (res) =>
          expect(SavedMemconSchema.parse(res.json())).toMatchObject({ final: true, correction: true }),
      },
    ],
    'POST /api/v1/calls/:id/memcons/finalize': [
      {
        what: 'finalizing the memcon draft',
        access: ['secretariat'],
        oneShot: true,
        fixture: () => w.callIn('memcon_draft'),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/memcons/finalize` }),
        body: callDetail('memcon_final'),
      },
    ],
    'POST /api/v1/calls/:id/readouts': [
      {
        what: 'drafting the readout',
        access: ['press'],
        fixture: () => w.callIn('memcon_final'),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/readouts`, payload: READOUT }),
        status: 201,
        body: (res, fx) =>
          expect(ReadoutVersionSchema.parse(res.json())).toMatchObject({
            callId: fx.callId,
            status: 'draft',
          }),
      },
    ],
    'GET /api/v1/calls/:id/readouts/draft': [
      {
        what: 'a readout drafted from the final memcon',
        access: ['press'],
        fixture: () => w.callIn('memcon_final'),
        request: (fx) => ({ method: 'GET', url: `/api/v1/calls/${fx.callId}/readouts/draft` }),
        body: (res) => {
          // Only the memcon's unclassified paragraphs make it into a public draft.
          const draft = ReadoutDraftSchema.parse(res.json());
          expect(draft.bodyMd).toMatch(/thanked the Prime Minister for the call/);
          expect(draft.bodyMd).not.toMatch(/Raised the steel tariffs/);
        },
      },
    ],
    'POST /api/v1/calls/:id/readouts/approve': [
      {
        what: 'approving the latest readout version',
        access: ['press'],
        oneShot: true,
        fixture: () => w.callIn('memcon_final', { readoutDraft: true }),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/readouts/approve` }),
        body: callDetail('memcon_final'),
      },
    ],
    'POST /api/v1/calls/:id/call-log': [
      {
        what: 'recording who was on a secure-line call',
        access: ['secretariat'],
        fixture: () => w.callIn('in_progress', { secureLine: true }),
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/call-log`,
          payload: { entries: [{ name: 'Prime Minister Mark Carney', kind: 'joined' }] },
        }),
        status: 201,
        body: (res) =>
          expect(CallDetailSchema.parse(res.json()).callLog.entries.map((e) => e.name)).toContain(
            'Prime Minister Mark Carney',
          ),
      },
    ],
    'POST /api/v1/calls/:id/readouts/publish': [
      {
        what: 'publishing the approved readout',
        access: ['press'],
        oneShot: true,
        fixture: () => w.callIn('memcon_final', { readoutApproved: true }),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/readouts/publish` }),
        body: callDetail('readout_published'),
      },
    ],

    'POST /api/v1/calls/:id/readouts/correct': [
      {
        what: 'correcting the published readout',
        access: ['press'],
        oneShot: true,
        fixture: () => w.callIn('readout_published'),
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/readouts/correct`,
          payload: {
            title: 'Readout of the call',
            bodyMd: 'The leaders spoke, corrected.',
            reason: 'A typo.',
          },
        }),
        body: callDetail('readout_published'),
      },
    ],
    'POST /api/v1/calls/:id/readouts/withdraw': [
      {
        what: 'withdrawing the published readout',
        access: ['press'],
        oneShot: true,
        fixture: () => w.callIn('readout_published'),
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/readouts/withdraw`,
          payload: { reason: 'Published by mistake.' },
        }),
        body: callDetail('readout_published'),
      },
    ],

    // ---- in-app calls: any session may open the socket; joining is for the call's participants
    'GET /api/v1/live': {
      websocket: true,
      note: 'anonymous is refused (4401); principal and note-taker (a listener) join; others are not on the call',
    },
  };
}
