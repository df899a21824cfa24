import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { personaFor, personas, sameOrigin, signInAs } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

const NUMBER = '+442079460991';
const LEADER = 'Prime Minister Test of the United Kingdom';

describe('the foreign contacts directory', () => {
  let t: TestContext;
  let app: App;
  let dir: string;
  const cookie: Record<string, string> = {};
  const when = Date.parse('2026-02-20T15:00:00Z');
  beforeAll(async () => {
    t = await newTestContext({ demo: '1', authRateLimit: '1000' });
    await t.ctx.prepare();
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    const list = await personas(app);
    for (const r of ['records', 'secretariat', 'press'] as const)
      cookie[r] = await signInAs(app, personaFor(list, r).userId);
    dir = mkdtempSync(join(tmpdir(), 'hotline-contacts-'));
    // Captured before the number is known: a 10-minute call, a missed call and a text.
    writeFileSync(
      join(dir, 'calls.xml'),
      `<calls count="3"><call number="${NUMBER}" duration="600" date="${when}" type="1" /><call number="${NUMBER}" duration="0" date="${when + 86_400_000}" type="3" /><call number="${NUMBER}" duration="60" date="${Date.parse('2025-06-01T12:00:00Z')}" type="2" /></calls>`,
    );
    const r = await t.ctx.capture.importFile(null, 'phone', join(dir, 'calls.xml'), {
      identifier: '+12025550142',
      ownerEmail: 'potus@us.example.gov',
    });
    expect(r).toMatchObject({ added: 3, offChannel: [], attempted: [] });
  });
  afterAll(async () => {
    await app.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const alerts = () =>
    t.ctx.db
      .selectFrom('off_channel_alerts')
      .selectAll()
      .where('number', '=', NUMBER)
      .orderBy('at')
      .execute();

  it('adds an entry (a record), re-scans what was captured and raises each alert once; attempted contacts need no memcon', async () => {
    const add = await app.inject({
      method: 'POST',
      url: '/api/v1/capture/contacts',
      headers: { cookie: cookie.secretariat! },
      payload: {
        kind: 'number',
        value: '+44 20 7946 0991',
        leader: LEADER,
        country: 'United Kingdom',
        source: 'Embassy contact sheet, February 2026',
        validFrom: '2026-01-01T00:00:00Z',
      },
    });
    expect(add.statusCode, add.body).toBe(201);
    const body = add.json();
    expect(body.contact).toMatchObject({
      kind: 'number',
      value: NUMBER,
      validFrom: '2026-01-01T00:00:00.000Z',
    });
    // the 2025 call is before the entry's validity: not matched
    expect(body.rescan.offChannel).toHaveLength(1);
    expect(body.rescan.attempted).toEqual([
      { leader: LEADER, number: NUMBER, at: new Date(when + 86_400_000).toISOString() },
    ]);
    const a = await alerts();
    expect(a.map((x) => [x.kind, x.call_id === null])).toEqual([
      ['off_channel', false],
      ['attempted', true],
    ]);
    const rec = await t.ctx.db
      .selectFrom('records')
      .select('kind')
      .where('subject', '=', body.contact.id)
      .execute();
    expect(rec).toHaveLength(1);
    // an edit re-scans too, and raises nothing twice
    const edit = await app.inject({
      method: 'PUT',
      url: `/api/v1/capture/contacts/${body.contact.id}`,
      headers: { cookie: cookie.records! },
      payload: { validFrom: '2025-01-01T00:00:00Z', reason: 'The number was in use since 2025.' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json().rescan.offChannel).toHaveLength(1); // the 2025 call, now in the validity
    expect(await alerts()).toHaveLength(3);
    const again = await app.inject({
      method: 'PUT',
      url: `/api/v1/capture/contacts/${body.contact.id}`,
      headers: { cookie: cookie.records! },
      payload: { source: 'Embassy contact sheet, March 2026', reason: 'A newer sheet.' },
    });
    expect(again.json().rescan).toEqual({ offChannel: [], attempted: [] });
    expect(await alerts()).toHaveLength(3);
    // the dashboard shows both kinds
    const s = (
      await app.inject({ url: '/api/v1/capture/compliance', headers: { cookie: cookie.records! } })
    ).json();
    const mine = s.alerts.filter((x: { number: string }) => x.number === NUMBER);
    expect(mine.map((x: { kind: string }) => x.kind).sort()).toEqual([
      'attempted',
      'off_channel',
      'off_channel',
    ]);
  });

  it('retires an entry (a record), lists it, and refuses other roles', async () => {
    const list = (
      await app.inject({ url: '/api/v1/capture/contacts', headers: { cookie: cookie.records! } })
    ).json();
    const entry = list.find((c: { value: string }) => c.value === NUMBER);
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/capture/contacts/${entry.id}/retire`,
      headers: { cookie: cookie.secretariat! },
      payload: { reason: 'The number was reassigned.' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().contact.retiredAt).toBe(t.clock.now().toISOString());
    const kinds = await t.ctx.db
      .selectFrom('records')
      .select('kind')
      .where('subject', '=', entry.id)
      .execute();
    expect(kinds).toHaveLength(4); // added, changed twice, retired
    for (const req of [
      { method: 'GET' as const, url: '/api/v1/capture/contacts' },
      {
        method: 'POST' as const,
        url: '/api/v1/capture/contacts',
        payload: {
          kind: 'email',
          value: 'x@y.example',
          leader: 'A leader',
          country: 'A country',
          source: 'a sheet',
        },
      },
    ])
      expect((await app.inject({ ...req, headers: { cookie: cookie.press! } })).statusCode).toBe(403);
  });
});
