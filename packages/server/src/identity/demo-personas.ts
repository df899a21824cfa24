import type { Db } from '../db/database.js';
import { isRole } from '../policy/roles.js';

/** The demo chooser's list. Only demo-flagged users appear, and only demo routes call this. */
export async function listDemoPersonas(db: Db) {
  const rows = await db
    .selectFrom('users')
    .innerJoin('offices', 'offices.id', 'users.office_id')
    .select([
      'users.id',
      'users.display_name',
      'users.title',
      'users.roles',
      'offices.name as officeName',
      'offices.slug',
    ])
    .where('users.demo_persona', '=', true)
    .where('users.status', '=', 'active')
    .orderBy('offices.name')
    .orderBy('users.display_name')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    displayName: r.display_name,
    title: r.title,
    roles: r.roles.filter(isRole),
    officeName: r.officeName,
    officeSlug: r.slug,
  }));
}
