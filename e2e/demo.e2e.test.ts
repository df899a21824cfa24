import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, startServer, type TestServer, watchConsole } from './harness.js';

describe('the demo chooser in real Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('offers the four offices, signs in as personas, and shows each role only what it may do', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${server.url}/app/`);
    for (const office of [
      'Office of the President of the United States',
      'Office of the Prime Minister of Canada',
      'Office of the President of France',
      'Office of the President of Mexico',
    ]) {
      await expect.poll(() => page.getByRole('heading', { name: office }).isVisible()).toBe(true);
    }
    await screenshot(page, 'demo-sign-in');

    await page.getByRole('button', { name: /Sign in as Kevin Liu/ }).click();
    await expect
      .poll(() =>
        page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Administration' })
          .isVisible(),
      )
      .toBe(true);
    await page.getByRole('link', { name: 'Directory' }).click();
    await expect.poll(() => page.getByRole('row', { name: /Rachel Moreno/ }).isVisible()).toBe(true);
    await screenshot(page, 'demo-directory');
    await page.getByRole('link', { name: 'Administration' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Invite a person' }).isVisible()).toBe(true);
    await screenshot(page, 'demo-admin');
    await page.getByRole('link', { name: 'Profile' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Your profile' }).isVisible()).toBe(true);
    await screenshot(page, 'demo-profile');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: /Sign in as Rachel Moreno/ }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Directory' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    await page.goto(`${server.url}/app/admin`);
    await expect.poll(() => page.getByRole('heading', { name: 'Not found' }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
