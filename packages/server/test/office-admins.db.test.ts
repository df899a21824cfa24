import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@hotline/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { App } from '../src/http/types.js';
import type { Actor } from '../src/policy/policy.js';
import { newActor, newInviteInput, newOfficeInput } from './helpers/builders.js';
import { sameOrigin } from './helpers/http.js';
import { newTestContext, type TestContext } from './helpers/test-context.js';
import { SoftAuthenticator } from './helpers/webauthn.js';

/**
 * Issue "Trust between offices", point 3: who may speak for a government. Offices are created
 * and changed only by the server operator (the CLI on the host; the demo seed), who is named in
 * the office and its record; one office in force per country and leader title. The operator
 * invites a new office's first administrator; an office's administrator invites into their own.
 */
describe('offices are the operator’s act, vouched for and one per government', () => {
  const OPERATOR = { operator: 'alice@hotline-host' };
  let t: TestContext;
  let home: { id: string };
  let admin: Actor;
  beforeAll(async () => {
    t = await newTestContext();
    home = await t.ctx.identity.createOffice(OPERATOR, newOfficeInput());
    admin = await newActor(t.ctx, home.id, ['admin']);
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
  const officeCount = async () => (await t.ctx.db.selectFrom('offices').select('id').execute()).length;

  it('names the operator who vouched for an office, and when, in the office and its record', async () => {
    t.clock.set('2026-03-03T09:00:00Z');
    const office = await t.ctx.identity.createOffice(OPERATOR, newOfficeInput());
    expect(office).toMatchObject({
      vouchedBy: 'alice@hotline-host',
      vouchedAt: '2026-03-03T09:00:00.000Z',
      createdBy: null,
      retiredAt: null,
    });
    const { rec, content } = await lastRecord();
    expect(rec.kind).toBe('audit.office.created');
    expect(content.vouchedBy).toBe('alice@hotline-host');
    const listed = await t.ctx.identityQueries.listOffices(admin);
    expect(listed.find((o) => o.id === office.id)).toMatchObject({ vouchedBy: 'alice@hotline-host' });
  });

  it('refuses a second office for a country and leader title already present, writing nothing', async () => {
    const first = await t.ctx.identity.createOffice(
      OPERATOR,
      newOfficeInput({ country: 'FR', leaderTitle: 'President', name: 'Presidency of the French Republic' }),
    );
    const [records, offices] = [await recordCount(), await officeCount()];
    const err = await t.ctx.identity
      .createOffice(
        { operator: 'mallory@hotline-host' },
        newOfficeInput({
          country: 'FR',
          leaderTitle: ' president ',
          name: 'Office of the President of France',
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toContain(`--replaces ${first.slug}`);
    expect((err as Error).message).toContain('vouched for by alice@hotline-host');
    expect(await recordCount()).toBe(records);
    expect(await officeCount()).toBe(offices);
  });

  it('replaces the office in force when the operator says so: the old one is retired, both recorded', async () => {
    const old = await t.ctx.identity.createOffice(
      OPERATOR,
      newOfficeInput({ country: 'MX', leaderTitle: 'President' }),
    );
    // --replaces must name the office in force for that government.
    const other = await t.ctx.identity.createOffice(OPERATOR, newOfficeInput());
    await expect(
      t.ctx.identity.createOffice(OPERATOR, newOfficeInput({ country: 'MX', leaderTitle: 'President' }), {
        replaces: (
          await t.ctx.db
            .selectFrom('offices')
            .select('slug')
            .where('id', '=', other.id)
            .executeTakeFirstOrThrow()
        ).slug,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    const before = await recordCount();
    const next = await t.ctx.identity.createOffice(
      { operator: 'bob@hotline-host' },
      newOfficeInput({ country: 'MX', leaderTitle: 'President' }),
      { replaces: old.slug },
    );
    expect(await recordCount()).toBe(before + 2);
    const { rec, content } = await lastRecord();
    expect(rec).toMatchObject({ kind: 'audit.office.replaced', subject: old.id });
    expect(content).toMatchObject({ replacedBy: next.id, vouchedBy: 'bob@hotline-host' });
    const retired = (await t.ctx.identityQueries.listOffices(admin)).find((o) => o.id === old.id)!;
    expect(retired.retiredAt).not.toBeNull();
    expect(retired.replacedBy).toBe(next.id);
    // Nobody is invited into a retired office.
    await expect(t.ctx.identity.invite(null, newInviteInput(old.id))).rejects.toBeInstanceOf(ConflictError);
  });

  it('lets the operator change leader, country or title, vouching anew, and records the change', async () => {
    const office = await t.ctx.identity.createOffice(
      OPERATOR,
      newOfficeInput({ country: 'JP', leaderTitle: 'Prime Minister' }),
    );
    t.clock.set('2026-03-04T10:00:00Z');
    const changed = await t.ctx.identity.updateOffice({ operator: 'carol@hotline-host' }, office.slug, {
      leaderName: 'Sanae Takaichi',
    });
    expect(changed).toMatchObject({
      leaderName: 'Sanae Takaichi',
      vouchedBy: 'carol@hotline-host',
      vouchedAt: '2026-03-04T10:00:00.000Z',
    });
    const { rec, content } = await lastRecord();
    expect(rec).toMatchObject({ kind: 'audit.office.updated', subject: office.id });
    expect(content).toMatchObject({
      from: { leaderName: office.leaderName },
      to: { leaderName: 'Sanae Takaichi' },
      vouchedBy: 'carol@hotline-host',
    });
    // ... but not into a second office for a government already present.
    await expect(
      t.ctx.identity.updateOffice(OPERATOR, office.slug, { country: 'FR', leaderTitle: 'President' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      t.ctx.identity.updateOffice(OPERATOR, 'no-such-office', { leaderName: 'X Y' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('an administrator invites only into their own office, even one made for them earlier', async () => {
    const other = await t.ctx.identity.createOffice(OPERATOR, newOfficeInput());
    // An office an administrator created in the app before this change still is not theirs to staff.
    await t.ctx.db
      .updateTable('offices')
      .set({ created_by: admin.userId })
      .where('id', '=', other.id)
      .execute();
    const before = await recordCount();
    const err = await t.ctx.identity.invite(admin, newInviteInput(other.id)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as Error).message).toBe(
      "You may not invite users for another office; ask that office's administrator.",
    );
    expect(await recordCount()).toBe(before);
    // The operator invites the new office's first administrator; that administrator invites the rest.
    const first = await t.ctx.identity.invite(null, newInviteInput(other.id, { roles: ['admin'] }));
    expect(first.user).toMatchObject({ officeId: other.id, roles: ['admin'] });
    const theirAdmin = { ...admin, userId: first.user.id, officeId: other.id };
    await expect(t.ctx.identity.invite(theirAdmin, newInviteInput(other.id))).resolves.toBeDefined();
  });

  it('refuses a new link for someone already invited to another office, and writes nothing', async () => {
    const elsewhere = await t.ctx.identity.createOffice(OPERATOR, newOfficeInput());
    const theirs = await t.ctx.identity.invite(null, newInviteInput(elsewhere.id));
    const before = await recordCount();
    const err = await t.ctx.identity
      .invite(admin, newInviteInput(home.id, { email: theirs.user.email }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toMatch(/already invited to another office/);
    expect(await recordCount()).toBe(before);
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

    it('an administrator cannot create an office: there is no such route, and nothing is written', async () => {
      const [records, offices] = [await recordCount(), await officeCount()];
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/offices',
        headers: { cookie },
        payload: newOfficeInput({
          name: 'Office of the President of France',
          country: 'FR',
          leaderTitle: 'President',
        }),
      });
      expect(created.statusCode).toBe(404);
      expect(await recordCount()).toBe(records);
      expect(await officeCount()).toBe(offices);
      const me = (await app.inject({ url: '/api/v1/me', headers: { cookie } })).json();
      expect(me.permissions).not.toContain('offices.create');
    });

    it('lists each office with who vouched for it', async () => {
      const listed = (await app.inject({ url: '/api/v1/offices', headers: { cookie } })).json();
      expect(listed.find((o: { id: string }) => o.id === home.id)).toMatchObject({
        vouchedBy: 'alice@hotline-host',
        vouchedAt: expect.any(String),
      });
    });
  });
});
