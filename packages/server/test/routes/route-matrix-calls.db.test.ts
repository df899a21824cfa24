import { CallDetailSchema, LIVE_CLOSE, LiveServerMessageSchema } from '@hotline/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { z } from 'zod';
import { ROLES, type Role } from '../../src/policy/roles.js';
import { callRoutes } from './matrix/calls.js';
import {
  type CallExtras,
  expectProblem,
  MEMCON,
  type Req,
  runMatrix,
  type Stage,
  setupMatrix,
} from './matrix/harness.js';

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
   * its people can see them (policy.ts canSeeCall) but take no host-office step; France is no
   * party at all, so the calls do not exist for it (404, not a hint that they exist).
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
        'writes the briefing of',
        'staff',
        'approved',
        {},
        (id) => ({
          method: 'POST',
          url: `/api/v1/calls/${id}/briefings`,
          payload: { backgroundMd: 'B', objectivesMd: 'O', talkingPointsMd: 'T' },
        }),
      ],
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
        'drafts the memcon of',
        'notetaker',
        'completed',
        {},
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/memcons`, payload: MEMCON }),
      ],
      [
        'finalizes the memcon of',
        'secretariat',
        'memcon_draft',
        {},
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/memcons/finalize` }),
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
