import { PendingInviteSchema, SessionSchema, UserSchema } from '@hotline/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import type { SessionsEnded } from '../../src/identity/session-events.js';
import type { Role } from '../../src/policy/roles.js';
import { newInviteInput, newOfficeInput } from '../helpers/builders.js';
import { sameOrigin } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';
import { SoftAuthenticator } from '../helpers/webauthn.js';

/**
 * Issue "Hardening", item 7: an administrator lists and ends an office member's sessions,
 * deactivates a person, lists and withdraws pending invitations; a person sees and ends their
 * own sessions. Each act is a record naming who did it; ended sessions are announced.
 */
describe('sessions and people under the administrator’s hand', () => {
  let t: TestContext;
  let app: App;
  let officeId: string;
  const ended: SessionsEnded[] = [];

  interface Person {
    userId: string;
    device: SoftAuthenticator;
  }

  beforeAll(async () => {
    t = await newTestContext({ authRateLimit: '100000' });
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    officeId = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
    t.ctx.auth.sessionEvents.on('ended', (e) => ended.push(e));
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  /** Invite and register a person over HTTP; returns them with their first session's cookie. */
  async function person(roles: Role[], office = officeId): Promise<Person & { cookie: string }> {
    const inv = await t.ctx.identity.invite(null, newInviteInput(office, { roles }));
    const device = new SoftAuthenticator(t.cfg.publicUrl);
    const o = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/auth/register/options',
        payload: { inviteToken: inv.token },
      })
    ).json();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/register/verify',
      headers: { 'user-agent': 'Registering browser' },
      payload: { challengeId: o.challengeId, inviteToken: inv.token, response: device.register(o.options) },
    });
    expect(res.statusCode, res.body).toBe(200);
    return { userId: inv.user.id, device, cookie: cookieOf(res) };
  }

  function cookieOf(res: { cookies: { name: string; value: string }[] }) {
    const c = res.cookies.find((x) => x.name === 'hotline_session');
    if (!c) throw new Error('no session cookie');
    return `hotline_session=${c.value}`;
  }

  async function signIn(p: Person, userAgent: string) {
    const o = (await app.inject({ method: 'POST', url: '/api/v1/auth/login/options', payload: {} })).json();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login/verify',
      headers: { 'user-agent': userAgent },
      payload: { challengeId: o.challengeId, response: p.device.authenticate(o.options) },
    });
    return res;
  }

  const as = (cookie: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({ method, url, headers: { cookie }, ...(payload === undefined ? {} : { payload }) } as never);

  async function lastRecord() {
    const rec = await t.ctx.db
      .selectFrom('records')
      .selectAll()
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    const content = JSON.parse(
      new TextDecoder().decode((await t.ctx.records.content(t.ctx.db, rec.digest))!),
    );
    return { rec, content };
  }

  it('a person sees their own sessions (device, created, last seen, this session) and ends another one', async () => {
    const me = await person(['staff']);
    const phone = cookieOf(await signIn(me, 'Phone browser/1.0'));
    const res = await as(me.cookie, 'GET', '/api/v1/me/sessions');
    expect(res.statusCode, res.body).toBe(200);
    const list = z.array(SessionSchema).parse(res.json());
    expect(list).toHaveLength(2);
    expect(list.find((s) => s.current)?.userAgent).toBe('Registering browser');
    const other = list.find((s) => !s.current)!;
    expect(other.userAgent).toBe('Phone browser/1.0');
    expect(other.createdAt).toBe(t.clock.now().toISOString());
    expect(other.lastSeenAt).not.toBeNull();

    ended.length = 0;
    const del = await as(me.cookie, 'DELETE', `/api/v1/me/sessions/${other.id}`);
    expect(del.statusCode, del.body).toBe(200);
    expect((await as(phone, 'GET', '/api/v1/me')).json()).toMatchObject({
      status: 401,
      code: 'session_revoked',
    });
    expect((await as(me.cookie, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect(ended).toEqual([{ userId: me.userId, sessionIds: [other.id], why: 'revoked' }]);
    const { rec, content } = await lastRecord();
    expect(rec.kind).toBe('audit.auth.session_revoked');
    expect(rec.actor_id).toBe(me.userId);
    expect(content).toMatchObject({ sessionId: other.id, by: 'self' });

    // Someone else's session is not theirs to end, and reads as missing.
    const stranger = await person(['staff']);
    const theirs = z
      .array(SessionSchema)
      .parse((await as(stranger.cookie, 'GET', '/api/v1/me/sessions')).json());
    const res404 = await as(me.cookie, 'DELETE', `/api/v1/me/sessions/${theirs[0]!.id}`);
    expect(res404.statusCode).toBe(404);
    expect(res404.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await as(stranger.cookie, 'GET', '/api/v1/me')).statusCode).toBe(200);
  });

  it('signing out announces the ended session', async () => {
    const p = await person(['staff']);
    const [s] = z.array(SessionSchema).parse((await as(p.cookie, 'GET', '/api/v1/me/sessions')).json());
    ended.length = 0;
    expect((await as(p.cookie, 'POST', '/api/v1/auth/sign-out', {})).statusCode).toBe(200);
    expect(ended).toEqual([{ userId: p.userId, sessionIds: [s!.id], why: 'signed_out' }]);
  });

  it("an administrator lists and ends an office member's sessions; others may not", async () => {
    const admin = await person(['admin']);
    const member = await person(['staff']);
    const laptop = cookieOf(await signIn(member, 'Laptop browser'));
    const res = await as(admin.cookie, 'GET', `/api/v1/users/${member.userId}/sessions`);
    expect(res.statusCode, res.body).toBe(200);
    const list = z.array(SessionSchema).parse(res.json());
    expect(list.map((s) => s.userAgent).sort()).toEqual(['Laptop browser', 'Registering browser']);
    expect(list.every((s) => !s.current)).toBe(true);
    const target = list.find((s) => s.userAgent === 'Laptop browser')!;

    // A colleague without the admin role, and another office's administrator: 403.
    const colleague = await person(['staff']);
    const otherOffice = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput()))
      .id;
    const foreignAdmin = await person(['admin'], otherOffice);
    for (const cookie of [colleague.cookie, foreignAdmin.cookie]) {
      expect((await as(cookie, 'GET', `/api/v1/users/${member.userId}/sessions`)).statusCode).toBe(403);
      const r = await as(cookie, 'DELETE', `/api/v1/users/${member.userId}/sessions/${target.id}`);
      expect(r.statusCode).toBe(403);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await as(laptop, 'GET', '/api/v1/me')).statusCode).toBe(200);

    ended.length = 0;
    const del = await as(admin.cookie, 'DELETE', `/api/v1/users/${member.userId}/sessions/${target.id}`);
    expect(del.statusCode, del.body).toBe(200);
    expect((await as(laptop, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await as(member.cookie, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect(ended).toEqual([{ userId: member.userId, sessionIds: [target.id], why: 'revoked' }]);
    const { rec, content } = await lastRecord();
    expect(rec.kind).toBe('audit.auth.session_revoked');
    expect(rec.actor_id).toBe(admin.userId);
    expect(rec.subject).toBe(member.userId);
    expect(content).toMatchObject({ sessionId: target.id, by: 'admin' });
  });

  it('an administrator deactivates a person: every session ends, sign-in is refused, the directory shows it', async () => {
    const admin = await person(['admin']);
    const member = await person(['staff']);
    const second = cookieOf(await signIn(member, 'Second browser'));
    const ids = z
      .array(SessionSchema)
      .parse((await as(admin.cookie, 'GET', `/api/v1/users/${member.userId}/sessions`)).json())
      .map((s) => s.id)
      .sort();

    const colleague = await person(['staff']);
    expect(
      (await as(colleague.cookie, 'POST', `/api/v1/users/${member.userId}/deactivate`, {})).statusCode,
    ).toBe(403);
    // Not oneself.
    expect((await as(admin.cookie, 'POST', `/api/v1/users/${admin.userId}/deactivate`, {})).statusCode).toBe(
      400,
    );

    ended.length = 0;
    const res = await as(admin.cookie, 'POST', `/api/v1/users/${member.userId}/deactivate`, {
      reason: 'Left the office',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(UserSchema.parse(res.json()).status).toBe('disabled');
    const { rec, content } = await lastRecord();
    expect(rec.kind).toBe('audit.user.deactivated');
    expect(rec.actor_id).toBe(admin.userId);
    expect(rec.subject).toBe(member.userId);
    expect(content).toMatchObject({ from: 'active', reason: 'Left the office' });
    expect([...content.sessionsEnded].sort()).toEqual(ids);
    expect(ended).toHaveLength(1);
    expect(ended[0]!.userId).toBe(member.userId);
    expect([...ended[0]!.sessionIds].sort()).toEqual(ids);

    for (const c of [member.cookie, second]) expect((await as(c, 'GET', '/api/v1/me')).statusCode).toBe(401);
    const again = await signIn(member, 'Another try');
    expect(again.statusCode).toBe(403);
    expect(again.cookies.find((c) => c.name === 'hotline_session')).toBeUndefined();
    const dir = z
      .array(UserSchema)
      .parse(
        (await as(admin.cookie, 'GET', `/api/v1/users?officeId=${officeId}&include=deactivated`)).json(),
      );
    expect(dir.find((u) => u.id === member.userId)?.status).toBe('disabled');
    expect((await as(admin.cookie, 'POST', `/api/v1/users/${member.userId}/deactivate`, {})).statusCode).toBe(
      409,
    );
  });

  it('an administrator lists and withdraws pending invitations of their office; the link then fails', async () => {
    const admin = await person(['admin']);
    const invited = await t.ctx.identity.invite(null, newInviteInput(officeId, { roles: ['press'] }));
    const list = z
      .array(PendingInviteSchema)
      .parse((await as(admin.cookie, 'GET', '/api/v1/invites')).json());
    const mine = list.find((i) => i.user.id === invited.user.id)!;
    expect(mine.user.status).toBe('invited');
    expect(mine.expiresAt).toBe(invited.expiresAt.toISOString());

    const otherOffice = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput()))
      .id;
    const foreignAdmin = await person(['admin'], otherOffice);
    const foreignList = z
      .array(PendingInviteSchema)
      .parse((await as(foreignAdmin.cookie, 'GET', '/api/v1/invites')).json());
    expect(foreignList.map((i) => i.id)).not.toContain(mine.id);
    expect((await as(foreignAdmin.cookie, 'DELETE', `/api/v1/invites/${mine.id}`)).statusCode).toBe(404);
    const staff = await person(['staff']);
    expect((await as(staff.cookie, 'GET', '/api/v1/invites')).statusCode).toBe(403);
    expect((await as(staff.cookie, 'DELETE', `/api/v1/invites/${mine.id}`)).statusCode).toBe(403);

    const res = await as(admin.cookie, 'DELETE', `/api/v1/invites/${mine.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const { rec, content } = await lastRecord();
    expect(rec.kind).toBe('audit.user.invite_revoked');
    expect(rec.actor_id).toBe(admin.userId);
    expect(rec.subject).toBe(invited.user.id);
    expect(content).toMatchObject({ inviteId: mine.id });
    const after = z
      .array(PendingInviteSchema)
      .parse((await as(admin.cookie, 'GET', '/api/v1/invites')).json());
    expect(after.map((i) => i.id)).not.toContain(mine.id);
    const link = await app.inject({ method: 'GET', url: `/api/v1/invites/${invited.token}` });
    expect(link.statusCode).toBe(410);
    expect(link.json()).toMatchObject({ code: 'invite_revoked' });
    expect((await as(admin.cookie, 'DELETE', `/api/v1/invites/${mine.id}`)).statusCode).toBe(409);
  });
});
