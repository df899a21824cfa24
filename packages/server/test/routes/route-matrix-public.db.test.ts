import { describe, expect, it } from 'vitest';
import { allRoutes, routesInTwoTables } from './matrix/all-routes.js';
import { runMatrix, setupMatrix } from './matrix/harness.js';
import { publicRoutes } from './matrix/public.js';

/**
 * The route × role matrix (matrix/harness.ts): that every route has an entry in one of the
 * domains' tables, then health, the public site, the records log, meta, the API docs and the web
 * app's files.
 */
describe('route × role matrix: the route list, the public site, the log and the docs', () => {
  const w = setupMatrix();

  // ---------------------------------------------------------------- the route list

  /**
   * Routes as "METHOD /path". HEAD is Fastify's automatic twin of each GET (for a plugin's "/"
   * route it is named with the prefix's trailing slash, the GET without).
   */
  const routeKeys = () =>
    [...w.registered]
      .filter(
        (k) => !(k.startsWith('HEAD ') && w.registered.has(`GET ${k.slice(5).replace(/(.)\/$/, '$1')}`)),
      )
      .sort();

  it('has an entry for every route the app registers', () => {
    expect(w.registered.size).toBeGreaterThan(40);
    const twice = routesInTwoTables(w);
    expect(twice, `routes with an entry in two domains' tables: ${twice.join(', ')}`).toEqual([]);
    const matrix = allRoutes(w);
    const missing = routeKeys().filter((k) => !(k in matrix));
    expect(missing, `routes without a matrix entry: ${missing.join(', ')}`).toEqual([]);
  });

  it('has no entry for a route the app does not register', () => {
    const keys = new Set(routeKeys());
    const stale = Object.keys(allRoutes(w)).filter((k) => !keys.has(k));
    expect(stale, `matrix entries for routes that do not exist: ${stale.join(', ')}`).toEqual([]);
  });

  // ---------------------------------------------------------------- route × caller

  runMatrix(w, publicRoutes(w));

  describe('web app files', () => {
    for (const [route, entry] of Object.entries(publicRoutes(w))) {
      if (!('static' in entry)) continue;
      it(`${route} (${entry.static}) answers anonymous callers as it answers a session`, async () => {
        const url = route.slice(4).replace('*', 'calls');
        const anon = await w.app.inject({ method: 'GET', url });
        const signedIn = await w.app.inject({
          method: 'GET',
          url,
          headers: { cookie: w.cookies.get('staff')! },
        });
        expect([401, 403]).not.toContain(anon.statusCode);
        expect(anon.statusCode).toBe(signedIn.statusCode);
      });
    }
  });
});
