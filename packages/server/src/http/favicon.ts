import type { App } from './types.js';

/** The Hotline mark: a white handset on the navy of the staff app's header (SVG, no external parts). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1a2b4c"/><path fill="#fff" d="M11.6 6.5c.6-.2 1.3 0 1.6.6l2 3.9c.3.6.2 1.3-.3 1.7l-1.9 1.6a12.5 12.5 0 0 0 4.7 4.7l1.6-1.9c.4-.5 1.1-.6 1.7-.3l3.9 2c.6.3.8 1 .6 1.6l-1 3c-.3.9-1.2 1.5-2.2 1.4C13.5 23.9 8.1 18.5 7.6 9.7c-.1-1 .5-1.9 1.4-2.2z"/></svg>`;

/** /favicon.ico and /favicon.svg: browsers ask for the former unprompted; both answer with the SVG. */
export function faviconRoutes(app: App): void {
  const send = (
    _req: unknown,
    reply: { header(k: string, v: string): unknown; type(t: string): unknown; send(b: string): unknown },
  ) => {
    reply.header('cache-control', 'public, max-age=86400');
    reply.type('image/svg+xml');
    return reply.send(FAVICON_SVG);
  };
  app.get('/favicon.ico', { schema: { hide: true } }, send);
  app.get('/favicon.svg', { schema: { hide: true } }, send);
}
