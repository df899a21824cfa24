import {
  CallArtifactsSchema,
  CallDetailSchema,
  LIVE_CLOSE,
  LiveServerMessageSchema,
} from '@hotline/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { z } from 'zod';
import { ROLES, type Role } from '../../src/policy/roles.js';
import { callRoutes } from './matrix/calls.js';
import {
  CALL_READERS,
  type CallExtras,
  expectProblem,
  MEMCON,
  type Req,
  runMatrix,
  type Stage,
  setupMatrix,
} from './matrix/harness.js';
import {
  type ArtifactKind,
  callRequests,
  callRoutesToSweep,
  expectNoLeak,
  leaks,
  OFFICE_SLUGS,
  OFFICE_WIDE,
  PLANTED,
  plantedCall,
  SIGHT,
} from './matrix/offices.js';

/**
 * The route × role matrix (matrix/harness.ts) for calls: reads, requests, each lifecycle step and
 * the artifacts; which office may take which step; and the live socket.
 */
describe('route × role matrix: calls', () => {
  const w = setupMatrix();
  runMatrix(w, callRoutes(w));

  // ---------------------------------------------------------------- office scoping

  /**
   * The same roles in another office. Canada is the counterpart office of the fixture calls, so
   * its people see their shared facts (policy.ts callPartyOf) and keep their own briefing and
   * memcon, but take no host-office step; France is no party at all, so the calls do not exist
   * for it (404, not a hint that they exist). What each office sees: the next describe.
   */
  describe('office scoping', () => {
    const HOST_ONLY = /only the office whose leader takes the call may/;

    const hostSteps: [string, Role, Stage, CallExtras, (id: string) => Req][] = [
      [
        'begins review of',
        'reviewer',
        'requested',
        {},
        (id) => ({
          method: 'POST',
          url: `/api/v1/calls/${id}/transitions`,
          payload: { action: 'begin_review' },
        }),
      ],
      [
        'reviews',
        'reviewer',
        'under_review',
        {},
        (id) => ({
          method: 'POST',
          url: `/api/v1/calls/${id}/reviews`,
          payload: { recommendation: 'approve', notes: 'Fine by us.' },
        }),
      ],
      ['schedules', 'secretariat', 'approved', {}, (id) => w.schedule({ callId: id })],
      [
        'connects',
        'secretariat',
        'scheduled',
        {},
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/transitions`, payload: { action: 'connect' } }),
      ],
      [
        'ends',
        'principal',
        'in_progress',
        {},
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/transitions`, payload: { action: 'end' } }),
      ],
      [
        'publishes the readout of',
        'press',
        'memcon_final',
        { readoutDraft: true },
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/readouts/publish` }),
      ],
      [
        'closes',
        'secretariat',
        'readout_published',
        {},
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/transitions`, payload: { action: 'close' } }),
      ],
    ];
    for (const [verb, role, stage, extra, req] of hostSteps) {
      it(`a ${role} of Canada (the counterpart) ${verb} a US call: refused (403)`, async () => {
        const { callId } = await w.callIn(stage, extra);
        const before = await w.callState(callId);
        await w.refusedOnCall(await w.send(role, 'ca-pmo', req(callId)), 403, callId, before, HOST_ONLY);
      });
      it(`a ${role} of France (no party) ${verb} a US call: not found (404)`, async () => {
        const { callId } = await w.callIn(stage, extra);
        const before = await w.callState(callId);
        await w.refusedOnCall(await w.send(role, 'fr-elysee', req(callId)), 404, callId, before);
      });
    }

    // The same requests by Canada write Canada's own briefing and memcon: see the offices tests below.
    const ownSteps: [string, Role, Stage, (id: string) => Req, number][] = [
      [
        'writes its own briefing of',
        'staff',
        'approved',
        (id) => ({
          method: 'POST',
          url: `/api/v1/calls/${id}/briefings`,
          payload: { backgroundMd: 'B', objectivesMd: 'O', talkingPointsMd: 'T' },
        }),
        201,
      ],
      [
        'drafts its own memcon of',
        'notetaker',
        'completed',
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/memcons`, payload: MEMCON }),
        201,
      ],
      [
        'finalizes (with no draft of its own) the memcon of',
        'secretariat',
        'memcon_draft',
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/memcons/finalize` }),
        409,
      ],
    ];
    for (const [verb, role, stage, req, status] of ownSteps) {
      it(`a ${role} of Canada (the counterpart) ${verb} a US call: ${status}, the host's call and artifacts untouched`, async () => {
        const { callId } = await w.callIn(stage);
        const before = await w.callState(callId);
        const hostArt = () =>
          w.send('secretariat', 'us-potus', { method: 'GET', url: `/api/v1/calls/${callId}/artifacts` });
        const hostBefore = (await hostArt()).body;
        const res = await w.send(role, 'ca-pmo', req(callId));
        expect(res.statusCode, res.body).toBe(status);
        expect(await w.callState(callId)).toEqual(before);
        expect((await hostArt()).body).toBe(hostBefore);
      });
      it(`a ${role} of France (no party) ${verb} a US call: not found (404)`, async () => {
        const { callId } = await w.callIn(stage);
        const before = await w.callState(callId);
        await w.refusedOnCall(await w.send(role, 'fr-elysee', req(callId)), 404, callId, before);
      });
    }

    it('a reviewer of France cannot read a US call, nor find it in its lists', async () => {
      const { callId } = await w.callIn('requested');
      expectProblem(
        await w.send('reviewer', 'fr-elysee', { method: 'GET', url: `/api/v1/calls/${callId}` }),
        404,
      );
      expectProblem(
        await w.send('reviewer', 'fr-elysee', { method: 'GET', url: `/api/v1/calls/${callId}/artifacts` }),
        404,
      );
      const listed = await w.send('reviewer', 'fr-elysee', { method: 'GET', url: '/api/v1/calls' });
      expect(listed.json().map((c: { id: string }) => c.id)).not.toContain(callId);
      // The counterpart office does see it.
      const ca = await w.send('reviewer', 'ca-pmo', { method: 'GET', url: `/api/v1/calls/${callId}` });
      expect(CallDetailSchema.parse(ca.json()).allowedActions).toEqual([]);
    });

    it("the counterpart's principal downloads an invitation; a principal of no party gets 404", async () => {
      const { callId } = await w.callIn('scheduled');
      const ca = await w.send('principal', 'ca-pmo', {
        method: 'GET',
        url: `/api/v1/calls/${callId}/invite.ics`,
      });
      expect(ca.statusCode, ca.body).toBe(200);
      expect(ca.body).toMatch(/BEGIN:VCALENDAR/);
      expectProblem(
        await w.send('principal', 'fr-elysee', { method: 'GET', url: `/api/v1/calls/${callId}/invite.ics` }),
        404,
      );
    });

    it("invitations for others: the host secretariat gets anyone's on the call; the counterpart's only its own office's; nobody gets one for a person not on the call", async () => {
      const { callId } = await w.callIn('scheduled');
      const ics = (who: Role, slug: string, userId: string) =>
        w.send(who, slug, { method: 'GET', url: `/api/v1/calls/${callId}/invite.ics?userId=${userId}` });
      const usPrincipal = w.us('principal').userId;
      const caPrincipal = w.us('principal', 'ca-pmo').userId;
      // The host office's secretariat sends every invitation, the counterpart principal's too.
      const host = await ics('secretariat', 'us-potus', caPrincipal);
      expect(host.statusCode, host.body).toBe(200);
      expect(host.body).toMatch(/BEGIN:VCALENDAR/);
      // Canada's secretariat: its own Prime Minister's invitation, not the President's (his address).
      const own = await ics('secretariat', 'ca-pmo', caPrincipal);
      expect(own.statusCode, own.body).toBe(200);
      const theirs = await ics('secretariat', 'ca-pmo', usPrincipal);
      expectProblem(theirs, 403);
      expect(theirs.body).not.toContain('potus@');
      // The press secretary is not on the call: no invitation for her, even from the host secretariat.
      expectProblem(await ics('secretariat', 'us-potus', w.us('press').userId), 403);
      // Someone not on the call and not the secretariat: none of their own either.
      expectProblem(
        await w.send('press', 'us-potus', { method: 'GET', url: `/api/v1/calls/${callId}/invite.ics` }),
        403,
      );
    });

    it('withdrawing is for the requesting office: a Canadian liaison asks for a call with the President, US staff may not withdraw it, the liaison may', async () => {
      const r = await w.send('liaison', 'ca-pmo', {
        method: 'POST',
        url: '/api/v1/calls',
        payload: {
          ownerOfficeId: w.offices.get('us-potus')!,
          counterpartOfficeId: w.offices.get('ca-pmo')!,
          counterpartLeader: 'Prime Minister Mark Carney of Canada',
          counterpartCountry: 'CA',
          purpose: 'The Prime Minister asks to discuss the tariffs.',
          topics: ['Trade'],
          urgency: 'priority',
          language: 'English',
          requesterZone: 'America/Toronto',
          proposedWindows: [{ start: '2026-03-10T09:00', end: '2026-03-10T10:00' }],
        },
      });
      expect(r.statusCode, r.body).toBe(201);
      const callId = CallDetailSchema.parse(r.json()).id;
      const before = await w.callState(callId);
      const withdraw: Req = {
        method: 'POST',
        url: `/api/v1/calls/${callId}/transitions`,
        payload: { action: 'withdraw' },
      };
      const byUsStaff = await w.app.inject({
        ...withdraw,
        headers: { cookie: w.cookies.get('staff')! },
      } as never);
      await w.refusedOnCall(byUsStaff, 403, callId, before, /only the office that requested the call may/);
      const ok = await w.send('liaison', 'ca-pmo', withdraw);
      expect(ok.statusCode, ok.body).toBe(200);
      expect(CallDetailSchema.parse(ok.json()).state).toBe('withdrawn');
    });

    it('staff of Canada cannot withdraw a call the US office requested: refused (403)', async () => {
      const { callId } = await w.callIn('requested');
      const before = await w.callState(callId);
      await w.refusedOnCall(
        await w.send('staff', 'ca-pmo', {
          method: 'POST',
          url: `/api/v1/calls/${callId}/transitions`,
          payload: { action: 'withdraw' },
        }),
        403,
        callId,
        before,
        /only the office that requested the call may/,
      );
    });

    it('the secretariat of Canada cannot log off-channel contact for the US office: refused (403)', async () => {
      const res = await w.send('secretariat', 'ca-pmo', {
        method: 'POST',
        url: '/api/v1/calls/off-channel',
        payload: {
          ownerOfficeId: w.offices.get('us-potus')!,
          counterpartLeader: 'President Emmanuel Macron of France',
          counterpartCountry: 'FR',
          start: '2026-03-01T10:00:00Z',
          end: '2026-03-01T10:10:00Z',
          participants: ['The President'],
          summary: 'A call the US office did not log.',
        },
      });
      expectProblem(res, 403);
      expect(res.json().detail).toMatch(/only the office whose leader takes the call may/);
    });
  });

  // ---------------------------------------------------------------- host, counterpart, third office

  /**
   * The office dimension (matrix/offices.ts): for each artifact kind, planted with marker strings,
   * the host, the counterpart and a third office each see it, get no field of it, or get 404 for
   * the whole call; and a sweep of every call route × every role of the counterpart and the third
   * office finds no marker of what they may not see in any answer (the host's likewise for the
   * counterpart's own briefing and memcon).
   */
  describe('offices: host, counterpart, third office', () => {
    const calls = { draft: '', published: '', waived: '' };
    beforeAll(async () => {
      for (const end of ['draft', 'published', 'waived'] as const)
        calls[end] = (await plantedCall(w, end)).callId;
    }, 180_000);
    const ghost = '0190aaaa-0000-7000-8000-000000000000';

    it('the sweep covers every call route', () => {
      expect(Object.keys(callRequests(w, ghost)).sort()).toEqual(callRoutesToSweep(w).sort());
    });

    it("the counterpart sees the call's shared facts and shared steps, its own artifacts, and none of the host's internal steps", async () => {
      const res = await w.send('secretariat', 'ca-pmo', {
        method: 'GET',
        url: `/api/v1/calls/${calls.published}`,
      });
      const c = CallDetailSchema.parse(res.json());
      expect(c.proposedWindows).toHaveLength(1);
      expect(c.scheduledStart).not.toBeNull();
      expect([c.principal?.id, c.counterpartPrincipal?.id]).toEqual([
        w.us('principal').userId,
        w.us('principal', 'ca-pmo').userId,
      ]);
      expect(c.listeners.map((l) => l.id)).toEqual([w.us('notetaker').userId]);
      expect(c.reviews).toEqual([]);
      expect(c.approvals).toBeNull();
      expect(c.readoutDueAt).toBeNull();
      expect(c.waiveReason).toBeNull();
      const steps = c.timeline.filter((t) => t.kind === 'transition');
      expect(steps.map((t) => t.label)).toEqual([
        'Request a call',
        'Approve',
        'Schedule',
        'Connect the call',
        'End the call',
        'Publish the readout',
      ]);
      // The answer to the request, without who reviewed it or why.
      expect(steps[1]).toMatchObject({ actor: null, reason: null });
      expect(c.timeline.filter((t) => t.kind === 'review')).toEqual([]);
      // Its own briefing and memcon versions, the published readout only.
      expect(
        c.timeline.filter((t) => ['briefing', 'memcon', 'readout'].includes(t.kind)).map((t) => t.label),
      ).toEqual(['Briefing v1 (approved)', 'Memcon v1 draft', 'Memcon v2 final', 'Readout v3 published']);
      // Its own memcon is final: its own deadline is met.
      expect(c.overdue).toEqual([]);
      // Its own steps: correct its final memcon; no host step.
      expect(c.allowedActions).toEqual(['correct_counterpart_memcon']);
      const art = CallArtifactsSchema.parse(
        (
          await w.send('secretariat', 'ca-pmo', {
            method: 'GET',
            url: `/api/v1/calls/${calls.published}/artifacts`,
          })
        ).json(),
      );
      expect(art.readouts.map((r) => r.status)).toEqual(['published']);
      expect(art.briefings.map((b) => b.authorId)).toEqual([w.us('staff', 'ca-pmo').userId]);
      expect(art.memcons.map((m) => m.status)).toEqual(['draft', 'final']);
      // The host's readout draft is not there for it to ask about.
      expectProblem(
        await w.send('press', 'ca-pmo', {
          method: 'GET',
          url: `/api/v1/calls/${calls.draft}/readouts/draft`,
        }),
        404,
      );
    });

    const callOf = (kind: ArtifactKind) =>
      kind === 'hostWaiver' ? calls.waived : kind === 'hostReadoutDraft' ? calls.draft : calls.draft;
    for (const office of ['host', 'counterpart', 'third'] as const) {
      for (const kind of Object.keys(SIGHT) as ArtifactKind[]) {
        const sight = SIGHT[kind][office];
        it(`${kind}: the ${office} office ${sight === 'sees' ? 'sees it' : sight === 'absent' ? 'gets no field of it' : 'gets 404 for the call'} (every call reader)`, async () => {
          const id = callOf(kind);
          for (const role of CALL_READERS) {
            const detail = await w.send(role, OFFICE_SLUGS[office], {
              method: 'GET',
              url: `/api/v1/calls/${id}`,
            });
            const art = await w.send(role, OFFICE_SLUGS[office], {
              method: 'GET',
              url: `/api/v1/calls/${id}/artifacts`,
            });
            if (sight === '404') {
              expectProblem(detail, 404);
              expectProblem(art, 404);
            } else {
              expect(detail.statusCode, detail.body).toBe(200);
              expect(art.statusCode, art.body).toBe(200);
            }
            const found = leaks(detail.body + art.body, [kind]);
            expect(found, `${role} of ${office}`).toEqual(sight === 'sees' ? [...PLANTED[kind]] : []);
          }
        });
      }
    }

    for (const office of ['counterpart', 'third'] as const) {
      for (const end of ['draft', 'published', 'waived'] as const) {
        it(`every answer the ${office} office gets about a call (${end} readout), on every call route as every role, carries nothing it may not see${office === 'third' ? ', and is the answer for a call that does not exist' : ''}`, async () => {
          const id = calls[end];
          const before = await w.callState(id);
          const hostBefore = (
            await w.send('secretariat', 'us-potus', { method: 'GET', url: `/api/v1/calls/${id}/artifacts` })
          ).body;
          const ghostReqs = callRequests(w, ghost);
          for (const role of ROLES) {
            for (const [route, reqs] of Object.entries(callRequests(w, id))) {
              for (const [i, req] of reqs.entries()) {
                const res = await w.send(role, OFFICE_SLUGS[office], req);
                expectNoLeak(res, office, `${role} of ${office}: ${req.method} ${req.url}`);
                if (office === 'third' && !OFFICE_WIDE.includes(route)) {
                  const none = await w.send(role, OFFICE_SLUGS[office], ghostReqs[route]![i]!);
                  expect(res.statusCode, `${role}: ${req.method} ${req.url}: ${res.body}`).toBe(
                    none.statusCode,
                  );
                  if (res.statusCode === 404) expect(res.body).toBe(none.body.replaceAll(ghost, id));
                }
                if (office === 'third' && OFFICE_WIDE.includes(route)) expect(res.body).not.toContain(id);
              }
            }
          }
          // Nothing any of them did moved the host's call or touched the host's artifacts.
          expect(await w.callState(id)).toEqual(before);
          expect(
            (await w.send('secretariat', 'us-potus', { method: 'GET', url: `/api/v1/calls/${id}/artifacts` }))
              .body,
          ).toBe(hostBefore);
        });
      }
    }

    it("no answer the host office reads (every role) carries the counterpart office's own briefing or memcon, nor names their authors", async () => {
      const caAuthors = ['staff', 'reviewer', 'notetaker', 'secretariat'].map(
        (r) => w.us(r as Role, 'ca-pmo').displayName,
      );
      for (const id of Object.values(calls)) {
        for (const role of ROLES) {
          for (const [route, reqs] of Object.entries(callRequests(w, id))) {
            if (!route.startsWith('GET')) continue;
            for (const req of reqs) {
              const res = await w.send(role, 'us-potus', req);
              expectNoLeak(res, 'host', `${role} of the host: ${req.method} ${req.url}`);
              for (const name of caAuthors) expect(res.body, `${req.url}`).not.toContain(name);
            }
          }
        }
      }
    });

    it("the counterpart is told of its own principal's clashing calls, never of the host principal's other calls", async () => {
      const { requests, scheduling } = w.t.ctx.calls;
      const macron = await requests.request(w.us('staff'), {
        ownerOfficeId: w.offices.get('us-potus')!,
        counterpartOfficeId: w.offices.get('fr-elysee')!,
        counterpartLeader: 'QX7-President Emmanuel Macron of France',
        counterpartCountry: 'FR',
        purpose: 'A call at the same time as the Canadian one.',
        topics: ['Trade'],
        urgency: 'routine',
        language: 'French',
        requesterZone: 'America/New_York',
        proposedWindows: [{ start: '2026-03-09T09:00', end: '2026-03-09T11:00' }],
      });
      await requests.review(w.us('reviewer'), macron, {
        recommendation: 'approve',
        notes: 'Yes.',
        risks: '',
      });
      const detail = (slug: string) =>
        w.send('secretariat', slug, { method: 'GET', url: `/api/v1/calls/${calls.draft}` });
      const start = CallDetailSchema.parse((await detail('us-potus')).json()).scheduledStart!;
      await scheduling.schedule(w.us('secretariat'), macron, {
        start,
        durationMin: 30,
        channel: 'secure_line',
        principalId: w.us('principal').userId,
        counterpartPrincipalId: w.us('principal', 'fr-elysee').userId,
        interpreterIds: [],
        listenerIds: [],
      });
      expect((await detail('us-potus')).body).toContain('QX7-President Emmanuel Macron');
      const ca = await detail('ca-pmo');
      expect(ca.statusCode).toBe(200);
      expect(ca.body).not.toContain('QX7-President Emmanuel Macron');
    });

    it("calendar invitations carry no office's internal content, for either office's people", async () => {
      const id = calls.draft;
      for (const [who, slug] of [
        ['principal', 'us-potus'],
        ['principal', 'ca-pmo'],
        ['notetaker', 'us-potus'],
      ] as const) {
        const res = await w.send(who, slug, { method: 'GET', url: `/api/v1/calls/${id}/invite.ics` });
        expect(res.statusCode, res.body).toBe(200);
        expect(leaks(res.body, Object.keys(PLANTED) as ArtifactKind[])).toEqual([]);
        // Nor the topics or purpose: who talks to whom, and when.
        expect(res.body).not.toMatch(/steel tariffs|Trade/);
      }
    });
  });

  // ---------------------------------------------------------------- the WebSocket

  describe('GET /api/v1/live (WebSocket)', () => {
    let callId = '';
    beforeAll(async () => {
      // Scheduled 10 minutes from now on the hotline channel: the join window is open.
      callId = (await w.callIn('scheduled')).callId!;
    });

    async function open(cookie?: string) {
      const ws = new WebSocket(`${w.baseUrl.replace('http', 'ws')}/api/v1/live`, {
        headers: { origin: w.t.cfg.publicUrl, ...(cookie ? { cookie } : {}) },
      });
      const inbox: z.infer<typeof LiveServerMessageSchema>[] = [];
      let closed: number | null = null;
      ws.on('message', (d) => inbox.push(LiveServerMessageSchema.parse(JSON.parse(d.toString()))));
      const closing = new Promise<number>((res) =>
        ws.on('close', (code) => {
          closed = code;
          res(code);
        }),
      );
      await new Promise((res, rej) => {
        ws.once('open', res);
        ws.once('error', rej);
      });
      const next = async (...types: string[]) => {
        for (let i = 0; i < 200; i++) {
          const m = inbox.find((x) => types.includes(x.type));
          if (m) return m;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error(`no ${types.join('/')} message; got ${JSON.stringify(inbox)} (closed: ${closed})`);
      };
      return { ws, next, closing, send: (m: unknown) => ws.send(JSON.stringify(m)) };
    }

    it('anonymous: refused (unauthenticated, closed with 4401)', async () => {
      const c = await open();
      c.send({ type: 'join', callId });
      expect(await c.next('error', 'joined')).toMatchObject({
        type: 'error',
        code: 'unauthenticated',
        fatal: true,
      });
      expect(await c.closing).toBe(LIVE_CLOSE.unauthenticated);
    });

    const ON_CALL: Partial<Record<Role, 'principal' | 'listener'>> = {
      principal: 'principal',
      notetaker: 'listener',
    };
    for (const role of ROLES) {
      const grant = ON_CALL[role];
      it(`${role}: ${grant ? `joins as ${grant}` : 'connects, but may not join a call it is not on'}`, async () => {
        const c = await open(w.cookies.get(role)!);
        c.send({ type: 'join', callId });
        const m = await c.next('error', 'joined');
        if (grant) {
          expect(m).toMatchObject({
            type: 'joined',
            callId,
            you: { role: grant, canSend: grant !== 'listener' },
          });
          c.send({ type: 'leave' });
        } else {
          expect(m).toMatchObject({ type: 'error', code: 'forbidden' });
          if (m.type === 'error') expect(m.detail).toMatch(/not a participant of this call/);
        }
        c.ws.close();
        await c.closing;
      });
    }
  });
});
