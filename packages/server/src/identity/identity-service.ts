import { createHash } from 'node:crypto';
import {
  type Clock,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  newId,
  newToken,
  ValidationError,
} from '@hotline/common';
import {
  CONFIRMED_ROLES,
  type CreateOfficeInput,
  type InviteUserInput,
  type Office,
  ROLE_LABELS,
  type RoleGrant,
  type UpdateOfficeInput,
  type User,
} from '@hotline/contract';
import { type Actor, authorize, authorizeSameOffice } from '../policy/policy.js';
import { isRole, type Role } from '../policy/roles.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import { toOffice, toRoleGrant, toUser } from './mappers.js';
import type { Db, OfficeRow } from './repository.js';
import * as repo from './repository.js';
import type { SessionEvents } from './session-events.js';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface InviteResult {
  user: User;
  token: string;
  expiresAt: Date;
}

/** Offices, users, roles and invites: the writes (reads are in IdentityQueries). Every write is one transaction with its audit record. */
export class IdentityService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    private readonly inviteTtlMs: number,
    /** HOTLINE_ROLE_GRANT_CONFIRMATION: principal, admin and reviewer grants wait for a second administrator. */
    private readonly roleGrantConfirmation = false,
    /** Told when a person's roles change (the live layer closes their sockets when one is taken away). */
    private readonly events?: SessionEvents,
  ) {}

  /**
   * Create an office: the server operator's act (the CLI on the host, the demo seed), never an
   * office administrator's, since an office speaks for a government. The operator is named in
   * the office (vouched_by/vouched_at) and its record. A second office in force for the same
   * country and leader title is refused unless `replaces` names that office: it is then retired
   * (replaced_by the new one), recorded.
   */
  async createOffice(
    by: Operator,
    input: CreateOfficeInput,
    opts: { replaces?: string } = {},
  ): Promise<Office> {
    const operator = operatorName(by);
    return repo.transaction(this.db, async (tx) => {
      if (await repo.findOfficeBySlug(tx, input.slug)) {
        throw new ConflictError(`An office with slug "${input.slug}" already exists; choose another slug.`, {
          field: 'slug',
        });
      }
      const existing = await repo.findOfficeFor(tx, input.country, input.leaderTitle);
      let replaced: OfficeRow | undefined;
      if (opts.replaces !== undefined) {
        replaced = await repo.findOfficeBySlug(tx, opts.replaces);
        if (!replaced) throw new NotFoundError('office', opts.replaces);
        if (replaced.id !== existing?.id) {
          throw new ValidationError(
            `"${opts.replaces}" is not the office in force for the ${input.leaderTitle} of ${input.country}${existing ? ` (that is "${existing.slug}")` : ' (there is none)'}; --replaces names the office the new one takes over from.`,
            { field: 'replaces' },
          );
        }
      } else if (existing) {
        throw new ConflictError(
          `"${existing.name}" (${existing.slug}) already speaks for the ${existing.leader_title} of ${existing.country}${vouchedText(existing)}. A second office for the same government is refused; if the new one replaces it, say so with --replaces ${existing.slug}.`,
          { field: 'leaderTitle', existing: existing.slug },
        );
      }
      const now = this.clock.now();
      const id = newId(now.getTime());
      await repo.insertOffice(tx, {
        id,
        slug: input.slug,
        name: input.name,
        country: input.country,
        leader_title: input.leaderTitle,
        leader_name: input.leaderName,
        time_zone: input.timeZone,
        created_at: now,
        created_by: null,
        vouched_by: operator,
        vouched_at: now,
      });
      await writeAudit(tx, this.records, {
        action: 'office.created',
        actor: { userId: null, officeId: id },
        office: id,
        subject: id,
        details: { ...input, vouchedBy: operator, ...(replaced ? { replaces: replaced.id } : {}) },
      });
      if (replaced) {
        await repo.updateOffice(tx, replaced.id, { retired_at: now, replaced_by: id });
        await writeAudit(tx, this.records, {
          action: 'office.replaced',
          actor: { userId: null, officeId: replaced.id },
          office: replaced.id,
          subject: replaced.id,
          details: { slug: replaced.slug, replacedBy: id, replacedBySlug: input.slug, vouchedBy: operator },
        });
      }
      return toOffice((await repo.findOffice(tx, id))!);
    });
  }

  /**
   * Change an office's name, leader, country, title or time zone: the operator's act, like
   * creating it. The office is vouched for again (by this operator, now); the record keeps what
   * changed. A change that would make a second office for a government in force is refused.
   */
  async updateOffice(by: Operator, slug: string, input: UpdateOfficeInput): Promise<Office> {
    const operator = operatorName(by);
    return repo.transaction(this.db, async (tx) => {
      const office = await repo.findOfficeBySlug(tx, slug);
      if (!office) throw new NotFoundError('office', slug);
      if (office.retired_at) {
        throw new ConflictError(
          `"${office.slug}" was replaced and is retired; change the office that replaced it.`,
        );
      }
      const country = input.country ?? office.country;
      const leaderTitle = input.leaderTitle ?? office.leader_title;
      const clash = await repo.findOfficeFor(tx, country, leaderTitle, office.id);
      if (clash) {
        throw new ConflictError(
          `"${clash.name}" (${clash.slug}) already speaks for the ${clash.leader_title} of ${clash.country}; one office per government.`,
          { field: 'leaderTitle', existing: clash.slug },
        );
      }
      const before = {
        name: office.name,
        country: office.country,
        leaderTitle: office.leader_title,
        leaderName: office.leader_name,
        timeZone: office.time_zone,
      };
      const after = {
        ...before,
        ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
      };
      const changed = (Object.keys(before) as (keyof typeof before)[]).filter((k) => before[k] !== after[k]);
      if (!changed.length) throw new ValidationError('Nothing to change: the office already reads so.');
      const now = this.clock.now();
      await repo.updateOffice(tx, office.id, {
        name: after.name,
        country: after.country,
        leader_title: after.leaderTitle,
        leader_name: after.leaderName,
        time_zone: after.timeZone,
        vouched_by: operator,
        vouched_at: now,
      });
      await writeAudit(tx, this.records, {
        action: 'office.updated',
        actor: { userId: null, officeId: office.id },
        office: office.id,
        subject: office.id,
        details: {
          from: Object.fromEntries(changed.map((k) => [k, before[k]])),
          to: Object.fromEntries(changed.map((k) => [k, after[k]])),
          vouchedBy: operator,
        },
      });
      return toOffice((await repo.findOffice(tx, office.id))!);
    });
  }

  /**
   * Invite a person: creates the user (status invited) and a one-time link. Only the token's
   * hash is stored. `actor` null is the operator at the CLI (already trusted by the shell), who
   * invites a new office's first administrator; an administrator invites to their own office.
   * Each role is a grant naming who gave it; from an administrator, the roles that need a second
   * administrator (CONFIRMED_ROLES) wait as pending grants, when confirmation is on.
   */
  async invite(actor: Actor | null, input: InviteUserInput): Promise<InviteResult> {
    if (actor) authorize(actor, 'users.invite', 'invite users');
    return repo.transaction(this.db, async (tx) => {
      // Same words whether the office exists or not: no probing other offices' ids.
      if (actor) authorizeSameOffice(actor, input.officeId, 'invite users');
      const office = await repo.findOffice(tx, input.officeId);
      if (!office) throw new NotFoundError('office', input.officeId);
      if (office.retired_at) {
        throw new ConflictError(`${office.name} was replaced by another office; invite people there.`);
      }
      const email = input.email.toLowerCase();
      const existing = await repo.findUserByEmail(tx, email);
      if (existing && existing.status !== 'invited') {
        throw new ConflictError(`${email} already has an account; they can sign in with their passkey.`, {
          field: 'email',
        });
      }
      // A new link for someone invited elsewhere would let this office's admin take that account.
      if (existing && existing.office_id !== office.id) {
        throw new ConflictError(
          `${email} is already invited to another office; that office's administrator can send them a new link.`,
          { field: 'email' },
        );
      }
      const now = this.clock.now();
      const userId = existing?.id ?? newId(now.getTime());
      const roles = [...new Set(input.roles)];
      const pending = actor ? roles.filter((r) => this.needsConfirmation(r)) : [];
      if (!existing) {
        await repo.insertUser(tx, {
          id: userId,
          office_id: office.id,
          email,
          display_name: input.displayName,
          title: input.title,
          time_zone: input.timeZone,
          roles: roles.filter((r) => !pending.includes(r)),
          status: 'invited',
          demo_persona: false,
          created_at: now,
        });
        await this.grant(tx, {
          userId,
          officeId: office.id,
          roles,
          pending,
          by: actor?.userId ?? null,
          at: now,
        });
      }
      const token = newToken();
      const expiresAt = new Date(now.getTime() + this.inviteTtlMs);
      await repo.insertInvite(tx, {
        id: newId(now.getTime()),
        token_hash: hashToken(token),
        user_id: userId,
        created_by: actor?.userId ?? null,
        created_at: now,
        expires_at: expiresAt,
        used_at: null,
      });
      await writeAudit(tx, this.records, {
        action: 'user.invited',
        actor,
        office: office.id,
        subject: userId,
        details: {
          email,
          roles: input.roles,
          expiresAt: expiresAt.toISOString(),
          ...(pending.length ? { pendingConfirmation: pending } : {}),
        },
      });
      return { user: toUser((await repo.findUser(tx, userId))!), token, expiresAt };
    });
  }

  /**
   * Set a person's roles. Nobody gives themselves a role. Roles taken away end at once (their
   * grants are revoked); roles added are grants naming this administrator, in force at once, or,
   * for principal, administrator and reviewer when HOTLINE_ROLE_GRANT_CONFIRMATION is on,
   * pending until a second administrator confirms them (confirmGrant). Pending grants are left
   * as they are.
   */
  async setRoles(actor: Actor, userId: string, roles: Role[]): Promise<User> {
    authorize(actor, 'users.setRoles', 'change roles');
    let change: { from: string[]; to: string[] } | null = null;
    const updated = await repo.transaction(this.db, async (tx) => {
      const user = await repo.findUser(tx, userId);
      if (!user) throw new NotFoundError('user', userId);
      authorizeSameOffice(actor, user.office_id, 'change roles');
      const next = [...new Set(roles)];
      const current = user.roles.filter(isRole);
      const added = next.filter((r) => !current.includes(r));
      const removed = current.filter((r) => !next.includes(r));
      if (user.id === actor.userId && added.length) {
        throw new ForbiddenError(
          `You cannot give yourself a role (${added.map((r) => ROLE_LABELS[r]).join(', ')}); another administrator must grant it.`,
          { field: 'roles' },
        );
      }
      if (user.id === actor.userId && removed.includes('admin')) {
        throw new ValidationError('You cannot remove your own admin role; ask another administrator.', {
          field: 'roles',
        });
      }
      const now = this.clock.now();
      const open = await repo.openRoleGrants(tx, userId);
      const alreadyPending = open.filter((g) => g.confirmed_at === null).map((g) => g.role);
      const toGrant = added.filter((r) => !(alreadyPending.includes(r) && this.needsConfirmation(r)));
      const pending = toGrant.filter((r) => this.needsConfirmation(r));
      await repo.revokeRoleGrants(
        tx,
        open.filter((g) => g.confirmed_at !== null && removed.includes(g.role as Role)).map((g) => g.id),
        actor.userId,
        now,
      );
      const grantIds = await this.grant(tx, {
        userId,
        officeId: user.office_id,
        roles: toGrant,
        pending,
        by: actor.userId,
        at: now,
      });
      const inForce = next.filter((r) => !added.includes(r) || !this.needsConfirmation(r));
      await repo.setUserRoles(tx, userId, inForce);
      await writeAudit(tx, this.records, {
        action: 'user.roles_changed',
        actor,
        office: user.office_id,
        subject: userId,
        details: {
          from: user.roles,
          to: inForce,
          ...(pending.length
            ? { pendingConfirmation: pending.map((role) => ({ role, grantId: grantIds.get(role) })) }
            : {}),
        },
      });
      change = { from: [...user.roles], to: next };
      return toUser((await repo.findUser(tx, userId))!);
    });
    if (change)
      this.events?.emit('roles-changed', { userId, ...(change as { from: string[]; to: string[] }) });
    return updated;
  }

  /**
   * Mark a person of the administrator's office as an interpreter, or no longer one: the schedule
   * form offers interpreters only. An administrator's act, recorded; no change when already so.
   */
  async setInterpreter(actor: Actor, userId: string, interpreter: boolean): Promise<User> {
    authorize(actor, 'users.setRoles', 'mark interpreters');
    return repo.transaction(this.db, async (tx) => {
      const user = await repo.findUser(tx, userId);
      if (!user) throw new NotFoundError('user', userId);
      authorizeSameOffice(actor, user.office_id, 'mark interpreters');
      if (user.interpreter !== interpreter) {
        await repo.setUserInterpreter(tx, userId, interpreter);
        await writeAudit(tx, this.records, {
          action: 'user.interpreter_changed',
          actor,
          office: user.office_id,
          subject: userId,
          details: { from: user.interpreter, to: interpreter },
        });
      }
      return toUser((await repo.findUser(tx, userId))!);
    });
  }

  /**
   * A second administrator confirms a pending grant: the role comes into force. Not the
   * administrator who asked for it, and not the person it is for.
   */
  async confirmGrant(actor: Actor, grantId: string): Promise<RoleGrant> {
    authorize(actor, 'users.setRoles', 'confirm role grants');
    return repo.transaction(this.db, async (tx) => {
      const grant = await repo.findRoleGrant(tx, grantId);
      if (!grant) throw new NotFoundError('role grant', grantId);
      authorizeSameOffice(actor, grant.office_id, 'confirm role grants');
      if (grant.revoked_at) throw new ConflictError('This grant was withdrawn; it cannot be confirmed.');
      if (grant.confirmed_at) throw new ConflictError('This grant is already confirmed.');
      if (grant.granted_by === actor.userId) {
        throw new ForbiddenError(
          'You asked for this grant; a second administrator must confirm it, not the one who asked.',
        );
      }
      if (grant.user_id === actor.userId) {
        throw new ForbiddenError('This grant is for you; another administrator must confirm it.');
      }
      const user = await repo.findUser(tx, grant.user_id);
      if (!user || user.status === 'disabled') {
        throw new ConflictError('This person is deactivated; their grant cannot be confirmed.');
      }
      const now = this.clock.now();
      if (!(await repo.confirmRoleGrant(tx, grant.id, actor.userId, now))) {
        throw new ConflictError('This grant is already confirmed or withdrawn.');
      }
      if (!user.roles.includes(grant.role)) await repo.setUserRoles(tx, user.id, [...user.roles, grant.role]);
      await writeAudit(tx, this.records, {
        action: 'role.grant_confirmed',
        actor,
        office: grant.office_id,
        subject: user.id,
        details: {
          grantId: grant.id,
          role: grant.role,
          grantedBy: grant.granted_by,
          grantedAt: new Date(grant.granted_at).toISOString(),
        },
      });
      const row = (await repo.findRoleGrant(tx, grant.id))!;
      const names = await repo.userDisplayNames(tx, [row.user_id, row.granted_by]);
      return toRoleGrant(row, names);
    });
  }

  /** Seeding helper: insert an already-active user (demo personas), with its audit record. */
  async createActiveUser(
    tx: Db,
    input: Omit<InviteUserInput, 'roles'> & { roles: Role[]; demoPersona: boolean },
  ): Promise<string> {
    const now = this.clock.now();
    const id = newId(now.getTime());
    await repo.insertUser(tx, {
      id,
      office_id: input.officeId,
      email: input.email.toLowerCase(),
      display_name: input.displayName,
      title: input.title,
      time_zone: input.timeZone,
      roles: input.roles,
      status: 'active',
      demo_persona: input.demoPersona,
      created_at: now,
    });
    await this.grant(tx, {
      userId: id,
      officeId: input.officeId,
      roles: input.roles,
      pending: [],
      by: null,
      at: now,
    });
    await writeAudit(tx, this.records, {
      action: 'user.created',
      actor: null,
      office: input.officeId,
      subject: id,
      details: { email: input.email, roles: input.roles, demoPersona: input.demoPersona },
    });
    return id;
  }

  private needsConfirmation(role: Role): boolean {
    return this.roleGrantConfirmation && CONFIRMED_ROLES.includes(role);
  }

  /** Grant rows for `roles` (those in `pending` wait for confirmation); the new grant ids by role. */
  private async grant(
    tx: Db,
    g: { userId: string; officeId: string; roles: Role[]; pending: Role[]; by: string | null; at: Date },
  ): Promise<Map<Role, string>> {
    const ids = new Map<Role, string>();
    for (const role of g.roles) {
      const id = newId(g.at.getTime());
      ids.set(role, id);
      await repo.insertRoleGrant(tx, {
        id,
        user_id: g.userId,
        office_id: g.officeId,
        role,
        granted_by: g.by,
        granted_at: g.at,
        confirmed_by: null,
        confirmed_at: g.pending.includes(role) ? null : g.at,
        revoked_at: null,
        revoked_by: null,
      });
    }
    return ids;
  }
}

/** The server operator, as the CLI names them (OS user@host) or the demo seed ("demo seed"). */
export interface Operator {
  operator: string;
}

function operatorName(by: Operator): string {
  const name = by.operator.trim();
  if (!name) throw new ValidationError('The operator who vouches for an office must be named.');
  return name;
}

function vouchedText(o: OfficeRow): string {
  return o.vouched_by && o.vouched_at
    ? `, vouched for by ${o.vouched_by} on ${new Date(o.vouched_at).toISOString().slice(0, 10)}`
    : '';
}
