import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, poll, screenshot, startServer, type TestServer, watchConsole } from './harness.js';

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
      await poll(() => page.getByRole('heading', { name: office }).isVisible()).toBe(true);
    }
    await screenshot(page, 'demo-sign-in');

    await page.getByRole('button', { name: /Sign in as Kevin Liu/ }).click();
    await poll(() =>
      page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Administration' })
        .isVisible(),
    ).toBe(true);
    await page.getByRole('link', { name: 'Directory' }).click();
    await poll(() => page.getByRole('row', { name: /Rachel Moreno/ }).isVisible()).toBe(true);
    await screenshot(page, 'demo-directory');
    await page.getByRole('link', { name: 'Administration' }).click();
    await poll(() => page.getByRole('heading', { name: 'Invite a person' }).isVisible()).toBe(true);
    // A refused field is marked on the field itself, and the problem's detail is announced.
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Full name').fill('Jordan Avery');
    await page.getByLabel('Title', { exact: true }).fill('Special Assistant to the President');
    await page.getByRole('button', { name: 'Create invite link' }).click();
    await poll(() => page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    await poll(() => page.getByRole('alert').first().textContent()).toMatch(/email/);
    await screenshot(page, 'demo-admin-refused');
    await page.getByLabel('Email').fill('j.avery@us.example.gov');
    await page.getByRole('button', { name: 'Create invite link' }).click();
    await poll(() => page.getByText(/\/app\/invite\/[A-Za-z0-9_-]{16,}/).isVisible()).toBe(true);
    await poll(() => page.getByRole('row', { name: /Jordan Avery/ }).isVisible()).toBe(true);
    await screenshot(page, 'demo-admin');
    await page.getByRole('link', { name: 'Profile' }).click();
    await poll(() => page.getByRole('heading', { name: 'Your profile' }).isVisible()).toBe(true);
    await screenshot(page, 'demo-profile');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: /Sign in as Rachel Moreno/ }).click();
    await poll(() => page.getByRole('link', { name: 'Directory' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    await page.goto(`${server.url}/app/admin`);
    await poll(() => page.getByRole('heading', { name: 'Not found' }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });
});
