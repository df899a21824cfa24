import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { archiveRoutes } from './archive/routes.js';
import { callRoutes } from './calls/routes.js';
import { captureRoutes } from './capture/routes.js';
import type { AppContext } from './context.js';
import { faviconRoutes } from './http/favicon.js';
import { registerHardening } from './http/hardening.js';
import { healthRoutes } from './http/health-routes.js';
import { errorHandler, notFoundHandler, sendProblem } from './http/problem.js';
import { postgresRateLimitStore } from './http/rate-limit-store.js';
import { RateLimitRepository } from './http/repository.js';
import type { App } from './http/types.js';
import { findWebDir } from './http/web-dir.js';
import { authRoutes } from './identity/auth-routes.js';
import { identityRoutes } from './identity/routes.js';
import { sessionRoutes } from './identity/sessions-routes.js';
import { wireLive } from './live/wiring.js';
import { recordsMemberRoutes } from './messaging/records-routes.js';
import { messagingRoutes } from './messaging/routes.js';
import { notificationRoutes } from './notifications/routes.js';
import { publicRoutes } from './public/routes.js';
import { logRoutes } from './records/routes.js';

/** Ecosystem plugins, then app plugins, then routes (Fastify's own order). */
export async function buildApp(
  ctx: AppContext,
  opts: {
    webDir?: string | null;
    /** Sees every route as it is added, plugins' routes included (the route × role test lists them). */
    onRoute?: (route: { method: string | string[]; url: string }) => void;
  } = {},
): Promise<App> {
  const app: App = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the App type free of pino generics.
    // Per-request logs only at debug; warnings and errors always.
    loggerInstance: ctx.logger.child(
      { component: 'http' },
      { level: ctx.cfg.logLevel === 'debug' || ctx.cfg.logLevel === 'trace' ? ctx.cfg.logLevel : 'warn' },
    ) as FastifyBaseLogger,
    // Behind a reverse proxy (HOTLINE_TRUST_PROXY) req.ip, and so the rate limits' key, is the
    // client's address from X-Forwarded-For, believed only from the listed proxies.
    trustProxy: ctx.cfg.trustProxy.length > 0 ? ctx.cfg.trustProxy : false,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        mediaSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: ctx.cfg.publicUrl.startsWith('https:'),
  });
  await app.register(cookie, { secret: ctx.sessionSecret });
  await app.register(rateLimit, {
    global: false,
    // On PostgreSQL every node counts in one table, so the limits hold across nodes.
    ...(ctx.database.kind === 'postgres'
      ? { store: postgresRateLimitStore(new RateLimitRepository(ctx.db)) }
      : {}),
    errorResponseBuilder: (_req, c) => ({
      statusCode: 429,
      message: `Too many requests: the limit is ${c.max} per ${c.after}. Wait ${Math.ceil(c.ttl / 1000)} s and try again.`,
    }),
  });
  // Uploads of personal-account exports (capture/routes.ts); JSON bodies keep the 1 MiB limit.
  // The upload route lowers fileSize to each kind's limit (HOTLINE_UPLOAD_LIMITS) as it reads.
  await app.register(multipart, {
    limits: { fileSize: Math.max(...Object.values(ctx.cfg.uploadLimits)), files: 1, fields: 10 },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hotline API',
        version: '0.1.0',
        description: 'Secure, records-by-design leader communications.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'hotline_session' } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // The docs live under the same strict CSP as everything else (helmet's header above): Swagger
  // UI's scripts and styles are files served from here, so it needs no 'unsafe-inline', hashes or
  // outside origins (its staticCSP would send "style-src https:"). The base layout leaves out the
  // standalone top bar, whose inline SVG logo carries the one inline <style> the UI would need.
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: false,
    // Operations drawn when their tag is opened: the page is drawn at once, not after the ~100
    // operations of every tag (issue 14: about 9 s behind a spinner on a busy machine).
    uiConfig: { layout: 'BaseLayout', docExpansion: 'none', defaultModelsExpandDepth: -1 },
  });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  registerHardening(app, ctx);

  healthRoutes(app, ctx);
  faviconRoutes(app);
  authRoutes(app, ctx);
  identityRoutes(app, ctx);
  sessionRoutes(app, ctx);
  logRoutes(app, ctx);
  callRoutes(app, ctx);
  captureRoutes(app, ctx);
  archiveRoutes(app, ctx);
  messagingRoutes(app, ctx);
  recordsMemberRoutes(app, ctx);
  notificationRoutes(app, ctx);
  // In-app calls: signaling over an authenticated WebSocket (/api/v1/live).
  app.decorate('liveHub', await wireLive(app, ctx));
  // Which node answered (several may sit behind one load balancer).
  const nodeId = app.liveHub.nodeId;
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-hotline-node', nodeId);
  });

  const webDir = opts.webDir === undefined ? findWebDir(ctx.cfg.webDir) : opts.webDir;
  publicRoutes(app, ctx, webDir);
  if (webDir) {
    await app.register(fastifyStatic, {
      root: webDir,
      prefix: '/app/',
      wildcard: false,
      index: false,
      decorateReply: true,
    });
    const spa = (
      _req: unknown,
      reply: { sendFile: (f: string) => unknown; header: (k: string, v: string) => unknown },
    ) => {
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html');
    };
    app.get('/app', { schema: { hide: true } }, (_req, reply) => reply.redirect('/app/'));
    app.get('/app/', { schema: { hide: true } }, spa);
    app.get('/app/*', { schema: { hide: true } }, (req, reply) => {
      const path = (req.params as { '*': string })['*'];
      if (/\.[a-z0-9]+$/i.test(path) && !path.includes('..')) {
        reply.header(
          'cache-control',
          path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
        return reply.sendFile(path);
      }
      return spa(req, reply);
    });
  } else {
    app.get('/app/*', { schema: { hide: true } }, (_req, reply) =>
      sendProblem(
        reply,
        503,
        'web_not_built',
        'The web app is not built',
        'Run "npm run build" to build the web app.',
      ),
    );
  }
  app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/readouts'));
  return app;
}
