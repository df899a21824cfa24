import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { multipart, personaFor, personas, sameOrigin, signInAs } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

describe('upload imports, coverage and the official-account registry over HTTP', () => {
  let t: TestContext;
  let app: App;
  let records = '';
  let press = '';
  beforeAll(async () => {
    t = await newTestContext({ demo: '1', authRateLimit: '1000' });
    await t.ctx.prepare();
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    const list = await personas(app);
    records = await signInAs(app, personaFor(list, 'records').userId);
    press = await signInAs(app, personaFor(list, 'press').userId);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('imports an uploaded export, and refuses a malformed one with the file and offset', async () => {
    const eml =
      'From: a@personal.example.com\r\nTo: b@personal.example.com\r\nSubject: Uploaded\r\nDate: Mon, 02 Feb 2026 10:00:00 +0000\r\nMessage-ID: <upload-1@x>\r\n\r\nHello\r\n';
    const mp = await multipart(
      { kind: 'eml', account: 'a@personal.example.com', owner: 'potus@us.example.gov' },
      { name: 'message.eml', content: eml },
    );
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/capture/imports',
      headers: { ...mp.headers, cookie: records },
      payload: mp.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ added: 1, skipped: 0 });
    const bad = await multipart(
      { kind: 'mbox', account: 'a@personal.example.com', owner: 'potus@us.example.gov' },
      { name: 'bad.mbox', content: 'not an mbox\n' },
    );
    const refused = await app.inject({
      method: 'POST',
      url: '/api/v1/capture/imports',
      headers: { ...bad.headers, cookie: records },
      payload: bad.payload,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail).toMatch(
      /bad\.mbox, byte 0: an mbox file must start with a "From " separator line/,
    );
    const denied = await app.inject({
      method: 'POST',
      url: '/api/v1/capture/imports',
      headers: { ...mp.headers, cookie: press },
      payload: mp.payload,
    });
    expect(denied.statusCode).toBe(403);
  });

  it('sets who is covered and registers official accounts, each with an audit record', async () => {
    const reg = (await app.inject({ url: '/api/v1/capture/registry', headers: { cookie: records } })).json();
    const staff = reg.people.find((p: { display_name: string }) => p.display_name === 'Rachel Moreno');
    const c = await app.inject({
      method: 'PUT',
      url: `/api/v1/capture/covered/${staff.id}`,
      headers: { cookie: records },
      payload: { covered: 'covered_employee' },
    });
    expect(c.json()).toEqual({ userId: staff.id, covered: 'covered_employee' });
    const a = await app.inject({
      method: 'POST',
      url: '/api/v1/capture/official-accounts',
      headers: { cookie: records },
      payload: { kind: 'phone', identifier: '(202) 555-0100', ownerId: staff.id },
    });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json().identifier).toBe('+12025550100');
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/capture/official-accounts',
      headers: { cookie: records },
      payload: { kind: 'phone', identifier: '+1 202 555 0100', ownerId: staff.id },
    });
    expect(again.statusCode).toBe(400);
    const kinds = (
      await t.ctx.db
        .selectFrom('records')
        .select('kind')
        .where('kind', 'in', ['audit.capture.coverage_changed', 'audit.capture.official_account_added'])
        .execute()
    ).map((r) => r.kind);
    expect(kinds.sort()).toEqual(['audit.capture.coverage_changed', 'audit.capture.official_account_added']);
    expect(
      (await app.inject({ url: '/api/v1/capture/registry', headers: { cookie: press } })).statusCode,
    ).toBe(403);
  });
});
