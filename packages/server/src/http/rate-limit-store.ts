import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RateLimitRepository } from './repository.js';

/**
 * A @fastify/rate-limit store in PostgreSQL (rate_limits, one atomic upsert per request), so
 * several nodes share one count: adding a node does not multiply the sign-in and public limits.
 * Each route's store keys its counts by the route, as the in-memory store does by instance.
 */
export function postgresRateLimitStore(repo: RateLimitRepository): FastifyRateLimitStoreCtor {
  let lastPrune = 0;
  class Store implements FastifyRateLimitStore {
    constructor(
      _options: unknown,
      private readonly prefix = 'global',
    ) {}

    incr(
      key: string,
      cb: (err: Error | null, res?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      repo.hit(`${this.prefix}|${key}`, timeWindow).then(
        (res) => cb(null, res),
        (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
      );
      const now = Date.now();
      if (now - lastPrune > 60_000) {
        lastPrune = now;
        repo.prune().catch(() => undefined);
      }
    }

    child(routeOptions: { method?: unknown; url?: string; routeInfo?: { method?: unknown; url?: string } }) {
      const info = routeOptions.routeInfo ?? routeOptions;
      const method = Array.isArray(info.method) ? info.method.join(',') : String(info.method ?? '');
      return new Store(undefined, `${method} ${info.url ?? ''}`);
    }
  }
  return Store as unknown as FastifyRateLimitStoreCtor;
}
