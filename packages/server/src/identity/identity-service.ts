import { createHash } from 'node:crypto';
import { type Clock, ConflictError, NotFoundError, newId, newToken, ValidationError } from '@hotline/common';
import type { CreateOfficeInput, InviteUserInput, Office, User } from '@hotline/contract';
import { type Actor, authorize, authorizeSameOffice } from '../policy/policy.js';
import type { Role } from '../policy/roles.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import { toOffice, toUser } from './mappers.js';
import type { Db } from './repository.js';
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
    /** Told when a person's roles change (the live layer closes their sockets when one is taken away). */
    private readonly events?: SessionEvents,
  ) {}

  async createOffice(actor: Actor | null, input: CreateOfficeInput): Promise<Office> {
    if (actor) authorize(actor, 'offices.create', 'create offices');
    return repo.transaction(this.db, async (tx) => {
      if (await repo.findOfficeBySlug(tx, input.slug)) {
        throw new ConflictError(`An office with slug "${input.slug}" already exists; choose another slug.`, {
          field: 'slug',
        });
      }
      const id = newId(this.clock.now().getTime());
      await repo.insertOffice(tx, {
        id,
        slug: input.slug,
        name: input.name,
        country: input.country,
        leader_title: input.leaderTitle,
        leader_name: input.leaderName,
        time_zone: input.timeZone,
        created_at: this.clock.now(),
        created_by: actor?.userId ?? null,
      });
      await writeAudit(tx, this.records, {
        action: 'office.created',
        actor: actor ?? { userId: null, officeId: id },
        office: id,
        subject: id,
        details: { ...input, createdBy: actor?.userId ?? null },
      });
      return toOffice((await repo.findOffice(tx, id))!);
    });
  }

  /**
   * Invite a person: creates the user (status invited) and a one-time link. Only the token's
   * hash is stored. `actor` null is the operator at the CLI (already trusted by the shell).
   * An administrator invites to their own office, and to an office they created (so a new
   * office gets its first administrator without the CLI).
   */
  async invite(actor: Actor | null, input: InviteUserInput): Promise<InviteResult> {
    if (actor) authorize(actor, 'users.invite', 'invite users');
    return repo.transaction(this.db, async (tx) => {
      const office = await repo.findOffice(tx, input.officeId);
      if (actor && office?.created_by !== actor.userId) {
        // Same words whether the office exists or not: no probing other offices' ids.
        authorizeSameOffice(actor, input.officeId, 'invite users');
      }
      if (!office) throw new NotFoundError('office', input.officeId);
      const asCreator = !!actor && actor.officeId !== office.id;
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
      if (!existing) {
        await repo.insertUser(tx, {
          id: userId,
          office_id: office.id,
          email,
          display_name: input.displayName,
          title: input.title,
          time_zone: input.timeZone,
          roles: [...new Set(input.roles)],
          status: 'invited',
          demo_persona: false,
          created_at: now,
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
          ...(asCreator ? { via: 'office_creator' } : {}),
        },
      });
      return { user: toUser((await repo.findUser(tx, userId))!), token, expiresAt };
    });
  }

  async setRoles(actor: Actor, userId: string, roles: Role[]): Promise<User> {
    authorize(actor, 'users.setRoles', 'change roles');
    let change: { from: string[]; to: string[] } | null = null;
    const updated = await repo.transaction(this.db, async (tx) => {
      const user = await repo.findUser(tx, userId);
      if (!user) throw new NotFoundError('user', userId);
      authorizeSameOffice(actor, user.office_id, 'change roles');
      const next = [...new Set(roles)];
      if (user.id === actor.userId && !next.includes('admin')) {
        throw new ValidationError('You cannot remove your own admin role; ask another administrator.', {
          field: 'roles',
        });
      }
      await repo.setUserRoles(tx, userId, next);
      await writeAudit(tx, this.records, {
        action: 'user.roles_changed',
        actor,
        office: user.office_id,
        subject: userId,
        details: { from: user.roles, to: next },
      });
      change = { from: [...user.roles], to: next };
      return toUser((await repo.findUser(tx, userId))!);
    });
    if (change)
      this.events?.emit('roles-changed', { userId, ...(change as { from: string[]; to: string[] }) });
    return updated;
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
    await writeAudit(tx, this.records, {
      action: 'user.created',
      actor: null,
      office: input.officeId,
      subject: id,
      details: { email: input.email, roles: input.roles, demoPersona: input.demoPersona },
    });
    return id;
  }
}
