import type { FastifyRequest } from 'fastify';

/**
 * The path a request is routed on, whatever its spelling: the matched route's pattern
 * (e.g. "/api/v1/users/:id/roles") when one matched, else the URL's path with percent-escapes
 * decoded and dot segments resolved, as the router sees it ("/%61pi/./v1/x" → "/api/v1/x").
 * Decisions about a request (origin check, session first, caching) key on this, never on the
 * raw URL, which "/%61pi/..." and "/x/../api/..." spell differently from the route they reach.
 */
export function routePath(req: FastifyRequest): string {
  const matched = req.routeOptions.url;
  if (matched) return matched;
  return normalisePath(req.url);
}

export function normalisePath(url: string): string {
  const raw = url.split('?')[0] ?? '/';
  let path: string;
  try {
    // WHATWG URL resolves "." and ".." segments, "%2e%2e" included.
    path = new URL(raw.startsWith('/') ? raw : `/${raw}`, 'http://x').pathname;
  } catch {
    path = raw;
  }
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
