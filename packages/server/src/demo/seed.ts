import type { Logger } from '@hotline/common';
import type { IdentityService } from '../identity/identity-service.js';
import { DEMO_OFFICES } from './personas.js';
import type { Db } from './repository.js';
import { findOfficeBySlug, markInterpreters, transaction } from './repository.js';

/** Runs after offices and people exist; the calls and capture parts add their history here. */
export type SeedHook = (ctx: {
  officeIds: Record<string, string>;
  userIds: Record<string, string>;
}) => Promise<void>;

/**
 * Seed the demo world once. Idempotent: if the first demo office exists, nothing happens.
 * Returns true when it seeded.
 */
export async function seedDemo(
  db: Db,
  identity: IdentityService,
  logger: Logger,
  hooks: SeedHook[] = [],
): Promise<boolean> {
  const first = await findOfficeBySlug(db, DEMO_OFFICES[0]!.office.slug);
  if (first) return false;
  const officeIds: Record<string, string> = {};
  const userIds: Record<string, string> = {};
  for (const demo of DEMO_OFFICES) {
    const office = await identity.createOffice({ operator: 'demo seed' }, demo.office);
    officeIds[demo.office.slug] = office.id;
    await transaction(db, async (tx) => {
      for (const p of demo.people) {
        userIds[p.email] = await identity.createActiveUser(tx, {
          officeId: office.id,
          email: p.email,
          displayName: p.displayName,
          title: p.title,
          timeZone: demo.office.timeZone,
          roles: [p.role],
          demoPersona: true,
        });
      }
    });
  }
  await markInterpreters(
    db,
    DEMO_OFFICES.flatMap((o) => o.people.filter((p) => p.interpreter).map((p) => userIds[p.email]!)),
  );
  for (const hook of hooks) await hook({ officeIds, userIds });
  logger.info({ offices: DEMO_OFFICES.length }, 'seeded the demo world');
  return true;
}
