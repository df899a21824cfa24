import {
  ConflictError,
  DAY,
  ForbiddenError,
  GoneError,
  type HotlineError,
  ValidationError,
} from '@hotline/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newActor, newInviteInput, newOfficeInput } from './helpers/builders.js';
import { newTestContext, type TestContext } from './helpers/test-context.js';

describe('identity service', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await newTestContext();
  });
  afterAll(() => t.close());

  async function recordKinds(): Promise<string[]> {
    const rows = await t.ctx.db.selectFrom('records').select('kind').orderBy('seq').execute();
    return rows.map((r) => r.kind);
  }

  it('creates an office and writes its audit record in the same transaction', async () => {
    const before = (await recordKinds()).length;
    const office = await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput());
    const kinds = await recordKinds();
    expect(kinds.length).toBe(before + 1);
    expect(kinds.at(-1)).toBe('audit.office.created');
    const rec = await t.ctx.db
      .selectFrom('records')
      .selectAll()
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(rec.subject).toBe(office.id);
    const content = await t.ctx.records.content(t.ctx.db, rec.digest);
    expect(JSON.parse(new TextDecoder().decode(content!))).toMatchObject({
      action: 'office.created',
      slug: office.slug,
    });
  });

  it('refuses a duplicate office slug and leaves nothing half-written', async () => {
    const input = newOfficeInput();
    await t.ctx.identity.createOffice({ operator: 'test operator' }, input);
    const before = (await recordKinds()).length;
    await expect(t.ctx.identity.createOffice({ operator: 'test operator' }, input)).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect((await recordKinds()).length).toBe(before);
  });

  it('lets an admin invite a user to their own office, and refuses other roles and offices', async () => {
    const office = await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput());
    const other = await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput());
    const admin = await newActor(t.ctx, office.id, ['admin']);
    const staff = await newActor(t.ctx, office.id, ['staff']);
    const r = await t.ctx.identity.invite(admin, newInviteInput(office.id, { roles: ['notetaker'] }));
    expect(r.user.status).toBe('invited');
    expect(r.token.length).toBeGreaterThan(20);
    expect((await recordKinds()).at(-1)).toBe('audit.user.invited');
    await expect(t.ctx.identity.invite(staff, newInviteInput(office.id))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(t.ctx.identity.invite(admin, newInviteInput(other.id))).rejects.toThrow(/another office/);
  });

  it('stores only the hash of an invite token', async () => {
    const office = await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput());
    const r = await t.ctx.identity.invite(null, newInviteInput(office.id));
    const rows = await t.ctx.db.selectFrom('invites').select('token_hash').execute();
    expect(rows.some((x) => x.token_hash === r.token)).toBe(false);
  });

  it('refuses an expired invite link and an unknown one with clear reasons', async () => {
    const office = await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput());
    const r = await t.ctx.identity.invite(null, newInviteInput(office.id));
    await expect(t.ctx.auth.inspectInvite(r.token)).resolves.toMatchObject({ email: r.user.email });
    t.clock.advance(4 * DAY);
    const err = await t.ctx.auth.inspectInvite(r.token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GoneError);
    expect((err as GoneError).code).toBe('invite_expired');
    expect((err as Error).message).toMatch(/expired.*new one/);
    const unknown = await t.ctx.auth.inspectInvite('x'.repeat(43)).catch((e: unknown) => e);
    expect((unknown as HotlineError).code).toBe('invite_not_found');
  });

  it('changes roles with an audit record, and an admin cannot remove their own admin role', async () => {
    const office = await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput());
    const admin = await newActor(t.ctx, office.id, ['admin', 'press']);
    const target = await newActor(t.ctx, office.id, ['staff']);
    // Press needs no second administrator (reviewer does: role-grants.db.test.ts).
    const u = await t.ctx.identity.setRoles(admin, target.userId, ['staff', 'press']);
    expect(u.roles).toEqual(['staff', 'press']);
    expect((await recordKinds()).at(-1)).toBe('audit.user.roles_changed');
    await expect(t.ctx.identity.setRoles(admin, admin.userId, ['press'])).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('never lets a record be updated or deleted', async () => {
    await expect(t.ctx.db.deleteFrom('records').execute()).rejects.toThrow(/append-only/);
    await expect(t.ctx.db.updateTable('records').set({ kind: 'x' }).execute()).rejects.toThrow(/append-only/);
  });

  it('assigns dense log indexes from 0 without gaps', async () => {
    const rows = await t.ctx.db.selectFrom('records').select('seq').orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i));
    const state = await t.ctx.db.selectFrom('log_state').selectAll().executeTakeFirstOrThrow();
    expect(Number(state.next_seq)).toBe(rows.length);
  });
});
