import { AuthenticationError, GoneError, type HotlineError } from '@hotline/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { App } from '../src/http/types.js';
import { newInviteInput, newOfficeInput } from './helpers/builders.js';
import { sameOrigin } from './helpers/http.js';
import { newTestContext, type TestContext } from './helpers/test-context.js';
import { SoftAuthenticator, signedByAnotherKey, withBadSignature } from './helpers/webauthn.js';

describe('passkey sign-in with real WebAuthn signatures', () => {
  let t: TestContext;
  let app: App;
  let device: SoftAuthenticator;
  let userId: string;
  beforeAll(async () => {
    t = await newTestContext({ authRateLimit: '1000' });
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    device = new SoftAuthenticator(t.cfg.publicUrl);
    const office = await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput());
    const invite = await t.ctx.identity.invite(null, newInviteInput(office.id, { roles: ['staff'] }));
    userId = invite.user.id;
    const reg = await t.ctx.auth.registrationOptions(invite.token);
    const s = await t.ctx.auth.verifyRegistration(
      reg.challengeId,
      invite.token,
      device.register(reg.options as unknown as Record<string, unknown>),
      'Test device',
    );
    expect(s.user.status).toBe('active');
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  async function options() {
    const o = await t.ctx.auth.authenticationOptions();
    return { challengeId: o.challengeId, options: o.options as unknown as Record<string, unknown> };
  }

  async function lastRecord() {
    const rec = await t.ctx.db
      .selectFrom('records')
      .selectAll()
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    const content = await t.ctx.records.content(t.ctx.db, rec.digest);
    return {
      rec,
      text: new TextDecoder().decode(content!),
      content: JSON.parse(new TextDecoder().decode(content!)),
    };
  }

  const sessionCount = async () =>
    (await t.ctx.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute()).length;

  it('signs in with a correctly signed assertion', async () => {
    const { challengeId, options: o } = await options();
    const s = await t.ctx.auth.verifyAuthentication(challengeId, device.authenticate(o));
    expect(s.user.id).toBe(userId);
    expect((await lastRecord()).rec.kind).toBe('audit.auth.signed_in');
  });

  it('refuses a known passkey whose signature was tampered with, says why, and records the attempt', async () => {
    const before = await sessionCount();
    const { challengeId, options: o } = await options();
    const err = await t.ctx.auth
      .verifyAuthentication(challengeId, withBadSignature(device.authenticate(o)))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as HotlineError).code).toBe('passkey_rejected');
    expect((err as Error).message).toMatch(
      /^Your passkey's answer could not be verified \(the signature does not match the registered key\), so you are not signed in\. Try again/,
    );
    expect(await sessionCount()).toBe(before);
    const { rec, content, text } = await lastRecord();
    expect(rec.kind).toBe('audit.auth.sign_in_failed');
    expect(rec.subject).toBe(userId);
    expect(rec.actor_id).toBeNull();
    expect(rec.office_id).not.toBeNull();
    expect(content).toMatchObject({ action: 'auth.sign_in_failed', reason: 'passkey_rejected' });
    expect(content.credentialId).toBe(device.credentials[0]!.id);
    // No part of the assertion is stored: not its signature, challenge or client data.
    expect(text).not.toMatch(new RegExp(String(o.challenge)));
    expect(text).not.toMatch(/signature"|clientData|authenticatorData/);
  });

  it('refuses an assertion signed by another key for a known credential', async () => {
    const { challengeId, options: o } = await options();
    const err = await t.ctx.auth
      .verifyAuthentication(challengeId, signedByAnotherKey(device, o, device.credentials[0]!))
      .catch((e: unknown) => e);
    expect((err as HotlineError).code).toBe('passkey_rejected');
  });

  it('refuses an answer to another challenge, naming what was wrong', async () => {
    const first = await options();
    const second = await options();
    const err = await t.ctx.auth
      .verifyAuthentication(second.challengeId, device.authenticate(first.options))
      .catch((e: unknown) => e);
    expect((err as HotlineError).code).toBe('passkey_rejected');
    expect((err as Error).message).toMatch(/challenge/);
  });

  it('refuses an unknown passkey and counts the attempt instead of recording it (one record per window)', async () => {
    const stranger = new SoftAuthenticator(t.cfg.publicUrl);
    stranger.register({ challenge: 'x', user: { id: 'someone' } });
    const before = (await lastRecord()).rec.seq;
    const { challengeId, options: o } = await options();
    const err = await t.ctx.auth
      .verifyAuthentication(challengeId, stranger.authenticate(o), { address: '192.0.2.1' })
      .catch((e: unknown) => e);
    expect((err as HotlineError).code).toBe('unknown_passkey');
    expect((await lastRecord()).rec.seq).toBe(before);
    const w = await t.ctx.db
      .selectFrom('sign_in_refusals')
      .selectAll()
      .where('address', '=', '192.0.2.1')
      .executeTakeFirstOrThrow();
    expect(w.count).toBe(1);
  });

  it('answers a tampered signature over HTTP with 401 problem+json passkey_rejected', async () => {
    const o = (await app.inject({ method: 'POST', url: '/api/v1/auth/login/options', payload: {} })).json();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login/verify',
      payload: { challengeId: o.challengeId, response: withBadSignature(device.authenticate(o.options)) },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'passkey_rejected', status: 401 });
    expect(res.cookies.find((c) => c.name === 'hotline_session')).toBeUndefined();
  });

  it('still signs in with the right signature afterwards, and the invite link stays used', async () => {
    const { challengeId, options: o } = await options();
    await expect(t.ctx.auth.verifyAuthentication(challengeId, device.authenticate(o))).resolves.toMatchObject(
      {
        user: { id: userId },
      },
    );
    const office = await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput());
    const invite = await t.ctx.identity.invite(null, newInviteInput(office.id));
    const reg = await t.ctx.auth.registrationOptions(invite.token);
    const phone = new SoftAuthenticator(t.cfg.publicUrl);
    await t.ctx.auth.verifyRegistration(
      reg.challengeId,
      invite.token,
      phone.register(reg.options as unknown as Record<string, unknown>),
    );
    const again = await t.ctx.auth.registrationOptions(invite.token).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(GoneError);
    expect((again as HotlineError).code).toBe('invite_used');
  });
});
