import { ConflictError, ForbiddenError, NotFoundError } from '@hotline/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { App } from '../src/http/types.js';
import type { Actor } from '../src/policy/policy.js';
import { newActor, newInviteInput, newOfficeInput } from './helpers/builders.js';
import { sameOrigin } from './helpers/http.js';
import { newTestContext, type TestContext } from './helpers/test-context.js';
import { SoftAuthenticator } from './helpers/webauthn.js';

describe('administrators and the offices they create', () => {
  let t: TestContext;
  let home: { id: string };
  let admin: Actor;
  let otherAdmin: Actor;
  beforeAll(async () => {
    t = await newTestContext();
    home = await t.ctx.identity.createOffice(null, newOfficeInput());
    admin = await newActor(t.ctx, home.id, ['admin']);
    otherAdmin = await newActor(t.ctx, home.id, ['admin']);
  });
  afterAll(() => t.close());

  async function lastRecord() {
    const rec = await t.ctx.db
      .selectFrom('records')
      .selectAll()
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    const bytes = await t.ctx.records.content(t.ctx.db, rec.digest);
    return { rec, content: JSON.parse(new TextDecoder().decode(bytes!)) };
  }
  const recordCount = async () => (await t.ctx.db.selectFrom('records').select('seq').execute()).length;

  it('records who created an office, in the office and in its audit record', async () => {
    const office = await t.ctx.identity.createOffice(admin, newOfficeInput());
    expect(office.createdBy).toBe(admin.userId);
    const { rec, content } = await lastRecord();
    expect(rec.kind).toBe('audit.office.created');
    expect(content.createdBy).toBe(admin.userId);
    const cli = await t.ctx.identity.createOffice(null, newOfficeInput());
    expect(cli.createdBy).toBeNull();
  });

  it('lets the creating admin invite the first administrator of the new office, with its record', async () => {
    const office = await t.ctx.identity.createOffice(admin, newOfficeInput());
    const before = await recordCount();
    const r = await t.ctx.identity.invite(
      admin,
      newInviteInput(office.id, { roles: ['admin', 'secretariat'] }),
    );
    expect(r.user).toMatchObject({ officeId: office.id, status: 'invited', roles: ['admin', 'secretariat'] });
    expect(await recordCount()).toBe(before + 1);
    const { rec, content } = await lastRecord();
    expect(rec).toMatchObject({ kind: 'audit.user.invited', office_id: office.id, actor_id: admin.userId });
    expect(rec.subject).toBe(r.user.id);
    expect(content).toMatchObject({ via: 'office_creator', roles: ['admin', 'secretariat'] });
    // ... and anyone else there, too.
    await expect(
      t.ctx.identity.invite(admin, newInviteInput(office.id, { roles: ['staff'] })),
    ).resolves.toBeDefined();
  });

  it('keeps the same-office rule for every other office', async () => {
    const mine = await t.ctx.identity.createOffice(admin, newOfficeInput());
    const cliMade = await t.ctx.identity.createOffice(null, newOfficeInput());
    const before = await recordCount();
    for (const [who, officeId] of [
      [otherAdmin, mine.id],
      [admin, cliMade.id],
      [admin, '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a'],
    ] as const) {
      const err = await t.ctx.identity.invite(who, newInviteInput(officeId)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ForbiddenError);
      expect((err as Error).message).toBe(
        "You may not invite users for another office; ask that office's administrator.",
      );
    }
    expect(await recordCount()).toBe(before);
    await expect(
      t.ctx.identity.invite(null, newInviteInput('0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a')),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('does not let the creator change roles in the office it created', async () => {
    const office = await t.ctx.identity.createOffice(admin, newOfficeInput());
    const person = await newActor(t.ctx, office.id, ['staff']);
    await expect(t.ctx.identity.setRoles(admin, person.userId, ['staff', 'admin'])).rejects.toThrow(
      /another office/,
    );
  });

  it('refuses a new link for someone already invited to another office, and writes nothing', async () => {
    const office = await t.ctx.identity.createOffice(admin, newOfficeInput());
    const elsewhere = await t.ctx.identity.createOffice(null, newOfficeInput());
    const theirs = await t.ctx.identity.invite(null, newInviteInput(elsewhere.id));
    const before = await recordCount();
    const invitesBefore = (await t.ctx.db.selectFrom('invites').select('id').execute()).length;
    const err = await t.ctx.identity
      .invite(admin, newInviteInput(office.id, { email: theirs.user.email }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toMatch(/already invited to another office/);
    expect(await recordCount()).toBe(before);
    expect((await t.ctx.db.selectFrom('invites').select('id').execute()).length).toBe(invitesBefore);
  });

  describe('over HTTP', () => {
    let app: App;
    let cookie: string;
    beforeAll(async () => {
      app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
      // A real administrator: invited at the CLI, signed in with a passkey.
      const inv = await t.ctx.identity.invite(null, newInviteInput(home.id, { roles: ['admin'] }));
      const reg = await t.ctx.auth.registrationOptions(inv.token);
      const s = await t.ctx.auth.verifyRegistration(
        reg.challengeId,
        inv.token,
        new SoftAuthenticator(t.cfg.publicUrl).register(reg.options as unknown as Record<string, unknown>),
      );
      cookie = `hotline_session=${app.signCookie(s.token)}`;
    });
    afterAll(() => app.close());

    it('creates an office, lists it with its creator, and invites its first administrator', async () => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/offices',
        headers: { cookie },
        payload: newOfficeInput(),
      });
      expect(created.statusCode).toBe(201);
      const office = created.json();
      const me = (await app.inject({ url: '/api/v1/me', headers: { cookie } })).json();
      expect(office.createdBy).toBe(me.user.id);
      const listed = (await app.inject({ url: '/api/v1/offices', headers: { cookie } })).json();
      expect(listed.find((o: { id: string }) => o.id === office.id).createdBy).toBe(me.user.id);
      const invite = await app.inject({
        method: 'POST',
        url: '/api/v1/users/invite',
        headers: { cookie },
        payload: newInviteInput(office.id, { roles: ['admin'] }),
      });
      expect(invite.statusCode).toBe(201);
      expect(invite.json().user.officeId).toBe(office.id);
      expect(invite.json().inviteUrl).toMatch(/\/app\/invite\/[A-Za-z0-9_-]{20,}$/);
    });
  });
});
