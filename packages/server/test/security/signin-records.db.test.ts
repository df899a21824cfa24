import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { SIGN_IN_REFUSAL_WINDOW_MS } from '../../src/identity/sign-in-refusals.js';
import { sameOrigin } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';
import { SoftAuthenticator } from '../helpers/webauthn.js';

/**
 * Issue "Hardening", item 8: a stranger's refused sign-ins (a passkey Hotline does not know)
 * are counted per address and window; the permanent log gets one record per window, not one
 * per attempt.
 */
describe('refused sign-ins are counted, not recorded one by one', () => {
  let t: TestContext;
  let app: App;
  let key: SoftAuthenticator;

  beforeAll(async () => {
    t = await newTestContext({ authRateLimit: '100000' });
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    key = new SoftAuthenticator(t.cfg.publicUrl);
    key.register({ challenge: 'x', user: { id: 'someone' } });
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const recordCount = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom('records')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  async function refusedSignIn(address: string) {
    const o = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login/options',
      payload: {},
      remoteAddress: address,
    });
    const { challengeId, options } = o.json();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login/verify',
      payload: { challengeId, response: key.authenticate(options) },
      remoteAddress: address,
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unknown_passkey' });
  }

  async function refusalRecords() {
    const recs = await t.ctx.db
      .selectFrom('records')
      .selectAll()
      .where('kind', 'in', ['audit.auth.sign_ins_refused', 'audit.auth.sign_in_failed'])
      .orderBy('seq')
      .execute();
    return Promise.all(
      recs.map(async (r) => ({
        kind: r.kind,
        actor: r.actor_id,
        content: JSON.parse(new TextDecoder().decode((await t.ctx.records.content(t.ctx.db, r.digest))!)),
      })),
    );
  }

  it('50 refusals from one address over 25 minutes leave one record per window, with the right counts', async () => {
    expect(SIGN_IN_REFUSAL_WINDOW_MS).toBe(10 * 60_000);
    const start = t.clock.now().getTime(); // 14:00:00Z, on a window boundary
    const before = await recordCount();
    for (let i = 0; i < 50; i++) {
      await refusedSignIn('203.0.113.7');
      if (i < 10) await refusedSignIn('198.51.100.9'); // another address, in the first window only
      // One record per window at most: never more than the windows closed so far.
      const closed = Math.floor((t.clock.now().getTime() - start) / SIGN_IN_REFUSAL_WINDOW_MS);
      expect(await recordCount()).toBeLessThanOrEqual(before + 2 * closed);
      t.clock.advance(30_000);
    }
    // 50 refusals at 14:00:00…14:24:30 → windows 14:00 (20), 14:10 (20), 14:20 (10).
    const windows = await t.ctx.db
      .selectFrom('sign_in_refusals')
      .selectAll()
      .orderBy('address')
      .orderBy('window_start')
      .execute();
    expect(windows.map((w) => [w.address, new Date(w.window_start).toISOString(), w.count])).toEqual([
      ['198.51.100.9', '2026-03-02T14:00:00.000Z', 10],
      ['203.0.113.7', '2026-03-02T14:00:00.000Z', 20],
      ['203.0.113.7', '2026-03-02T14:10:00.000Z', 20],
      ['203.0.113.7', '2026-03-02T14:20:00.000Z', 10],
    ]);
    // The last window is still open: it is counted, not yet recorded.
    expect(await recordCount()).toBe(before + 3);

    // Once it has closed it is recorded (by the next refusal, or here by the sweep), once.
    t.clock.set('2026-03-02T14:30:00Z');
    expect(await t.ctx.auth.refusals.recordClosedWindows()).toBe(1);
    expect(await t.ctx.auth.refusals.recordClosedWindows()).toBe(0);
    expect(await recordCount()).toBe(before + 4);

    const recs = await refusalRecords();
    expect(recs.every((r) => r.kind === 'audit.auth.sign_ins_refused' && r.actor === null)).toBe(true);
    expect(
      recs
        .map((r) => [r.content.address, r.content.windowStart, r.content.count])
        .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`)),
    ).toEqual([
      ['198.51.100.9', '2026-03-02T14:00:00.000Z', 10],
      ['203.0.113.7', '2026-03-02T14:00:00.000Z', 20],
      ['203.0.113.7', '2026-03-02T14:10:00.000Z', 20],
      ['203.0.113.7', '2026-03-02T14:20:00.000Z', 10],
    ]);
    expect(recs.reduce((n, r) => n + r.content.count, 0)).toBe(60);
    expect(recs[0]!.content).toMatchObject({
      reason: 'unknown_passkey',
      windowEnd: '2026-03-02T14:10:00.000Z',
    });
  });
});
