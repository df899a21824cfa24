import { describe, expect, it } from 'vitest';
import { addVirtualAuthenticator, poll, screenshot, watchConsole, withBrowserServer } from './harness.js';

describe('an administrator adds an office and invites its first administrator in the app', () => {
  const e2e = withBrowserServer({ demo: false });

  it('offers the new office in the invite form and creates the link', async () => {
    const home = await e2e.server.ctx.identity.createOffice(null, {
      slug: 'ie-taoiseach',
      name: 'Department of the Taoiseach',
      country: 'IE',
      leaderTitle: 'Taoiseach',
      leaderName: 'Test Leader',
      timeZone: 'Europe/Dublin',
    });
    const invite = await e2e.server.ctx.identity.invite(null, {
      officeId: home.id,
      email: 'admin@ie.example.gov',
      displayName: 'Siobhán Admin',
      title: 'Systems Administrator',
      timeZone: 'Europe/Dublin',
      roles: ['admin'],
    });
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    const problems = watchConsole(page);
    await addVirtualAuthenticator(context, page);
    await page.goto(`${e2e.server.url}/app/invite/${invite.token}`);
    await page.getByRole('button', { name: 'Create my passkey' }).click();
    await page.waitForURL((u) => !u.pathname.includes('/invite/'));

    await page.goto(`${e2e.server.url}/app/admin`);
    await poll(() => page.getByRole('heading', { name: 'Add an office' }).isVisible()).toBe(true);
    // Only one office to invite to yet: no office chooser.
    expect(await page.locator('#inv-office').count()).toBe(0);
    await page.locator('#office-name').fill('Office of the Prime Minister of Iceland');
    await page.locator('#office-slug').fill('is-pm');
    await page.locator('#office-country').fill('is');
    await page.locator('#office-leaderTitle').fill('Prime Minister');
    await page.locator('#office-leaderName').fill('Test Premier');
    await page.locator('#office-timeZone').fill('Atlantic/Reykjavik');
    await page.getByRole('button', { name: 'Add office' }).click();
    await poll(() =>
      page.getByText(/Added the Office of the Prime Minister of Iceland\. Invite its first/).isVisible(),
    ).toBe(true);

    const chooser = page.getByLabel('Office', { exact: true });
    await poll(async () => (await chooser.locator('option:checked').textContent()) ?? '').toBe(
      'Office of the Prime Minister of Iceland',
    );
    expect(await page.locator('#inv-tz').inputValue()).toBe('Atlantic/Reykjavik');
    await page.locator('#inv-email').fill('first.admin@is.example.gov');
    await page.locator('#inv-name').fill('Guðrún Fyrst');
    await page.locator('#inv-title').fill('Chief of Staff');
    const roles = page.getByRole('group', { name: 'Roles' });
    await roles.getByLabel('Administrator').check();
    await page.getByRole('button', { name: 'Create invite link' }).click();
    await poll(() => page.locator('.invite-link').textContent()).toMatch(
      /\/app\/invite\/[A-Za-z0-9_-]{20,}$/,
    );
    await screenshot(page, 'admin-first-admin-of-new-office');

    const office = await e2e.server.ctx.db
      .selectFrom('offices')
      .selectAll()
      .where('slug', '=', 'is-pm')
      .executeTakeFirstOrThrow();
    const user = await e2e.server.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'first.admin@is.example.gov')
      .executeTakeFirstOrThrow();
    expect(user.office_id).toBe(office.id);
    expect(user.roles).toEqual(expect.arrayContaining(['admin']));
    expect(problems).toEqual([]);
    await context.close();
  });
});
