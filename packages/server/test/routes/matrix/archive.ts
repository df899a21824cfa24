import { expect } from 'vitest';
import { newActor } from '../../helpers/builders.js';
import type { MatrixWorld, RouteTable } from './harness.js';

const DISPOSAL = {
  basis: 'personal' as const,
  reason: 'Personal; not a presidential record.',
  archivistViews: 'No objection (44 U.S.C. 2203(b)).',
  archivistViewsOn: '2026-03-02',
};

/** The archive at work (archive.* in policy.ts: records officers of the office). */
export const archiveRoutes = (w: MatrixWorld): RouteTable => {
  const officer = async () => newActor(w.t.ctx, w.offices.get('us-potus')!, ['records']);
  /** A transfer of a scope that matches nothing, run to its end (quick). */
  const finishedTransfer = async () => {
    await w.t.ctx.transferJobs.idle();
    const j = w.t.ctx.transferJobs.start(await officer(), { q: 'zqxjkvw-matrix-nothing' });
    await w.t.ctx.transferJobs.idle();
    return { transferId: j.id };
  };
  const personalItem = async () => {
    const us = w.offices.get('us-potus')!;
    const row = await w.t.ctx.db
      .selectFrom('captured_items as i')
      .innerJoin('capture_accounts as a', 'a.id', 'i.account_id')
      .innerJoin('users as u', 'u.id', 'a.owner_id')
      .select('i.id')
      .where('u.office_id', '=', us)
      .where('a.official', '=', false)
      .where('i.category', '=', 'personal')
      // Not the item the hold fixtures place holds on (a held item may not be disposed of).
      .where('i.id', '!=', w.ids.capturedItem)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('legal_hold_items as h').select('h.ref_id').whereRef('h.ref_id', '=', 'i.id'))),
      )
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('disposal_requests as d').select('d.id').whereRef('d.item_id', '=', 'i.id'))),
      )
      .orderBy('i.id')
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const hold = async () => {
    const r = await w.t.ctx.archive.placeHold(await officer(), {
      matter: `Matrix ${w.next()}`,
      reason: 'Preservation letter.',
      scope: { kind: 'records', records: [{ refKind: 'captured_item', refId: w.ids.capturedItem }] },
    });
    return { holdId: r.id };
  };
  const request = async () => {
    const r = await w.t.ctx.accessRequests.file(await officer(), {
      requesterKind: 'congress',
      requester: `Committee ${w.next()}`,
      legalBasis: '44 U.S.C. 2205(2)(C)',
      scope: { kind: 'records', records: [{ refKind: 'captured_item', refId: w.ids.capturedItem }] },
      receivedOn: '2026-03-02',
      dueOn: '2026-06-30',
    });
    return { requestId: r.id };
  };
  const notified = async () => {
    const fx = await request();
    await w.t.ctx.accessRequests.recordNotice(
      await officer(),
      fx.requestId,
      'incumbent_president',
      '2026-03-02',
    );
    return fx;
  };
  const redacted = async () => {
    const fx = await request();
    await w.t.ctx.redactions.redact(
      await officer(),
      { refKind: 'captured_item', refId: w.ids.capturedItem },
      [{ start: 0, end: 1, reason: '(b)(6)' }],
      fx.requestId,
    );
    return fx;
  };
  return {
    'POST /api/v1/archive/search': [
      {
        what: 'searching the archive',
        access: ['records'],
        request: () => ({
          method: 'POST',
          url: '/api/v1/archive/search',
          payload: { q: 'G7', page: 1, pageSize: 5 },
        }),
        body: (res) =>
          expect(res.json()).toMatchObject({ total: expect.any(Number), recordSeq: expect.any(Number) }),
      },
    ],
    'GET /api/v1/archive/records/:refKind/:refId': [
      {
        what: 'opening an archive record',
        access: ['records'],
        request: () => ({
          method: 'GET',
          url: `/api/v1/archive/records/captured_item/${w.ids.capturedItem}`,
        }),
        body: (res) =>
          expect(res.json()).toMatchObject({
            refId: w.ids.capturedItem,
            provenance: { seq: expect.any(Number) },
          }),
      },
    ],
    'GET /api/v1/archive/records/:refKind/:refId/access': [
      {
        what: "a record's access history",
        access: ['records'],
        request: () => ({
          method: 'GET',
          url: `/api/v1/archive/records/captured_item/${w.ids.capturedItem}/access`,
        }),
        body: (res) => expect(Array.isArray(res.json())).toBe(true),
      },
    ],
    'GET /api/v1/archive/holds': [
      {
        what: 'the legal holds',
        access: ['records'],
        request: () => ({ method: 'GET', url: '/api/v1/archive/holds' }),
        body: (res) => expect(Array.isArray(res.json())).toBe(true),
      },
    ],
    'POST /api/v1/archive/holds': [
      {
        what: 'placing a legal hold',
        access: ['records'],
        request: () => ({
          method: 'POST',
          url: '/api/v1/archive/holds',
          payload: {
            matter: `Matrix ${w.next()}`,
            reason: 'Preservation letter.',
            scope: { kind: 'records', records: [{ refKind: 'captured_item', refId: w.ids.capturedItem }] },
          },
        }),
        status: 201,
        body: (res) => expect(res.json()).toMatchObject({ items: 1, recordSeq: expect.any(Number) }),
      },
    ],
    'POST /api/v1/archive/holds/:id/release': [
      {
        what: 'releasing a legal hold',
        access: ['records'],
        fixture: hold,
        oneShot: true,
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/archive/holds/${fx.holdId as string}/release`,
          payload: { reason: 'Matter closed.' },
        }),
        body: (res, fx) => expect(res.json()).toMatchObject({ id: fx.holdId, recordSeq: expect.any(Number) }),
      },
    ],
    'POST /api/v1/archive/captured-items/:id/dispose': [
      {
        what: 'disposing of a personal captured item',
        access: ['records'],
        fixture: async () => {
          const itemId = await personalItem();
          await w.t.ctx.disposals.request(await officer(), { itemId, ...DISPOSAL });
          return { itemId };
        },
        oneShot: true,
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/archive/captured-items/${fx.itemId as string}/dispose`,
          payload: { reason: 'Personal; not a presidential record.' },
        }),
        body: (res, fx) => expect(res.json()).toMatchObject({ itemId: fx.itemId }),
      },
    ],
    'POST /api/v1/archive/records/:refKind/:refId/redactions': [
      {
        what: 'making a redacted copy of a record',
        access: ['records'],
        fixture: request,
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/archive/records/captured_item/${w.ids.capturedItem}/redactions`,
          payload: { requestId: fx.requestId, redactions: [{ start: 0, end: 1, reason: '(b)(6)' }] },
        }),
        status: 201,
        body: (res) => expect(res.json().body.startsWith('[REDACTED (b)(6)]')).toBe(true),
      },
    ],
    'GET /api/v1/archive/records/:refKind/:refId/redactions': [
      {
        what: "a record's redacted copies",
        access: ['records'],
        request: () => ({
          method: 'GET',
          url: `/api/v1/archive/records/captured_item/${w.ids.capturedItem}/redactions`,
        }),
        body: (res) => expect(Array.isArray(res.json())).toBe(true),
      },
    ],
    'POST /api/v1/archive/requests/:id/export': [
      {
        what: 'answering an access request with a redacted export',
        access: ['records'],
        fixture: redacted,
        oneShot: true,
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/archive/requests/${fx.requestId as string}/export`,
        }),
        status: 201,
        body: (res) => expect(res.headers['content-type']).toBe('application/zip'),
      },
    ],
    'POST /api/v1/archive/transfers': [
      {
        what: 'starting a transfer to the national archive (a scope that matches nothing: quick)',
        access: ['records'],
        fixture: async () => {
          await w.t.ctx.transferJobs.idle();
          return {};
        },
        oneShot: true,
        request: () => ({
          method: 'POST',
          url: '/api/v1/archive/transfers',
          payload: { search: { q: 'zqxjkvw-matrix-nothing' } },
        }),
        status: 202,
        body: (res) => expect(res.json()).toMatchObject({ status: 'running', done: 0 }),
      },
    ],
    'GET /api/v1/archive/transfers/:id': [
      {
        what: "a transfer's progress and result",
        access: ['records'],
        fixture: finishedTransfer,
        request: (fx) => ({ method: 'GET', url: `/api/v1/archive/transfers/${fx.transferId as string}` }),
        body: (res) => expect(res.json()).toMatchObject({ status: 'done', items: 0, bags: [] }),
      },
    ],
    'POST /api/v1/archive/transfers/:id/seal': [
      {
        what: 'sealing what a finished transfer wrote (started; the screen polls the job)',
        access: ['records'],
        fixture: finishedTransfer,
        oneShot: true,
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/archive/transfers/${fx.transferId as string}/seal`,
        }),
        status: 202,
        body: (res) =>
          expect(res.json()).toMatchObject({ status: 'done', seal: { status: 'running', phase: 'verify' } }),
      },
    ],
    'GET /api/v1/archive/disposal-requests': [
      {
        what: 'the disposal requests',
        access: ['records'],
        request: () => ({ method: 'GET', url: '/api/v1/archive/disposal-requests' }),
        body: (res) => expect(Array.isArray(res.json())).toBe(true),
      },
    ],
    'POST /api/v1/archive/disposal-requests': [
      {
        what: "requesting disposal of a personal item, with the Archivist's views",
        access: ['records'],
        fixture: async () => ({ itemId: await personalItem() }),
        oneShot: true,
        request: (fx) => ({
          method: 'POST',
          url: '/api/v1/archive/disposal-requests',
          payload: { itemId: fx.itemId, ...DISPOSAL },
        }),
        status: 201,
        body: (res, fx) =>
          expect(res.json()).toMatchObject({ itemId: fx.itemId, eligibleOn: expect.any(String) }),
      },
    ],
    'POST /api/v1/archive/disposal-requests/:id/withdraw': [
      {
        what: 'withdrawing a disposal request',
        access: ['records'],
        fixture: async () => {
          const itemId = await personalItem();
          const r = await w.t.ctx.disposals.request(await officer(), { itemId, ...DISPOSAL });
          return { id: r.id, itemId };
        },
        oneShot: true,
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/archive/disposal-requests/${fx.id as string}/withdraw`,
          payload: { reason: 'The Archivist asked for more time.' },
        }),
        body: (res, fx) => expect(res.json()).toMatchObject({ id: fx.id, itemId: fx.itemId }),
      },
    ],
    'GET /api/v1/archive/requests': [
      {
        what: 'the access request queue',
        access: ['records'],
        request: () => ({ method: 'GET', url: '/api/v1/archive/requests' }),
        body: (res) => expect(Array.isArray(res.json())).toBe(true),
      },
    ],
    'POST /api/v1/archive/requests': [
      {
        what: 'filing an access request',
        access: ['records'],
        request: () => ({
          method: 'POST',
          url: '/api/v1/archive/requests',
          payload: {
            requesterKind: 'court',
            requester: `Court ${w.next()}`,
            legalBasis: 'Subpoena',
            scope: { kind: 'search', search: { q: 'G7' } },
            receivedOn: '2026-03-02',
            dueOn: '2026-04-30',
          },
        }),
        status: 201,
        body: (res) =>
          expect(res.json()).toMatchObject({ dueOn: '2026-04-30', recordSeq: expect.any(Number) }),
      },
    ],
    'POST /api/v1/archive/requests/:id/notices': [
      {
        what: 'recording a 2208 notice',
        access: ['records'],
        fixture: request,
        oneShot: true,
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/archive/requests/${fx.requestId as string}/notices`,
          payload: { party: 'former_president', notifiedOn: '2026-03-02' },
        }),
        body: (res) => expect(res.json()).toMatchObject({ noticeExpiresOn: '2026-05-26' }),
      },
    ],
    'POST /api/v1/archive/requests/:id/extension': [
      {
        what: 'extending the 2208 notice period',
        access: ['records'],
        fixture: notified,
        oneShot: true,
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/archive/requests/${fx.requestId as string}/extension`,
          payload: { workingDays: 10, reason: 'Volume of records.' },
        }),
        body: (res) => expect(res.json()).toMatchObject({ extendedTo: expect.any(String) }),
      },
    ],
  };
};
