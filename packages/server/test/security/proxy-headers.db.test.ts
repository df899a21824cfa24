import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * Audit "Hardening" 4: behind a reverse proxy (HOTLINE_TRUST_PROXY) the rate limits count the real
 * client's address; every answer carries a Permissions-Policy; HSTS only for an https public URL.
 * app.inject's peer address is 127.0.0.1.
 */
async function appWith(env: Record<string, string>): Promise<{ t: TestContext; app: App }> {
  const t = await newTestContext({ publicRateLimit: '2', ...env });
  return { t, app: await buildApp(t.ctx, { webDir: null }) };
}

const fromClient = (app: App, ip: string) =>
  app.inject({ url: '/api/v1/log/key', headers: { 'x-forwarded-for': ip } });

describe('security: proxies, Permissions-Policy and HSTS', () => {
  const made: { t: TestContext; app: App }[] = [];
  let plain: App;
  let proxied: App;
  let otherProxy: App;
  beforeAll(async () => {
    made.push(await appWith({}));
    made.push(await appWith({ trustProxy: '10.9.9.9, 127.0.0.1', publicUrl: 'https://hotline.example.gov' }));
    made.push(await appWith({ trustProxy: '10.0.0.0/8' }));
    [plain, proxied, otherProxy] = made.map((m) => m.app) as [App, App, App];
  });
  afterAll(async () => {
    for (const m of made) {
      await m.app.close();
      await m.t.close();
    }
  });

  it('keys rate limits on X-Forwarded-For from a trusted proxy', async () => {
    expect((await fromClient(proxied, '203.0.113.1')).statusCode).toBe(200);
    expect((await fromClient(proxied, '203.0.113.1')).statusCode).toBe(200);
    expect((await fromClient(proxied, '203.0.113.1')).statusCode).toBe(429);
    // Another client behind the same proxy has its own allowance.
    expect((await fromClient(proxied, '203.0.113.2')).statusCode).toBe(200);
    expect((await fromClient(proxied, '198.51.100.7, 203.0.113.3')).statusCode).toBe(200);
  });

  it('ignores X-Forwarded-For when no proxy is trusted (the default)', async () => {
    expect((await fromClient(plain, '203.0.113.1')).statusCode).toBe(200);
    expect((await fromClient(plain, '203.0.113.2')).statusCode).toBe(200);
    expect((await fromClient(plain, '203.0.113.3')).statusCode).toBe(429);
  });

  it('ignores X-Forwarded-For from a peer that is not a listed proxy', async () => {
    expect((await fromClient(otherProxy, '203.0.113.1')).statusCode).toBe(200);
    expect((await fromClient(otherProxy, '203.0.113.2')).statusCode).toBe(200);
    expect((await fromClient(otherProxy, '203.0.113.3')).statusCode).toBe(429);
  });

  it.each([
    ['GET', '/api/v1/meta'],
    ['GET', '/healthz'],
    ['GET', '/readouts'],
    ['GET', '/log/checkpoint'],
    ['GET', '/api/docs/json'],
    ['GET', '/app/'],
    ['GET', '/nothing-here'],
    ['GET', '/api/v1/me'],
    ['POST', '/api/v1/users/invite'],
  ] as const)('sends a Permissions-Policy with %s %s', async (method, url) => {
    const res = await plain.inject({ method, url, headers: { 'x-forwarded-for': '192.0.2.99' } });
    const pp = String(res.headers['permissions-policy']);
    for (const denied of ['camera=()', 'geolocation=()', 'payment=()', 'usb=()', 'display-capture=()'])
      expect(pp).toContain(denied);
    // In-app calls open the microphone in the staff app (packages/web/src/rtc).
    expect(pp).toContain('microphone=(self)');
  });

  it('sends HSTS only when the public URL is https', async () => {
    const https = await proxied.inject({ url: '/healthz', headers: { 'x-forwarded-for': '192.0.2.1' } });
    expect(https.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    const http = await plain.inject({ url: '/healthz', headers: { 'x-forwarded-for': '192.0.2.1' } });
    expect(http.headers['strict-transport-security']).toBeUndefined();
  });
});
