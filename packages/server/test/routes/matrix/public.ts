import { LogWitnessesSchema, MetaSchema } from '@hotline/contract';
import { expect } from 'vitest';
import { detail, hasText, json, type MatrixWorld, type RouteTable } from './harness.js';

/** Health, the public site, the records log, meta and the API docs, the web app files: everyone. */
export const publicRoutes = (w: MatrixWorld): RouteTable => ({
  // ---- health and the public site: everyone, no session
  'GET /healthz': [
    {
      what: 'liveness',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/healthz' }),
      body: (res) => expect(res.json()).toEqual({ status: 'ok' }),
    },
  ],
  'GET /readyz': [
    {
      what: 'readiness',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/readyz' }),
      body: (res) => expect(res.json()).toMatchObject({ status: 'ready' }),
    },
  ],
  'GET /readouts': [
    {
      what: 'the list of published readouts',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/readouts' }),
      body: hasText(/text\/html/, /<html/i),
    },
  ],
  'GET /readouts.atom': [
    {
      what: 'the Atom feed',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/readouts.atom' }),
      body: hasText(/application\/atom\+xml/, /<feed[\s\S]*<entry>/),
    },
  ],
  'GET /readouts/:id': [
    {
      what: 'one published readout',
      access: 'everyone',
      request: () => ({ method: 'GET', url: `/readouts/${w.ids.publishedReadout}` }),
      body: hasText(/text\/html/, /<article|<h1/i),
    },
  ],

  // ---- the records log (C2SP tlog-tiles) and its JSON proofs: everyone
  'GET /log/checkpoint': [
    {
      what: 'the signed checkpoint',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/log/checkpoint' }),
      body: (res) => {
        const [origin, size] = res.body.split('\n');
        expect(origin).toBe(w.t.ctx.log.origin);
        expect(Number(size)).toBe(w.ids.treeSize);
      },
    },
  ],
  'GET /log/tile/*': [
    {
      what: 'a hash tile',
      access: 'everyone',
      request: () => ({
        method: 'GET',
        url: `/log/tile/0/000${w.ids.treeSize >= 256 ? '' : `.p/${w.ids.treeSize}`}`,
      }),
      body: (res) => expect(res.rawPayload.length).toBe(32 * Math.min(256, w.ids.treeSize)),
    },
    {
      what: 'an entry bundle',
      access: 'everyone',
      request: () => ({
        method: 'GET',
        url: `/log/tile/entries/000${w.ids.treeSize >= 256 ? '' : `.p/${w.ids.treeSize}`}`,
      }),
      body: (res) => expect(res.rawPayload.length).toBeGreaterThan(0),
    },
  ],
  'GET /api/v1/log/key': [
    {
      what: 'the verifier key',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/api/v1/log/key' }),
      body: (res) =>
        expect(res.json()).toEqual({ origin: w.t.ctx.log.origin, verifierKey: w.t.ctx.log.verifierKey }),
    },
  ],
  'GET /api/v1/log/witnesses': [
    {
      what: "the records log's witnesses",
      access: ['records', 'admin'],
      request: () => ({ method: 'GET', url: '/api/v1/log/witnesses' }),
      body: (res) => expect(LogWitnessesSchema.parse(res.json()).witnesses).toEqual([]),
    },
  ],
  'GET /api/v1/log/proof': [
    {
      what: 'an inclusion proof',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/api/v1/log/proof?index=0' }),
      body: (res) => expect(res.json()).toMatchObject({ index: 0, size: w.ids.treeSize }),
    },
  ],
  'GET /api/v1/log/consistency': [
    {
      what: 'a consistency proof',
      access: 'everyone',
      request: () => ({ method: 'GET', url: `/api/v1/log/consistency?from=1&to=${w.ids.treeSize}` }),
      body: (res) => expect(res.json()).toMatchObject({ from: 1, to: w.ids.treeSize }),
    },
  ],

  // ---- meta and the API documentation: everyone
  'GET /api/v1/meta': [
    {
      what: 'the server meta',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/api/v1/meta' }),
      body: detail(MetaSchema),
    },
  ],
  'GET /api/docs': [
    {
      what: 'the API docs page',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/api/docs' }),
      body: hasText(/text\/html/, /<div id="swagger-ui">/),
    },
    {
      what: 'the API docs page (trailing slash)',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/api/docs/' }),
      body: hasText(/text\/html/, /<div id="swagger-ui">/),
    },
  ],
  'GET /api/docs/static/index.html': [
    {
      what: 'the old address of the API docs page',
      access: 'everyone',
      status: 302,
      request: () => ({ method: 'GET', url: '/api/docs/static/index.html' }),
      body: (res) => expect(res.headers.location).toBe('/api/docs/'),
    },
  ],
  'GET /api/docs/static/swagger-initializer.js': [
    {
      what: 'the API docs initializer',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' }),
      body: hasText(/javascript/, /SwaggerUIBundle/),
    },
  ],
  'GET /api/docs/static/theme/first-paint.css': [
    {
      what: 'the stylesheet of the docs first paint (the operations listed before Swagger UI runs)',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/api/docs/static/theme/first-paint.css' }),
      body: hasText(/text\/css/, /first-paint-ops/),
    },
  ],
  'GET /api/docs/static/*': [
    {
      what: 'an API docs asset',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/api/docs/static/swagger-ui.css' }),
      body: hasText(/text\/css/, /swagger-ui/),
    },
  ],
  'GET /api/docs/json': [
    {
      what: 'the OpenAPI document',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/api/docs/json' }),
      body: (res) => expect(json(res).openapi).toBe('3.1.0'),
    },
  ],
  'GET /api/docs/yaml': [
    {
      what: 'the OpenAPI document as YAML',
      access: 'everyone',
      request: () => ({ method: 'GET', url: '/api/docs/yaml' }),
      body: hasText(/yaml/, /openapi: 3\.1\.0/),
    },
  ],

  // ---- the web app's own files: no data behind them, served to everyone (checked below)
  'GET /': { static: 'redirects to /readouts' },
  'GET /app/*': { static: 'the staff app (503 until the web app is built)' },
  'GET /public/site.css': { static: 'the public site stylesheet' },
  'GET /favicon.ico': { static: 'the favicon (SVG)' },
  'GET /favicon.svg': { static: 'the favicon' },
  'GET /public/verify.js': { static: 'the browser verifier (503 until built)' },
});
