import { ForbiddenError, NotFoundError } from '@hotline/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/policy/policy.js';
import { newActor, newOfficeInput } from './helpers/builders.js';
import { newTestContext, type TestContext } from './helpers/test-context.js';

/** Issue 14, point 7: interpreters are people an administrator marks as such, on the record. */
describe('marking interpreters', () => {
  const OPERATOR = { operator: 'alice@hotline-host' };
  let t: TestContext;
  let admin: Actor;
  let person: Actor;
  let otherAdmin: Actor;
  beforeAll(async () => {
    t = await newTestContext();
    const home = await t.ctx.identity.createOffice(OPERATOR, newOfficeInput());
    const other = await t.ctx.identity.createOffice(OPERATOR, newOfficeInput());
    admin = await newActor(t.ctx, home.id, ['admin']);
    person = await newActor(t.ctx, home.id, ['staff']);
    otherAdmin = await newActor(t.ctx, other.id, ['admin']);
  });
  afterAll(() => t.close());

  const records = async () =>
    (await t.ctx.db.selectFrom('records').select(['seq', 'digest']).orderBy('seq').execute()).length;
  async function lastContent() {
    const rec = await t.ctx.db
      .selectFrom('records')
      .selectAll()
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    return JSON.parse(new TextDecoder().decode((await t.ctx.records.content(t.ctx.db, rec.digest))!));
  }

  it('an administrator of the office marks and unmarks a person, each change one audit record', async () => {
    const before = await records();
    expect((await t.ctx.identity.setInterpreter(admin, person.userId, true)).interpreter).toBe(true);
    expect(await records()).toBe(before + 1);
    expect(await lastContent()).toMatchObject({ action: 'user.interpreter_changed', from: false, to: true });
    // The same again changes nothing and writes nothing.
    expect((await t.ctx.identity.setInterpreter(admin, person.userId, true)).interpreter).toBe(true);
    expect(await records()).toBe(before + 1);
    expect((await t.ctx.identity.setInterpreter(admin, person.userId, false)).interpreter).toBe(false);
    expect(await lastContent()).toMatchObject({ action: 'user.interpreter_changed', from: true, to: false });
  });

  it('refuses other roles, other offices and unknown people, writing nothing', async () => {
    const before = await records();
    await expect(t.ctx.identity.setInterpreter(person, person.userId, true)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(t.ctx.identity.setInterpreter(otherAdmin, person.userId, true)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      t.ctx.identity.setInterpreter(admin, '00000000-0000-4000-8000-000000000000', true),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await records()).toBe(before);
    const row = await t.ctx.db
      .selectFrom('users')
      .select('interpreter')
      .where('id', '=', person.userId)
      .executeTakeFirstOrThrow();
    expect(row.interpreter).toBe(false);
  });
});
