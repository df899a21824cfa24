import {
  ComplianceSummarySchema,
  DeviceSourcesSchema,
  ImportResultSchema,
  InclusionProofSchema,
  LocationLeaksSchema,
  QueueSchema,
  RegistrySchema,
} from '@hotline/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { App } from '../src/http/types.js';
import { multipart, personaFor, personas, sameOrigin, signInAs } from './helpers/http.js';
import { newTestContext, type TestContext } from './helpers/test-context.js';

type JsonSchema = Record<string, unknown>;
type Operation = {
  tags?: string[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
};

/** True when a JSON Schema says nothing (what z.unknown() becomes). */
function isOpen(s: JsonSchema | undefined): boolean {
  return !s || Object.keys(s).filter((k) => k !== 'description').length === 0;
}

describe('response schemas and the API docs', () => {
  let t: TestContext;
  let app: App;
  let doc: { paths: Record<string, Record<string, Operation>> };
  let records = '';
  beforeAll(async () => {
    t = await newTestContext({ demo: '1', authRateLimit: '1000' });
    await t.ctx.prepare();
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    doc = (await app.inject('/api/docs/json')).json();
    records = await signInAs(app, personaFor(await personas(app), 'records').userId);
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('documents a concrete schema for every success response of capture, log and health routes', () => {
    const checked: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!/^\/(api\/v1\/capture|api\/v1\/log|log|healthz|readyz)/.test(path)) continue;
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, r] of Object.entries(op.responses)) {
          if (!status.startsWith('2')) continue;
          const contents = Object.entries(r.content ?? {});
          expect(contents.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
          for (const [type, c] of contents)
            expect(isOpen(c.schema), `${method} ${path} ${status} ${type}`).toBe(false);
          checked.push(`${method.toUpperCase()} ${path}`);
        }
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        'GET /api/v1/capture/queue',
        'GET /api/v1/capture/compliance',
        'GET /api/v1/capture/compliance.csv',
        'GET /api/v1/capture/sources',
        'GET /api/v1/capture/location-leaks',
        'GET /api/v1/capture/registry',
        'POST /api/v1/capture/imports',
        'GET /log/checkpoint',
        expect.stringMatching(/^GET \/log\/tile\//),
        'GET /api/v1/log/key',
        'GET /api/v1/log/proof',
        'GET /api/v1/log/consistency',
        'GET /healthz',
        'GET /readyz',
      ]),
    );
  });

  it('documents the multipart import form and the plain-text checkpoint', () => {
    const upload = doc.paths['/api/v1/capture/imports']!.post!;
    const form = upload.requestBody!.content['multipart/form-data']!.schema as {
      properties: Record<string, JsonSchema>;
      required: string[];
    };
    expect(Object.keys(form.properties)).toEqual(['kind', 'account', 'owner', 'official', 'columns', 'file']);
    expect(form.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(form.properties.kind).toMatchObject({ enum: ['mbox', 'eml', 'x', 'phone', 'csv'] });
    expect(form.required).toEqual(expect.arrayContaining(['kind', 'account', 'owner', 'file']));
    expect(Object.keys(upload.responses['201']!.content!)).toEqual(['application/json']);
    const cp = doc.paths['/log/checkpoint']!.get!;
    expect(cp.responses['200']!.content!['text/plain']!.schema).toMatchObject({ type: 'string' });
    expect(cp.responses['404']!.content!['application/problem+json']).toBeDefined();
    const tilePath = Object.keys(doc.paths).find((p) => p.startsWith('/log/tile/'));
    expect(tilePath).toMatch(/^\/log\/tile\/(\*|\{\*\})$/);
    const tile = doc.paths[tilePath!]!.get!;
    expect(tile.responses['200']!.content!['application/octet-stream']!.schema).toMatchObject({
      format: 'binary',
    });
    expect(doc.paths['/readyz']!.get!.responses['503']).toBeDefined();
  });

  it('answers every capture route in the shape its schema gives (demo data: mail, posts, phone)', async () => {
    const get = async (url: string) => {
      const res = await app.inject({ url, headers: { cookie: records } });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      return res.json();
    };
    const queue = QueueSchema.parse(await get('/api/v1/capture/queue'));
    expect(queue.length).toBeGreaterThan(0);
    expect(queue.some((q) => q.summary.subject || q.summary.number || q.summary.tweetId)).toBe(true);
    const summary = ComplianceSummarySchema.parse(await get('/api/v1/capture/compliance'));
    expect(summary.total).toBeGreaterThan(0);
    expect(summary.alerts.length).toBeGreaterThan(0);
    expect(DeviceSourcesSchema.parse(await get('/api/v1/capture/sources')).length).toBeGreaterThan(0);
    expect(LocationLeaksSchema.parse(await get('/api/v1/capture/location-leaks')).length).toBeGreaterThan(0);
    expect(RegistrySchema.parse(await get('/api/v1/capture/registry')).people.length).toBeGreaterThan(0);
    const csv = await app.inject({ url: '/api/v1/capture/compliance.csv', headers: { cookie: records } });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body).toMatch(/^item_id,kind,owner/);
  });

  it('answers an upload with the import result, and the log routes with text, bytes and proofs', async () => {
    const mp = await multipart(
      { kind: 'eml', account: 'schema.test@personal.example.com', owner: 'potus@us.example.gov' },
      {
        name: 'message.eml',
        content:
          'From: schema.test@personal.example.com\r\nTo: b@personal.example.com\r\nSubject: Schemas\r\nDate: Mon, 02 Feb 2026 10:00:00 +0000\r\nMessage-ID: <schemas-1@x>\r\n\r\nHello\r\n',
      },
    );
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/capture/imports',
      headers: { ...mp.headers, cookie: records },
      payload: mp.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(ImportResultSchema.parse(res.json())).toMatchObject({ added: 1, skipped: 0 });

    await t.ctx.log.integrateAll();
    const cp = await app.inject('/log/checkpoint');
    expect(cp.statusCode).toBe(200);
    expect(cp.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(cp.body).toMatch(/^.+\/hotline\/records\n\d+\n[A-Za-z0-9+/=]+\n\n— /);
    const tile = await app.inject('/log/tile/0/000.p/1');
    expect(tile.statusCode).toBe(200);
    expect(tile.headers['content-type']).toBe('application/octet-stream');
    expect(tile.rawPayload.length).toBe(32);
    const proof = await app.inject('/api/v1/log/proof?index=0');
    expect(InclusionProofSchema.parse(proof.json()).checkpoint).toBe(cp.body);
  });

  it('serves the API docs under the same strict CSP as the app, with no outside or inline sources', async () => {
    const app_ = (await app.inject('/api/v1/meta')).headers['content-security-policy'];
    for (const url of [
      '/api/docs',
      '/api/docs/',
      '/api/docs/static/index.html',
      '/api/docs/static/swagger-ui-bundle.js',
      '/api/docs/static/swagger-ui.css',
      '/api/docs/static/swagger-initializer.js',
      '/api/docs/json',
    ]) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBeLessThan(400);
      const csp = res.headers['content-security-policy'] as string;
      expect(csp, url).toBe(app_);
      expect(csp).toMatch(/(^|;)\s*style-src 'self'\s*(;|$)/);
      expect(csp).toMatch(/(^|;)\s*script-src 'self'\s*(;|$)/);
      expect(csp).not.toMatch(/https:|unsafe-inline|unsafe-eval/);
    }
    const html = (await app.inject('/api/docs/')).body;
    expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=/);
  });
});
