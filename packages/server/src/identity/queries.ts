import { NotFoundError } from '@hotline/common';
import type { Office, Passkey, RoleGrant, User } from '@hotline/contract';
import type { DevicePolicy } from '../config/device-policy.js';
import { type Actor, authorize, authorizeSameOffice } from '../policy/policy.js';
import { isRole } from '../policy/roles.js';
import { toOffice, toPasskey, toRoleGrant, toUser } from './mappers.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/** The identity domain's reads: who is signed in, the directory, passkeys, demo personas. */
export class IdentityQueries {
  constructor(
    private readonly db: Db,
    private readonly devicePolicy: DevicePolicy,
  ) {}

  /** The signed-in person and their office. */
  async me(actor: Actor): Promise<{ user: User; office: Office }> {
    const user = await repo.findUser(this.db, actor.userId);
    const office = await repo.findOffice(this.db, actor.officeId);
    if (!user || !office) throw new NotFoundError('user', actor.userId);
    return { user: toUser(user), office: toOffice(office) };
  }

  async listOffices(actor: Actor): Promise<Office[]> {
    authorize(actor, 'directory.read', 'see the directory');
    return (await repo.listOffices(this.db)).map(toOffice);
  }

  async directory(actor: Actor, officeId?: string, includeDeactivated = false): Promise<User[]> {
    authorize(actor, 'directory.read', 'see the directory');
    return (await repo.listUsers(this.db, officeId, includeDeactivated)).map(toUser);
  }

  /** Role grants in the administrator's office waiting for a second administrator, oldest first. */
  async pendingGrants(actor: Actor): Promise<RoleGrant[]> {
    authorize(actor, 'users.setRoles', 'see role grants');
    const rows = await repo.pendingRoleGrants(this.db, actor.officeId);
    return rows.map((r) =>
      toRoleGrant(
        r,
        new Map([
          [r.user_id, r.user_name],
          ...(r.granted_by && r.granter_name ? [[r.granted_by, r.granter_name] as [string, string]] : []),
        ]),
      ),
    );
  }

  /** The signed-in person's passkeys, oldest first. */
  async passkeys(actor: Actor): Promise<Passkey[]> {
    return (await repo.listPasskeys(this.db, actor.userId)).map((r) =>
      toPasskey(r, actor.roles, this.devicePolicy),
    );
  }

  /**
   * An office member's passkeys, for their administrator: the device flags, authenticator and
   * last use of each, and whether the device policy lets it sign them in under their roles now.
   */
  async userPasskeys(actor: Actor, userId: string): Promise<Passkey[]> {
    authorize(actor, 'users.passkeys', "see a person's passkeys");
    const user = await repo.findUser(this.db, userId);
    if (!user) throw new NotFoundError('user', userId);
    authorizeSameOffice(actor, user.office_id, "see a person's passkeys");
    const roles = user.roles.filter(isRole);
    return (await repo.listPasskeys(this.db, userId)).map((r) => toPasskey(r, roles, this.devicePolicy));
  }

  /** One of the signed-in person's passkeys. */
  async passkey(actor: Actor, id: string): Promise<Passkey> {
    const row = await repo.findPasskey(this.db, id);
    if (!row || row.user_id !== actor.userId) throw new NotFoundError('passkey', id);
    return toPasskey(row, actor.roles, this.devicePolicy);
  }

  /** The demo chooser's list. Only demo-flagged users appear, and only demo routes call this. */
  async demoPersonas() {
    const rows = await repo.demoPersonaRows(this.db);
    return rows.map((r) => ({
      userId: r.id,
      displayName: r.display_name,
      title: r.title,
      roles: r.roles.filter(isRole),
      officeName: r.officeName,
      officeSlug: r.slug,
    }));
  }
}
