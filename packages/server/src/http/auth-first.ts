import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { requireSession } from './session.js';

/**
 * The API routes that answer without a session, as "METHOD pattern" (the route's own URL pattern,
 * so no spelling of the path gets around it). Every other /api/v1/ route needs a session, and it
 * is checked first (onRequest), before the body is read or validated: an anonymous caller gets
 * 401 and learns nothing of a route's schema from a 400. A new route is therefore protected
 * unless it is added here. Routes outside /api/v1/ (health, the records log's tiles, published
 * readouts, the app shell, the API docs) are public by design and never look at a session.
 */
export const PUBLIC_API_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/v1/meta',
  // Invite links and the WebAuthn ceremonies that turn them (or a passkey) into a session.
  'GET /api/v1/invites/:token',
  'POST /api/v1/auth/register/options',
  'POST /api/v1/auth/register/verify',
  'POST /api/v1/auth/login/options',
  'POST /api/v1/auth/login/verify',
  // Demo mode only (the routes do not exist otherwise).
  'GET /api/v1/demo/personas',
  'POST /api/v1/demo/sign-in',
  // The public records log's key and JSON proofs.
  'GET /api/v1/log/key',
  'GET /api/v1/log/proof',
  'GET /api/v1/log/consistency',
  // An office's records member (`hotline records-member`) has no session: each request is signed
  // with its published key, checked by the route itself (messaging/records-routes.ts).
  'GET /api/v1/messaging/records/self',
  'GET /api/v1/messaging/records/directory',
  'GET /api/v1/messaging/records/welcomes',
  'GET /api/v1/messaging/records/groups',
  'GET /api/v1/messaging/records/groups/:id/messages',
  'POST /api/v1/messaging/records/groups/:id/archived/:seq',
  // The live WebSocket checks the session itself and answers over the socket (realtime/live-hub).
  'GET /api/v1/live',
]);

export function isPublicRoute(method: string, pattern: string): boolean {
  if (!pattern.startsWith('/api/v1/')) return true;
  return PUBLIC_API_ROUTES.has(`${method === 'HEAD' ? 'GET' : method} ${pattern}`);
}

/** Resolve the session before anything else for a protected route (throws 401 problems). */
export async function authenticateFirst(ctx: AppContext, req: FastifyRequest): Promise<void> {
  const pattern = req.routeOptions.url;
  // No route matched: the 404 answer says nothing about any route's schema.
  if (!pattern || isPublicRoute(req.method, pattern)) return;
  await requireSession(ctx, req);
}
