import type { HotlineError } from '@hotline/common';
import { OptionsResponse, type Role } from '@hotline/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { App } from '../src/http/types.js';
import type { Actor } from '../src/policy/policy.js';
import { newActor, newInviteInput, newOfficeInput } from './helpers/builders.js';
import { sameOrigin } from './helpers/http.js';
import { newTestContext, type TestContext } from './helpers/test-context.js';
import { SoftAuthenticator, type SoftAuthenticatorFlags } from './helpers/webauthn.js';

const YUBIKEY_5 = 'ee882879-721c-4913-9775-3dfcce97072a';
const GOOGLE_PM = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4';
const SYNCED: SoftAuthenticatorFlags = { backupEligible: true, backedUp: true, aaguid: GOOGLE_PM };
const BOUND: SoftAuthenticatorFlags = { backupEligible: false, aaguid: YUBIKEY_5, attestation: 'packed' };

/**
 * Passkeys that fit the people who hold them (issue "Trust between offices", point 5): user
 * verification for everyone; for principals and administrators (HOTLINE_DEVICE_BOUND_ROLES'
 * default) device-bound passkeys only (BE clear), at registration and at every sign-in.
 */
describe('device posture of passkeys', () => {
  let t: TestContext;
  let app: App;
  let officeId: string;
  let admin: Actor;
  beforeAll(async () => {
    // Role changes here take effect at once: the second administrator's confirmation is role-grants.db.test.ts's subject.
    t = await newTestContext({ authRateLimit: '1000', roleGrantConfirmation: '0' });
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    officeId = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
    admin = await newActor(t.ctx, officeId, ['admin']);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  /** Invite someone with these roles and register a passkey from the link over HTTP. */
  async function registerFromInvite(roles: Role[], flags: SoftAuthenticatorFlags) {
    const invite = await t.ctx.identity.invite(null, newInviteInput(officeId, { roles }));
    const key = new SoftAuthenticator(t.cfg.publicUrl, t.cfg.rpId, flags);
    const o = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/register/options',
      payload: { inviteToken: invite.token },
    });
    const { challengeId, options } = OptionsResponse.parse(o.json());
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/register/verify',
      payload: { challengeId, inviteToken: invite.token, response: key.register(options) },
    });
    return { res, key, options, userId: invite.user.id, token: invite.token };
  }

  async function signIn(key: SoftAuthenticator) {
    const o = await app.inject({ method: 'POST', url: '/api/v1/auth/login/options', payload: {} });
    const { challengeId, options } = OptionsResponse.parse(o.json());
    return app.inject({
      method: 'POST',
      url: '/api/v1/auth/login/verify',
      payload: { challengeId, response: key.authenticate(options) },
    });
  }

  async function lastRecord(kind?: string) {
    let q = t.ctx.db.selectFrom('records').selectAll();
    if (kind) q = q.where('kind', '=', kind);
    const rec = await q.orderBy('seq', 'desc').executeTakeFirstOrThrow();
    const content = await t.ctx.records.content(t.ctx.db, rec.digest);
    return { kind: rec.kind, content: JSON.parse(new TextDecoder().decode(content!)) };
  }

  const passkeyRow = (userId: string) =>
    t.ctx.db.selectFrom('passkeys').selectAll().where('user_id', '=', userId).executeTakeFirst();

  it('asks principals and administrators for attestation, and others not', async () => {
    for (const [roles, want] of [
      [['principal'], 'direct'],
      [['admin'], 'direct'],
      [['staff'], 'none'],
    ] as const) {
      const invite = await t.ctx.identity.invite(null, newInviteInput(officeId, { roles: [...roles] }));
      const o = await t.ctx.auth.registrationOptions(invite.token);
      expect(o.options.attestation, roles.join()).toBe(want);
      expect(o.options.authenticatorSelection?.userVerification).toBe('required');
    }
  });

  it("refuses a principal's synced passkey at registration, saying what to use instead", async () => {
    const { res, userId } = await registerFromInvite(['principal'], SYNCED);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const p = res.json();
    expect(p.code).toBe('passkey_not_device_bound');
    expect(p.detail).toMatch(/synced passkey/);
    expect(p.detail).toMatch(/Principal/);
    expect(p.detail).toMatch(/security key/);
    expect(p.detail).toMatch(/device-bound passkey/);
    expect(await passkeyRow(userId)).toBeUndefined();
    // The invite is still usable: they can come back with a security key.
    const user = await t.ctx.db
      .selectFrom('users')
      .select('status')
      .where('id', '=', userId)
      .executeTakeFirst();
    expect(user?.status).toBe('invited');
  });

  it("accepts a principal's device-bound passkey, records its flags and attestation, and signs in", async () => {
    const { res, key, userId } = await registerFromInvite(['principal'], BOUND);
    expect(res.statusCode).toBe(200);
    const row = await passkeyRow(userId);
    expect(row).toMatchObject({
      backup_eligible: false,
      backed_up: false,
      user_verified: true,
      aaguid: YUBIKEY_5,
      attestation_fmt: 'packed',
      // Self attestation (no certificate chain): recorded, not counted as verified.
      attestation_verified: false,
      last_used_at: null,
    });
    const reg = await lastRecord('audit.auth.passkey_registered');
    expect(reg.content).toMatchObject({
      backupEligible: false,
      userVerified: true,
      aaguid: YUBIKEY_5,
      attestationFmt: 'packed',
    });

    const s = await signIn(key);
    expect(s.statusCode).toBe(200);
    expect((await passkeyRow(userId))?.last_used_at).not.toBeNull();

    const [listed] = await t.ctx.identityQueries.userPasskeys(admin, userId);
    expect(listed).toMatchObject({
      backupEligible: false,
      userVerified: true,
      authenticator: 'YubiKey 5 Series',
      attestation: { fmt: 'packed', verified: false },
      allowed: true,
      refusal: null,
    });
    expect(listed?.lastUsedAt).not.toBeNull();
  });

  it("refuses an administrator's synced passkey too", async () => {
    const { res } = await registerFromInvite(['admin'], SYNCED);
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/Administrator/);
  });

  it('lets staff register and sign in with a synced passkey', async () => {
    const { res, key, userId } = await registerFromInvite(['staff'], SYNCED);
    expect(res.statusCode).toBe(200);
    expect(await passkeyRow(userId)).toMatchObject({
      backup_eligible: true,
      backed_up: true,
      attestation_fmt: 'none',
      attestation_verified: false,
    });
    expect((await signIn(key)).statusCode).toBe(200);
    const [listed] = await t.ctx.identityQueries.userPasskeys(admin, userId);
    expect(listed).toMatchObject({
      backupEligible: true,
      backedUp: true,
      authenticator: 'Google Password Manager',
      allowed: true,
    });
  });

  it('refuses sign-in with a synced passkey once a role change makes it non-compliant', async () => {
    const { res, key, userId } = await registerFromInvite(['staff'], SYNCED);
    expect(res.statusCode).toBe(200);
    expect((await signIn(key)).statusCode).toBe(200);

    await t.ctx.identity.setRoles(admin, userId, ['principal']);
    const refused = await signIn(key);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.json()).toMatchObject({ code: 'passkey_not_device_bound' });
    expect(refused.json().detail).toMatch(/only device-bound passkeys for the Principal role/);
    expect(refused.json().detail).toMatch(/security key/);
    const rec = await lastRecord();
    expect(rec.kind).toBe('audit.auth.sign_in_failed');
    expect(rec.content).toMatchObject({ reason: 'passkey_not_device_bound' });

    const [listed] = await t.ctx.identityQueries.userPasskeys(admin, userId);
    expect(listed?.allowed).toBe(false);
    expect(listed?.refusal).toMatch(/synced passkey/);

    // Back to staff: the same passkey signs in again.
    await t.ctx.identity.setRoles(admin, userId, ['staff']);
    expect((await signIn(key)).statusCode).toBe(200);
  });

  it("refuses a principal's synced passkey even when an older row says it was device-bound", async () => {
    // BE is read from every assertion too, not only from what registration stored.
    const { key, userId } = await registerFromInvite(['principal'], BOUND);
    key.flags.backupEligible = true;
    const refused = await signIn(key);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('passkey_not_device_bound');
    expect((await passkeyRow(userId))?.backup_eligible).toBe(false);
  });

  it('requires user verification for every role, at registration and at sign-in', async () => {
    const noUv = await registerFromInvite(['staff'], { userVerified: false });
    expect(noUv.res.statusCode).toBe(400);
    expect(noUv.res.json().detail).toMatch(/[Uu]ser verification/);

    const { key } = await registerFromInvite(['staff'], {});
    key.flags.userVerified = false;
    const refused = await signIn(key);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('passkey_rejected');
  });

  it('refuses a principal adding a synced passkey from their profile', async () => {
    const principal = await newActor(t.ctx, officeId, ['principal']);
    const o = await t.ctx.auth.addPasskeyOptions(principal);
    expect(o.options.attestation).toBe('direct');
    const key = new SoftAuthenticator(t.cfg.publicUrl, t.cfg.rpId, SYNCED);
    const err = await t.ctx.auth
      .verifyAddPasskey(principal, o.challengeId, key.register(o.options as never))
      .catch((e: HotlineError) => e);
    expect(err).toMatchObject({ status: 403, code: 'passkey_not_device_bound' });

    const o2 = await t.ctx.auth.addPasskeyOptions(principal);
    const bound = new SoftAuthenticator(t.cfg.publicUrl, t.cfg.rpId, BOUND);
    const id = await t.ctx.auth.verifyAddPasskey(
      principal,
      o2.challengeId,
      bound.register(o2.options as never),
    );
    expect((await t.ctx.identityQueries.passkey(principal, id)).allowed).toBe(true);
  });

  it('lets an administrator revoke a passkey: a record, sign-in refused, a warning at the last one', async () => {
    const { key, userId } = await registerFromInvite(['staff'], SYNCED);
    const other = await newActor(t.ctx, officeId, ['staff']);
    const o = await t.ctx.auth.addPasskeyOptions({ ...other, userId });
    const second = new SoftAuthenticator(t.cfg.publicUrl, t.cfg.rpId, {});
    await t.ctx.auth.verifyAddPasskey(
      { ...other, userId },
      o.challengeId,
      second.register(o.options as never),
      'Key 2',
    );

    const [first] = await t.ctx.identityQueries.userPasskeys(admin, userId);
    const r1 = await t.ctx.sessions.revokePasskey(admin, userId, first!.id);
    expect(r1).toEqual({ ok: true, remaining: 1, warning: null });
    const rec = await lastRecord();
    expect(rec.kind).toBe('audit.auth.passkey_revoked');
    expect(rec.content).toMatchObject({ credentialId: first!.id, remaining: 1 });

    const refused = await signIn(key);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'passkey_revoked' });
    expect(refused.json().detail).toMatch(/revoked by your administrator/);
    expect((await signIn(second)).statusCode).toBe(200);

    const [last] = await t.ctx.identityQueries.userPasskeys(admin, userId);
    const r2 = await t.ctx.sessions.revokePasskey(admin, userId, last!.id);
    expect(r2.remaining).toBe(0);
    expect(r2.warning).toMatch(/no passkey left/);
    expect(await t.ctx.identityQueries.userPasskeys(admin, userId)).toEqual([]);
    await expect(t.ctx.sessions.revokePasskey(admin, userId, last!.id)).rejects.toMatchObject({
      status: 409,
    });
  });

  it("keeps another office's administrator out", async () => {
    const { userId } = await registerFromInvite(['staff'], {});
    const elsewhere = (
      await t.ctx.identity.createOffice(
        { operator: 'test operator' },
        newOfficeInput({ slug: 'fr-elysee-2' }),
      )
    ).id;
    const otherAdmin = await newActor(t.ctx, elsewhere, ['admin']);
    await expect(t.ctx.identityQueries.userPasskeys(otherAdmin, userId)).rejects.toMatchObject({
      status: 403,
    });
    const [p] = await t.ctx.identityQueries.userPasskeys(admin, userId);
    await expect(t.ctx.sessions.revokePasskey(otherAdmin, userId, p!.id)).rejects.toMatchObject({
      status: 403,
    });
  });
});

describe('HOTLINE_DEVICE_BOUND_ROLES', () => {
  it('can put staff under the rule too', async () => {
    const t = await newTestContext({ deviceBoundRoles: 'principal,admin,staff' });
    try {
      const officeId = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput()))
        .id;
      const invite = await t.ctx.identity.invite(null, newInviteInput(officeId, { roles: ['staff'] }));
      const o = await t.ctx.auth.registrationOptions(invite.token);
      const key = new SoftAuthenticator(t.cfg.publicUrl, t.cfg.rpId, SYNCED);
      const err = await t.ctx.auth
        .verifyRegistration(o.challengeId, invite.token, key.register(o.options as never))
        .catch((e: HotlineError) => e);
      expect(err).toMatchObject({ code: 'passkey_not_device_bound' });
      expect((err as Error).message).toMatch(/Staff role/);
    } finally {
      await t.close();
    }
  });

  it('"none" lets every role use a synced passkey', async () => {
    const t = await newTestContext({ deviceBoundRoles: 'none' });
    try {
      const officeId = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput()))
        .id;
      const invite = await t.ctx.identity.invite(null, newInviteInput(officeId, { roles: ['principal'] }));
      const o = await t.ctx.auth.registrationOptions(invite.token);
      expect(o.options.attestation).toBe('none');
      const key = new SoftAuthenticator(t.cfg.publicUrl, t.cfg.rpId, SYNCED);
      const s = await t.ctx.auth.verifyRegistration(
        o.challengeId,
        invite.token,
        key.register(o.options as never),
      );
      expect(s.user.status).toBe('active');
    } finally {
      await t.close();
    }
  });
});
