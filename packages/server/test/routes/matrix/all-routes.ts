import { archiveRoutes } from './archive.js';
import { callRoutes } from './calls.js';
import { captureRoutes } from './capture.js';
import type { MatrixWorld, RouteTable } from './harness.js';
import { identityRoutes } from './identity.js';
import { messagingRoutes } from './messaging.js';
import { notificationRoutes } from './notifications.js';
import { publicRoutes } from './public.js';

/** The domains' tables, each run by its own test file (route-matrix-<domain>.db.test.ts). */
export const DOMAIN_TABLES = {
  public: publicRoutes,
  identity: identityRoutes,
  calls: callRoutes,
  capture: captureRoutes,
  archive: archiveRoutes,
  messaging: messagingRoutes,
  notifications: notificationRoutes,
} as const satisfies Record<string, (w: MatrixWorld) => RouteTable>;

/** Every route's entry, from all the domains' tables (the completeness check reads this). */
export function allRoutes(w: MatrixWorld): RouteTable {
  return Object.assign({}, ...Object.values(DOMAIN_TABLES).map((table) => table(w)));
}

/** Routes with an entry in more than one domain's table. */
export function routesInTwoTables(w: MatrixWorld): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const table of Object.values(DOMAIN_TABLES)) {
    for (const route of Object.keys(table(w))) {
      if (seen.has(route)) twice.push(route);
      seen.add(route);
    }
  }
  return twice;
}
