import { describe, expect, it } from 'vitest';
import { newInviteInput } from '../helpers/builders.js';
import { expectProblem, runMatrix, setupMatrix } from './matrix/harness.js';
import { identityRoutes } from './matrix/identity.js';

/**
 * The route × role matrix (matrix/harness.ts) for sign-in, the signed-in person's own things,
 * the directory and administration.
 */
describe('route × role matrix: identity and administration', () => {
  const w = setupMatrix();
  runMatrix(w, identityRoutes(w));

  describe('office scoping', () => {
    it("the admin of Canada cannot invite into the US office nor change a US person's roles: refused (403)", async () => {
      const inv = await w.send('admin', 'ca-pmo', {
        method: 'POST',
        url: '/api/v1/users/invite',
        payload: newInviteInput(w.offices.get('us-potus')!),
      });
      expectProblem(inv, 403);
      expect(inv.json().detail).toMatch(/for another office/);
      const roles = await w.send('admin', 'ca-pmo', {
        method: 'PUT',
        url: `/api/v1/users/${w.ids.roleTarget}/roles`,
        payload: { roles: ['admin'] },
      });
      expectProblem(roles, 403);
      const target = await w.t.ctx.db
        .selectFrom('users')
        .select('roles')
        .where('id', '=', w.ids.roleTarget)
        .executeTakeFirstOrThrow();
      expect(target.roles).not.toContain('admin');
    });
  });
});
