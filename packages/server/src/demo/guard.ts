import { ConfigError } from '@hotline/common';
import type { ServerConfig } from '../config/config.js';
import { DEMO_OFFICES } from './personas.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/** The setting that lets demo mode run on a public URL or on a database with real offices. */
export const DEMO_FORCE_VARIABLE = 'HOTLINE_DEMO_ALLOW_PUBLIC_URL_AND_REAL_DATA';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLocalPublicUrl(publicUrl: string): boolean {
  return LOCAL_HOSTS.has(new URL(publicUrl).hostname);
}

/** Slugs of offices that are not part of the demo world (empty before the first migration). */
export async function nonDemoOffices(db: Db): Promise<string[]> {
  if (!(await repo.tableExists(db, 'offices'))) return [];
  const demo = DEMO_OFFICES.map((d) => d.office.slug);
  return repo.officeSlugsNotIn(db, demo);
}

/** Whether the records log already holds entries (keys were made for this database before). */
export async function hasRecords(db: Db): Promise<boolean> {
  if (!(await repo.tableExists(db, 'records'))) return false;
  return repo.anyRecord(db);
}

/**
 * Demo mode seeds one-click administrator personas: refuse it on a public URL or on a database
 * holding real offices, unless HOTLINE_DEMO_ALLOW_PUBLIC_URL_AND_REAL_DATA=1.
 */
export async function assertDemoAllowed(cfg: ServerConfig, db: Db | undefined): Promise<void> {
  if (!cfg.demo || cfg.demoForce) return;
  if (!isLocalPublicUrl(cfg.publicUrl)) {
    throw new ConfigError(
      'HOTLINE_DEMO',
      `demo mode seeds one-click administrator logins and refuses to run on the public URL ${cfg.publicUrl} (only localhost, 127.0.0.1 or ::1). Unset HOTLINE_DEMO (npm start sets it: run "npm run hotline -- serve"), or set ${DEMO_FORCE_VARIABLE}=1 if this really is a throwaway demo.`,
    );
  }
  if (!db) return;
  const real = await nonDemoOffices(db);
  if (real.length) {
    throw new ConfigError(
      'HOTLINE_DEMO',
      `demo mode refuses to seed administrator personas into a database with real offices (${real.slice(0, 5).join(', ')}${real.length > 5 ? ', …' : ''}). Unset HOTLINE_DEMO (npm start sets it: run "npm run hotline -- serve"), or set ${DEMO_FORCE_VARIABLE}=1 to seed anyway.`,
    );
  }
}

/** Demo mode creates missing keys only for a database with no records yet. */
export async function assertDemoMayCreateKey(db: Db, file: string, variable: string): Promise<void> {
  if (await hasRecords(db)) {
    throw new ConfigError(
      variable,
      `the key file ${file} is missing but this database already holds records sealed or signed with a key; demo mode will not create a new one. Restore ${file} from your backup (or point ${variable} at it); only if the key is truly lost, start over with an empty database.`,
    );
  }
}
