import { expect } from 'vitest';
import { z } from 'zod';
import { ArchiveCipher } from '../../../src/records/archive-key.js';
import { formatShare, splitArchiveKey } from '../../../src/records/key-shares.js';
import { multipart } from '../../helpers/http.js';
import { hasText, type MatrixWorld, type RouteTable } from './harness.js';

/** Personal-account capture (capture.* in policy.ts; records officers of the office). */
export const captureRoutes = (w: MatrixWorld): RouteTable => ({
  // ---- personal-account capture (capture.* in policy.ts; records officers of the office)
  'GET /api/v1/capture/queue': [
    {
      what: 'the classification queue',
      access: ['records'],
      request: () => ({ method: 'GET', url: '/api/v1/capture/queue' }),
      body: (res) =>
        expect(z.array(z.object({ id: z.string() })).parse(res.json()).length).toBeGreaterThan(0),
    },
  ],
  'POST /api/v1/capture/items/:id/classify': [
    {
      what: 'classifying a captured item',
      access: ['records'],
      request: () => ({
        method: 'POST',
        url: `/api/v1/capture/items/${w.ids.capturedItem}/classify`,
        payload: { category: 'presidential', reason: 'Official business on a personal account.' },
      }),
      body: (res) =>
        expect(res.json()).toMatchObject({
          itemId: w.ids.capturedItem,
          category: 'presidential',
          previous: expect.stringMatching(/^(unknown|presidential|personal)$/),
          recordSeq: expect.any(Number),
        }),
    },
  ],
  'POST /api/v1/capture/imports': [
    {
      what: 'uploading a personal-account export',
      access: ['records', 'admin'],
      request: async () => {
        const n = w.next();
        const eml = `From: potus.private@personal.example.com\r\nTo: aide@personal.example.com\r\nSubject: Matrix ${n}\r\nDate: Mon, 02 Feb 2026 10:00:00 +0000\r\nMessage-ID: <matrix-${n}@personal.example.com>\r\n\r\nHello\r\n`;
        const mp = await multipart(
          { kind: 'eml', account: 'potus.private@personal.example.com', owner: 'potus@us.example.gov' },
          { name: 'message.eml', content: eml },
        );
        return { method: 'POST', url: '/api/v1/capture/imports', headers: mp.headers, payload: mp.payload };
      },
      status: 201,
      body: (res) => expect(res.json()).toMatchObject({ added: 1, skipped: 0 }),
    },
  ],
  'GET /api/v1/capture/compliance': [
    {
      what: 'the 20-day compliance summary',
      access: ['records'],
      request: () => ({ method: 'GET', url: '/api/v1/capture/compliance' }),
      body: (res) => expect(res.json()).toHaveProperty('byStatus'),
    },
  ],
  'GET /api/v1/capture/compliance/items': [
    {
      what: 'the items behind the compliance counts',
      access: ['records'],
      request: () => ({ method: 'GET', url: '/api/v1/capture/compliance/items?status=overdue,due' }),
      body: (res) => expect(res.json()).toBeInstanceOf(Array),
    },
  ],
  'GET /api/v1/capture/items/:id': [
    {
      what: 'opening a captured item',
      access: ['records'],
      request: () => ({ method: 'GET', url: `/api/v1/capture/items/${w.ids.capturedItem}` }),
      body: (res) =>
        expect(res.json()).toMatchObject({ itemId: w.ids.capturedItem, headers: expect.any(Object) }),
    },
  ],
  'POST /api/v1/capture/items/:id/open': [
    {
      what: "opening a sealed item with custodians' shares (here shares of another key: refused, nothing opened)",
      access: ['records'],
      fixture: async () => {
        const shares = await splitArchiveKey(ArchiveCipher.generateKey(), ['Ada', 'Ben', 'Cleo'], 2);
        return { shares: shares.slice(0, 2).map(formatShare) };
      },
      request: (fx) => ({
        method: 'POST',
        url: `/api/v1/capture/items/${w.ids.capturedItem}/open`,
        payload: { shares: fx.shares },
      }),
      status: 400,
      body: (res) =>
        expect(res.json()).toMatchObject({
          code: 'key_shares_refused',
          detail: expect.stringMatching(/this server's archive key/),
        }),
    },
  ],
  'GET /api/v1/capture/compliance.csv': [
    {
      what: 'the 20-day compliance table as CSV',
      access: ['records'],
      request: () => ({ method: 'GET', url: '/api/v1/capture/compliance.csv' }),
      body: hasText(
        /text\/csv/,
        /^item_id,kind,owner,account,occurred_at,subject,category,status,detail,trail\r\n.+/,
      ),
    },
  ],
  'GET /api/v1/capture/sources': [
    {
      what: 'the device-source analysis',
      access: ['records'],
      request: () => ({ method: 'GET', url: '/api/v1/capture/sources' }),
      body: (res) => expect(res.json()).toBeTypeOf('object'),
    },
  ],
  'GET /api/v1/capture/location-leaks': [
    {
      what: 'the location leaks',
      access: ['records'],
      request: () => ({ method: 'GET', url: '/api/v1/capture/location-leaks' }),
      body: (res) => expect(res.json()).toBeTypeOf('object'),
    },
  ],
  'GET /api/v1/capture/registry': [
    {
      what: 'the records registry',
      access: ['records', 'admin'],
      request: () => ({ method: 'GET', url: '/api/v1/capture/registry' }),
      body: (res) =>
        expect(
          z.object({ accounts: z.array(z.unknown()), people: z.array(z.unknown()) }).parse(res.json()).people
            .length,
        ).toBeGreaterThan(0),
    },
  ],
  'PUT /api/v1/capture/covered/:id': [
    {
      what: 'setting who is covered',
      access: ['records', 'admin'],
      request: () => ({
        method: 'PUT',
        url: `/api/v1/capture/covered/${w.ids.staff}`,
        payload: { covered: 'covered_employee' },
      }),
      body: (res) => expect(res.json()).toEqual({ userId: w.ids.staff, covered: 'covered_employee' }),
    },
  ],
  'POST /api/v1/capture/official-accounts': [
    {
      what: 'registering an official account',
      access: ['records', 'admin'],
      request: () => {
        const n = w.next();
        return {
          method: 'POST',
          url: '/api/v1/capture/official-accounts',
          payload: { kind: 'email', identifier: `official-${n}@us.example.gov`, ownerId: w.ids.staff },
        };
      },
      status: 201,
      body: (res) =>
        expect(res.json()).toMatchObject({
          kind: 'email',
          identifier: expect.stringMatching(/^official-/),
        }),
    },
  ],
  'POST /api/v1/capture/rules': [
    {
      what: 'adding a classification rule',
      access: ['records'],
      request: () => ({
        method: 'POST',
        url: '/api/v1/capture/rules',
        payload: {
          account: `nobody-${w.next()}@personal.example.com`,
          category: 'personal',
          reason: 'A family account.',
        },
      }),
      status: 201,
      body: (res) =>
        expect(res.json()).toMatchObject({
          ruleId: expect.any(String),
          rule: { category: 'personal', retiredAt: null },
          applied: [],
        }),
    },
  ],
  'GET /api/v1/capture/rules': [
    {
      what: 'the classification rules',
      access: ['records'],
      request: () => ({ method: 'GET', url: '/api/v1/capture/rules' }),
      body: (res) => {
        z.array(z.object({ id: z.string(), reason: z.string() })).parse(res.json());
      },
    },
  ],
  'PUT /api/v1/capture/rules/:id': [
    {
      what: 'changing a classification rule',
      access: ['records'],
      request: async () => ({
        method: 'PUT',
        url: `/api/v1/capture/rules/${await matrixRule(w)}`,
        payload: { reason: 'A family account, confirmed.', change: 'The family confirmed it.' },
      }),
      body: (res) =>
        expect(res.json()).toMatchObject({ rule: { reason: 'A family account, confirmed.' }, applied: [] }),
    },
  ],
  'POST /api/v1/capture/rules/:id/retire': [
    {
      what: 'retiring a classification rule',
      access: ['records'],
      request: async () => ({
        method: 'POST',
        url: `/api/v1/capture/rules/${await matrixRule(w)}/retire`,
        payload: { reason: 'The account was closed.' },
      }),
      body: (res) => expect(res.json()).toMatchObject({ retiredAt: expect.any(String) }),
    },
  ],
  'GET /api/v1/capture/contacts': [
    {
      what: 'the foreign contacts directory',
      access: ['records', 'secretariat'],
      request: () => ({ method: 'GET', url: '/api/v1/capture/contacts' }),
      body: (res) =>
        expect(z.array(z.object({ value: z.string() })).parse(res.json()).length).toBeGreaterThan(0),
    },
  ],
  'POST /api/v1/capture/contacts': [
    {
      what: 'adding a foreign contact',
      access: ['records', 'secretariat'],
      request: () => {
        const n = String(w.next()).padStart(4, '0');
        return {
          method: 'POST',
          url: '/api/v1/capture/contacts',
          payload: {
            kind: 'number',
            value: `+44 20 7946 ${n}`,
            leader: 'Prime Minister of the United Kingdom',
            country: 'United Kingdom',
            source: 'Embassy contact sheet',
          },
        };
      },
      status: 201,
      body: (res) =>
        expect(res.json()).toMatchObject({
          contact: { kind: 'number', value: expect.stringMatching(/^\+44/) },
        }),
    },
  ],
  'PUT /api/v1/capture/contacts/:id': [
    {
      what: 'changing a foreign contact',
      access: ['records', 'secretariat'],
      request: async () => ({
        method: 'PUT',
        url: `/api/v1/capture/contacts/${await matrixContact(w)}`,
        payload: { source: 'Updated contact sheet', reason: 'The embassy sent a new sheet.' },
      }),
      body: (res) => expect(res.json()).toMatchObject({ contact: { source: 'Updated contact sheet' } }),
    },
  ],
  'POST /api/v1/capture/contacts/:id/retire': [
    {
      what: 'retiring a foreign contact',
      access: ['records', 'secretariat'],
      request: async () => ({
        method: 'POST',
        url: `/api/v1/capture/contacts/${await matrixContact(w)}/retire`,
        payload: { reason: 'The number was reassigned.' },
      }),
      body: (res) => expect(res.json()).toMatchObject({ contact: { retiredAt: expect.any(String) } }),
    },
  ],
});

/** A fresh directory entry for a request to change or retire. */
async function matrixContact(w: MatrixWorld): Promise<string> {
  const id = crypto.randomUUID();
  await w.t.ctx.db
    .insertInto('foreign_contacts')
    .values({
      id,
      number: `+4420794${String(w.next()).padStart(5, '0')}`,
      leader: 'Matrix leader',
      country: 'X',
    })
    .execute();
  return id;
}

/** A fresh US rule (matching no item) for a request to change or retire. */
async function matrixRule(w: MatrixWorld): Promise<string> {
  const r = await w.t.ctx.capture.addClassificationRule(w.us('records'), {
    account: `matrix-${w.next()}@personal.example.com`,
    category: 'personal',
    reason: 'A family account.',
  });
  return r.ruleId;
}
