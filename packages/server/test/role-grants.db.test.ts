import { ConflictError, ForbiddenError } from '@hotline/common';
import type { CreateCallRequestInput } from '@hotline/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { App } from '../src/http/types.js';
import type { Actor } from '../src/policy/policy.js';
import type { Role } from '../src/policy/roles.js';
import { newActor, newInviteInput, newOfficeInput } from './helpers/builders.js';
import { sameOrigin } from './helpers/http.js';
import { newTestContext, type TestContext } from './helpers/test-context.js';
import { SoftAuthenticator } from './helpers/webauthn.js';

/**
 * Issue "Trust between offices", point 4: nobody grants power to themselves. Roles are grants
 * naming the granter; principal, administrator and reviewer wait for a second administrator
 * (HOTLINE_ROLE_GRANT_CONFIRMATION, on outside demo mode); a flash request's approvals count
 * the reviewers one administrator made during the request as one voice.
 */
describe('role grants', () => {
  let t: TestContext;
  let office: string;
  let adminA: Actor;
  let adminB: Actor;
  beforeAll(async () => {
    t = await newTestContext();
    expect(t.cfg.roleGrantConfirmation).toBe(true);
    office = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
    adminA = await newActor(t.ctx, office, ['admin']);
    adminB = await newActor(t.ctx, office, ['admin']);
  });
  afterAll(() => t.close());

  const rolesOf = async (userId: string) =>
    (await t.ctx.db.selectFrom('users').select('roles').where('id', '=', userId).executeTakeFirstOrThrow())
      .roles;
  const recordCount = async () => (await t.ctx.db.selectFrom('records').select('seq').execute()).length;
  const as = (a: Actor, roles: Role[]): Actor => ({ ...a, roles });

  it('an administrator cannot give themselves a role, and nothing is written', async () => {
    const before = await recordCount();
    const err = await t.ctx.identity
      .setRoles(adminA, adminA.userId, ['admin', 'reviewer'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as Error).message).toMatch(/cannot give yourself a role \(Reviewer\)/);
    expect(await rolesOf(adminA.userId)).toEqual(['admin']);
    expect(await recordCount()).toBe(before);
    // Dropping a role of one's own (other than admin) is fine: that grants nothing.
    const both = await newActor(t.ctx, office, ['admin', 'press']);
    await expect(t.ctx.identity.setRoles(both, both.userId, ['admin'])).resolves.toMatchObject({
      roles: ['admin'],
    });
  });

  it('a reviewer grant is pending until a second administrator confirms it; the granter cannot', async () => {
    const person = await newActor(t.ctx, office, ['staff']);
    const after = await t.ctx.identity.setRoles(adminA, person.userId, ['staff', 'reviewer']);
    expect(after.roles).toEqual(['staff']);
    const pending = await t.ctx.identityQueries.pendingGrants(adminB);
    const grant = pending.find((g) => g.userId === person.userId)!;
    expect(grant).toMatchObject({
      role: 'reviewer',
      grantedBy: adminA.userId,
      grantedByName: adminA.displayName,
      userName: person.displayName,
      confirmedAt: null,
    });
    // Asking again does not make a second pending grant.
    await t.ctx.identity.setRoles(adminA, person.userId, ['staff', 'reviewer']);
    expect(
      (await t.ctx.identityQueries.pendingGrants(adminB)).filter((g) => g.userId === person.userId),
    ).toHaveLength(1);

    const before = await recordCount();
    const own = await t.ctx.identity.confirmGrant(adminA, grant.id).catch((e: unknown) => e);
    expect(own).toBeInstanceOf(ForbiddenError);
    expect((own as Error).message).toMatch(/You asked for this grant/);
    expect(await rolesOf(person.userId)).toEqual(['staff']);
    expect(await recordCount()).toBe(before);

    const confirmed = await t.ctx.identity.confirmGrant(adminB, grant.id);
    expect(confirmed).toMatchObject({ confirmedBy: adminB.userId, confirmedAt: expect.any(String) });
    expect(await rolesOf(person.userId)).toEqual(['staff', 'reviewer']);
    expect(await recordCount()).toBe(before + 1);
    await expect(t.ctx.identity.confirmGrant(adminB, grant.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('the person a grant is for cannot confirm it, nor an administrator of another office', async () => {
    const elsewhere = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
    const theirAdmin = await newActor(t.ctx, elsewhere, ['admin']);
    await t.ctx.identity.setRoles(adminA, adminB.userId, ['admin', 'principal']);
    const grant = (await t.ctx.identityQueries.pendingGrants(adminA)).find(
      (g) => g.userId === adminB.userId,
    )!;
    await expect(t.ctx.identity.confirmGrant(adminB, grant.id)).rejects.toThrow(/This grant is for you/);
    await expect(t.ctx.identity.confirmGrant(theirAdmin, grant.id)).rejects.toThrow(/another office/);
    expect(await rolesOf(adminB.userId)).toEqual(['admin']);
  });

  it('an administrator inviting a reviewer: the role waits for a second administrator too', async () => {
    const inv = await t.ctx.identity.invite(adminA, newInviteInput(office, { roles: ['staff', 'reviewer'] }));
    expect(inv.user.roles).toEqual(['staff']);
    expect((await t.ctx.identityQueries.pendingGrants(adminB)).some((g) => g.userId === inv.user.id)).toBe(
      true,
    );
    // The operator at the CLI is trusted: no confirmation.
    const cli = await t.ctx.identity.invite(null, newInviteInput(office, { roles: ['reviewer'] }));
    expect(cli.user.roles).toEqual(['reviewer']);
  });

  describe('the flash rule', () => {
    let staff: Actor;
    let reviewer: Actor;
    const flash = (): CreateCallRequestInput => ({
      ownerOfficeId: office,
      counterpartLeader: 'President Emmanuel Macron of France',
      counterpartCountry: 'FR',
      purpose: 'An urgent call about the summit.',
      topics: ['Summit'],
      urgency: 'flash',
      language: 'French (interpreted)',
      requesterZone: 'Europe/London',
      proposedWindows: [{ start: '2026-03-10T09:00', end: '2026-03-10T10:00' }],
    });
    /** A staff member made reviewer by `granter` (confirmed by `confirmer`), now. */
    async function madeReviewer(granter: Actor, confirmer: Actor): Promise<Actor> {
      const p = await newActor(t.ctx, office, ['staff']);
      await t.ctx.identity.setRoles(granter, p.userId, ['staff', 'reviewer']);
      const g = (await t.ctx.identityQueries.pendingGrants(confirmer)).find((x) => x.userId === p.userId)!;
      await t.ctx.identity.confirmGrant(confirmer, g.id);
      return as(p, ['staff', 'reviewer']);
    }
    const state = async (id: string) => (await t.ctx.calls.queries.get(staff, id)).state;
    beforeAll(async () => {
      t.clock.set('2026-03-05T09:00:00Z');
      staff = await newActor(t.ctx, office, ['staff']);
      reviewer = await newActor(t.ctx, office, ['reviewer']);
    });

    it('two reviewers one administrator made during the request count once; the detail says why', async () => {
      t.clock.set('2026-03-05T10:00:00Z');
      const id = await t.ctx.calls.requests.request(staff, flash());
      t.clock.set('2026-03-05T10:05:00Z');
      const x = await madeReviewer(adminA, adminB);
      const y = await madeReviewer(adminA, adminB);
      t.clock.set('2026-03-05T10:10:00Z');
      await t.ctx.calls.requests.review(x, id, { recommendation: 'approve', notes: 'Fine.' });
      await t.ctx.calls.requests.review(y, id, { recommendation: 'approve', notes: 'Fine too.' });
      expect(await state(id)).toBe('under_review');
      const d = await t.ctx.calls.queries.get(staff, id);
      expect(d.approvals).toMatchObject({ have: 1, need: 2 });
      expect(d.approvals!.notCounted).toEqual([
        {
          reviewer: y.displayName,
          reason: 'same_granter',
          detail: `${y.displayName}'s approval counts once with ${x.displayName}'s: ${adminA.displayName} granted ${y.displayName} the reviewer role after the request was made, and the reviewers one administrator makes during a request are one voice.`,
        },
      ]);
      // A reviewer of before the request is a second voice: now it is approved.
      await t.ctx.calls.requests.review(reviewer, id, { recommendation: 'approve', notes: 'Agreed.' });
      expect(await state(id)).toBe('approved');
    });

    it('reviewers made by two different administrators during the request count as two', async () => {
      t.clock.set('2026-03-06T10:00:00Z');
      const id = await t.ctx.calls.requests.request(staff, flash());
      t.clock.set('2026-03-06T10:05:00Z');
      const x = await madeReviewer(adminA, adminB);
      const y = await madeReviewer(adminB, adminA);
      await t.ctx.calls.requests.review(x, id, { recommendation: 'approve', notes: 'Fine.' });
      await t.ctx.calls.requests.review(y, id, { recommendation: 'approve', notes: 'Fine too.' });
      expect(await state(id)).toBe('approved');
    });

    it('reviewers made before the request by one administrator count for themselves', async () => {
      t.clock.set('2026-03-07T09:00:00Z');
      const x = await madeReviewer(adminA, adminB);
      const y = await madeReviewer(adminA, adminB);
      t.clock.set('2026-03-07T10:00:00Z');
      const id = await t.ctx.calls.requests.request(staff, flash());
      await t.ctx.calls.requests.review(x, id, { recommendation: 'approve', notes: 'Fine.' });
      await t.ctx.calls.requests.review(y, id, { recommendation: 'approve', notes: 'Fine too.' });
      expect(await state(id)).toBe('approved');
    });
  });

  describe('over HTTP', () => {
    let app: App;
    beforeAll(async () => {
      app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    });
    afterAll(() => app.close());

    /** An administrator invited at the CLI and signed in with a passkey. */
    async function signedInAdmin(): Promise<{ cookie: string; name: string }> {
      const inv = await t.ctx.identity.invite(null, newInviteInput(office, { roles: ['admin'] }));
      const reg = await t.ctx.auth.registrationOptions(inv.token);
      const s = await t.ctx.auth.verifyRegistration(
        reg.challengeId,
        inv.token,
        new SoftAuthenticator(t.cfg.publicUrl).register(reg.options as unknown as Record<string, unknown>),
      );
      return { cookie: `hotline_session=${app.signCookie(s.token)}`, name: inv.user.displayName };
    }

    it('lists pending grants with who asked, and a second administrator confirms one', async () => {
      const [{ cookie: ca, name }, { cookie: cb }] = [await signedInAdmin(), await signedInAdmin()];
      const person = await newActor(t.ctx, office, ['staff']);
      const put = await app.inject({
        method: 'PUT',
        url: `/api/v1/users/${person.userId}/roles`,
        headers: { cookie: ca },
        payload: { roles: ['staff', 'reviewer'] },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json().roles).toEqual(['staff']);
      const list = await app.inject({ url: '/api/v1/role-grants/pending', headers: { cookie: cb } });
      expect(list.statusCode, list.body).toBe(200);
      const grant = list.json().find((g: { userId: string }) => g.userId === person.userId);
      expect(grant).toMatchObject({ role: 'reviewer', grantedByName: name });
      const self = await app.inject({
        method: 'POST',
        url: `/api/v1/role-grants/${grant.id}/confirm`,
        headers: { cookie: ca },
      });
      expect(self.statusCode).toBe(403);
      const ok = await app.inject({
        method: 'POST',
        url: `/api/v1/role-grants/${grant.id}/confirm`,
        headers: { cookie: cb },
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(await rolesOf(person.userId)).toEqual(['staff', 'reviewer']);
    });
  });
});
