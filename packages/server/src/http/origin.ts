import { HotlineError } from '@hotline/common';
import type { FastifyRequest } from 'fastify';
import { routePath } from './route-path.js';

/** Methods that only read. Every other method (POST, PUT, PATCH, DELETE, …) changes state. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class CrossOriginError extends HotlineError {
  constructor(detail: string) {
    super(403, 'cross_origin_request', 'Request from outside Hotline refused', detail);
  }
}

/**
 * CSRF defence beside SameSite=Strict cookies, for every state-changing request on every path
 * (routed or not, however the path is spelled): the request must show it comes from Hotline's
 * own pages, by
 *   - an Origin header equal to the public URL's origin, or
 *   - no Origin at all but `Sec-Fetch-Site: same-origin` (a browser-set header pages cannot forge).
 * Anything else is refused with 403, a request without either header included.
 *
 * No route is exempt, on purpose:
 *   - the staff app's fetch() calls, WebAuthn ceremonies (register/login options and verify) and
 *     the demo sign-in are POSTs from our own pages, and browsers send Origin on every POST;
 *   - the public records log (C2SP tlog-tiles tiles, checkpoint) and its JSON proofs, which
 *     witnesses, auditors and the CLI ("hotline log verify --url") read, are GET only;
 *   - the CLI's other commands work on the database, not over HTTP;
 *   - the live WebSocket is a GET upgrade whose Origin the live hub checks itself.
 * A script or other non-browser client that does write must send "Origin: <public URL>".
 */
export function checkRequestOrigin(publicUrl: string, req: FastifyRequest): void {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.headers.origin;
  const fetchSite = req.headers['sec-fetch-site'];
  if (origin === publicUrl) return;
  const what = `${req.method} ${routePath(req)}`;
  if (origin !== undefined) {
    throw new CrossOriginError(
      `${what} came from ${origin}, not from Hotline's own pages at ${publicUrl}. Open Hotline at ${publicUrl} and try again there.`,
    );
  }
  if (fetchSite === 'same-origin') return;
  throw new CrossOriginError(
    `${what} carried no Origin header${fetchSite ? ` (and Sec-Fetch-Site: ${fetchSite})` : ''}, so it cannot be told apart from a forged cross-site request. Use Hotline at ${publicUrl}; a script must send "Origin: ${publicUrl}" (or "Sec-Fetch-Site: same-origin").`,
  );
}
