import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { poll, screenshot, watchConsole, withBrowserServer } from './harness.js';

describe('the API docs in real Chromium', () => {
  const e2e = withBrowserServer({ demo: false });

  it('render under the strict CSP with no violation, the upload form included', async () => {
    const page = await e2e.browser.newPage();
    const problems = watchConsole(page);
    const res = await page.goto(`${e2e.server.url}/api/docs`);
    const csp = res?.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).not.toMatch(/https:|unsafe-inline/);
    await poll(() => page.getByRole('heading', { name: /Hotline API/ }).isVisible()).toBe(true);
    // Tags start closed (docExpansion none): open the capture tag.
    await page.locator('#operations-tag-capture').click();
    const upload = page.locator('#operations-capture-post_api_v1_capture_imports');
    await poll(() => upload.isVisible()).toBe(true);
    await upload.locator('.opblock-summary').click();
    await poll(() => upload.textContent()).toMatch(/Request body[\s\S]*multipart\/form-data/);
    await upload.getByRole('button', { name: 'Try it out' }).click();
    await poll(() => upload.locator('input[type=file]').count()).toBe(1);
    await screenshot(page, 'api-docs-upload');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('arrive with every operation listed before Swagger UI has run, then Swagger UI takes the same place', async () => {
    // bypassCSP only so that axe can be injected (the first test checks the CSP itself).
    const context = await e2e.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    // Swagger UI's scripts never arrive: what the first paint shows on its own.
    await page.route('**/api/docs/static/*.js', (route) => route.abort());
    await page.goto(`${e2e.server.url}/api/docs`);
    const first = page.locator('[data-first-paint]');
    await poll(() => first.getByRole('heading', { level: 1, name: /Hotline API/ }).isVisible()).toBe(true);
    await poll(() => first.getByRole('heading', { level: 2, name: /capture/ }).isVisible()).toBe(true);
    const upload = first.locator('li', { hasText: '/api/v1/capture/imports' }).first();
    await poll(() => upload.textContent()).toMatch(/^POST\/api\/v1\/capture\/imports/);
    expect(await first.locator('li.opblock').count()).toBeGreaterThan(50);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'api-docs-first-paint');
    await page.unroute('**/api/docs/static/*.js');
    // With its scripts, Swagger UI replaces the first paint with its own tags.
    await page.reload();
    await poll(() => page.locator('#operations-tag-capture').isVisible()).toBe(true);
    expect(await first.count()).toBe(0);
    await context.close();
  });
});
