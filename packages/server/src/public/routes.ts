import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { App } from '../http/types.js';
import { buildAtomFeed } from './atom.js';
import { SITE_CSS } from './html.js';
import { ReadoutsService } from './readouts-service.js';
import { renderNotFound, renderReadoutList, renderReadoutPage } from './readouts-site.js';

/** The public site: published readouts (HTML), their Atom feed, and the browser verifier. No login. */
export function publicRoutes(app: App, ctx: AppContext, webDir: string | null): void {
  const readouts = new ReadoutsService(ctx.calls.queries);
  const limited = {
    config: { rateLimit: { max: ctx.cfg.publicRateLimitPerMinute, timeWindow: '1 minute' } },
  };
  // Built by the web package's Vite build, next to the staff app (see packages/web/vite.config.ts).
  const verifyJs = webDir ? join(webDir, 'public', 'verify.js') : null;

  app.get(
    '/readouts',
    {
      ...limited,
      schema: {
        hide: true,
        querystring: z.object({
          q: z.string().max(200).default(''),
          page: z.coerce.number().int().min(1).max(10_000).default(1),
        }),
      },
    },
    async (req, reply) => {
      const r = await readouts.list(req.query.q, req.query.page);
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'public, max-age=60')
        .send(renderReadoutList({ ...r, page: req.query.page, query: req.query.q }));
    },
  );

  app.get('/readouts.atom', { ...limited, schema: { hide: true } }, async (_req, reply) => {
    const r = await readouts.list('', 1, 50);
    return reply
      .type('application/atom+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(
        buildAtomFeed(
          // One entry per readout, at its public address: a correction updates it and says so.
          r.readouts.map((x) => ({
            ...x,
            id: x.publicId ?? x.id,
            publishedAt: x.firstPublishedAt ?? x.publishedAt,
            updatedAt: x.publishedAt,
            correction: x.reason ? { at: x.publishedAt, reason: x.reason } : undefined,
          })),
          ctx.cfg.publicUrl,
        ),
      );
  });

  app.get(
    '/readouts/:id',
    { ...limited, schema: { hide: true, params: z.object({ id: z.string().max(64) }) } },
    async (req, reply) => {
      const r = /^[0-9a-f-]{36}$/i.test(req.params.id) ? await readouts.get(req.params.id) : null;
      if (!r)
        return reply
          .status(404)
          .type('text/html; charset=utf-8')
          .send(renderNotFound('There is no published readout at this address.'));
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'public, max-age=60')
        .send(renderReadoutPage(r));
    },
  );

  app.get('/public/site.css', { schema: { hide: true } }, (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(SITE_CSS),
  );

  app.get('/public/verify.js', { schema: { hide: true } }, (_req, reply) => {
    if (!verifyJs || !existsSync(verifyJs)) {
      return reply
        .status(503)
        .type('text/javascript')
        .send('/* run "npm run build" to build the verifier */');
    }
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(readFileSync(verifyJs));
  });
}
