import type { AppContext } from '../context.js';
import { authenticateFirst } from './auth-first.js';
import { checkRequestOrigin } from './origin.js';
import { routePath } from './route-path.js';
import type { App } from './types.js';

/**
 * Powerful browser features no Hotline page uses are denied to every page and frame. In-app calls
 * (packages/web/src/rtc) open the microphone and play the other side's audio, so the microphone
 * and autoplay stay allowed for our own origin only; passkeys (WebAuthn) likewise.
 */
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'ambient-light-sensor=()',
  'autoplay=(self)',
  'bluetooth=()',
  'camera=()',
  'display-capture=()',
  'encrypted-media=()',
  'geolocation=()',
  'gyroscope=()',
  'hid=()',
  'idle-detection=()',
  'local-fonts=()',
  'magnetometer=()',
  'microphone=(self)',
  'midi=()',
  'payment=()',
  'publickey-credentials-create=(self)',
  'publickey-credentials-get=(self)',
  'screen-wake-lock=()',
  'serial=()',
  'usb=()',
  'xr-spatial-tracking=()',
].join(', ');

/**
 * Request checks and answer headers for every route (registered before the routes):
 *   onRequest, in order: the origin check for state-changing requests (http/origin.ts), then the
 *   session for protected API routes before the body is read (http/auth-first.ts);
 *   onSend: Cache-Control: no-store on API answers (keyed on the routed path, whatever its
 *   spelling) unless the route chose its own, and Permissions-Policy on every answer.
 */
export function registerHardening(app: App, ctx: AppContext): void {
  app.addHook('onRequest', async (req) => {
    checkRequestOrigin(ctx.cfg.publicUrl, req);
    await authenticateFirst(ctx, req);
  });
  app.addHook('onSend', async (req, reply) => {
    if (routePath(req).startsWith('/api/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
    reply.header('permissions-policy', PERMISSIONS_POLICY);
  });
}
