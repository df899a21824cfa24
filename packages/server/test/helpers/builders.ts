import type { CreateOfficeInput, InviteUserInput } from '@hotline/contract';
import type { AppContext } from '../../src/context.js';
import type { Actor } from '../../src/policy/policy.js';
import type { Role } from '../../src/policy/roles.js';

let n = 0;

export function newOfficeInput(over: Partial<CreateOfficeInput> = {}): CreateOfficeInput {
  n += 1;
  return {
    slug: `office-${n}-${Math.random().toString(36).slice(2, 6)}`,
    name: `Office of the Prime Minister of Testland ${n}`,
    country: 'NZ',
    // One office per country and leader title is in force (the operator's --replaces aside).
    leaderTitle: `Prime Minister ${n}`,
    leaderName: `Leader ${n}`,
    timeZone: 'Pacific/Auckland',
    ...over,
  };
}

export function newInviteInput(officeId: string, over: Partial<InviteUserInput> = {}): InviteUserInput {
  n += 1;
  return {
    officeId,
    email: `person${n}.${Math.random().toString(36).slice(2, 6)}@example.gov`,
    displayName: `Person ${n}`,
    title: 'Policy Adviser',
    timeZone: 'Europe/London',
    roles: ['staff'],
    ...over,
  };
}

/** An active user with the given roles, returned as an Actor. */
export async function newActor(ctx: AppContext, officeId: string, roles: Role[]): Promise<Actor> {
  const input = newInviteInput(officeId, { roles });
  const id = await ctx.db
    .transaction()
    .execute((tx) => ctx.identity.createActiveUser(tx, { ...input, roles, demoPersona: false }));
  return { userId: id, officeId, roles, displayName: input.displayName };
}

/** The id of the office with this slug (a demo office, say 'us-potus'); throws if there is none. */
export async function officeIdBySlug(ctx: AppContext, slug: string): Promise<string> {
  return (await ctx.db.selectFrom('offices').select('id').where('slug', '=', slug).executeTakeFirstOrThrow())
    .id;
}
