import { describe, expect, it } from 'vitest';
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
});
