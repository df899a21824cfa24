import { PERMISSIONS, ROLE_LABELS, ROLES, type Role } from '@hotline/contract';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_OFFICES } from '../packages/server/src/demo/personas.js';
import { type NavItem, navItems, shellNavItems } from '../packages/web/src/nav.js';
import { poll, screenshot, watchConsole, withBrowserServer } from './harness.js';

/** What a person holding only `role` may use, by the server's policy. */
function allowed(role: Role, item: NavItem): boolean {
  return PERMISSIONS[item.permission].includes(role);
}

describe('the demo chooser in real Chromium', () => {
  const e2e = withBrowserServer({ demo: true });

  it('offers the four offices, signs in as personas, and shows each role only what it may do', async () => {
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${e2e.server.url}/app/`);
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
    await poll(() =>
      page
        .getByRole('row', { name: /Jordan Avery/ })
        .first()
        .isVisible(),
    ).toBe(true);
    await screenshot(page, 'demo-admin');
    await page.getByRole('link', { name: 'Profile' }).click();
    await poll(() => page.getByRole('heading', { name: 'Your profile' }).isVisible()).toBe(true);
    await screenshot(page, 'demo-profile');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: /Sign in as Rachel Moreno/ }).click();
    await poll(() => page.getByRole('link', { name: 'Directory' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    await page.goto(`${e2e.server.url}/app/admin`);
    await poll(() => page.getByRole('heading', { name: 'Not allowed' }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('every navigation entry needs a permission the server knows', () => {
    for (const item of [...navItems, ...shellNavItems]) {
      expect(Object.keys(PERMISSIONS), `${item.label} (${item.path})`).toContain(item.permission);
    }
  });

  /** The h1 of the page once it is drawn (not while it loads). */
  async function pageTitle(page: Page): Promise<string> {
    const h1 = page.locator('main h1');
    await poll(async () => (await h1.count()) === 1 && !(await page.locator('main .loading').count())).toBe(
      true,
    );
    return (await h1.textContent()) ?? '';
  }

  const us = DEMO_OFFICES.find((o) => o.office.country === 'US')!;
  it.each(ROLES.map((role) => ({ role, person: us.people.find((p) => p.role === role)! })))(
    'the US $role sees exactly the navigation its permissions allow, and is refused the rest',
    async ({ role, person }) => {
      expect(person, `the US office has a demo ${role}`).toBeDefined();
      const mayUse = navItems.filter((n) => allowed(role, n));
      const mayUseShell = shellNavItems.filter((n) => allowed(role, n));
      const refused = [...navItems, ...shellNavItems].filter((n) => !allowed(role, n));
      const context = await e2e.browser.newContext();
      const page = await context.newPage();
      const problems = watchConsole(page);
      await page.goto(`${e2e.server.url}/app/sign-in`);
      await page.getByRole('button', { name: new RegExp(`^Sign in as ${person.displayName}\\b`) }).click();
      const nav = page.getByRole('navigation', { name: 'Main' });
      await poll(() => nav.isVisible()).toBe(true);
      await poll(() => page.locator('.whoami').textContent()).toContain(ROLE_LABELS[role]);

      // The work screens, then the shell's own, each list in the order of nav.ts, and nothing else.
      const lists = nav.getByRole('list');
      const shown = await Promise.all((await lists.all()).map((l) => l.getByRole('link').allTextContents()));
      expect(shown, `navigation of the ${role}`).toEqual(
        [mayUse.map((n) => n.label), mayUseShell.map((n) => n.label)].filter((l) => l.length > 0),
      );
      // Home is the first screen the role may use.
      await poll(() => new URL(page.url()).pathname).toBe(`/app${[...mayUse, ...mayUseShell][0]!.path}`);

      // Every entry opens its screen (its route asks for the same permission as the entry).
      for (const item of [...mayUse, ...mayUseShell]) {
        await nav.getByRole('link', { name: item.label, exact: true }).click();
        await poll(() => new URL(page.url()).pathname).toBe(`/app${item.path}`);
        const title = await pageTitle(page);
        expect(title, `${role} opens ${item.label}`).not.toMatch(/^(Not allowed|Not found)$/);
        expect(
          await nav.getByRole('link', { name: item.label, exact: true }).getAttribute('aria-current'),
        ).toBe('page');
      }
      await screenshot(page, `demo-nav-${role}`);

      // A direct visit to any other screen is refused, by name, and says what to do.
      expect(refused.length, `${role} is refused something`).toBeGreaterThan(0);
      for (const item of refused) {
        await page.goto(`${e2e.server.url}/app${item.path}`);
        expect(await pageTitle(page), `${role} visiting ${item.path}`).toBe('Not allowed');
        const alert = page.getByRole('alert');
        expect(await alert.textContent()).toContain(
          `${item.label} is not open to your roles (${ROLE_LABELS[role]})`,
        );
        expect(await page.getByRole('main').textContent()).toContain("ask your office's administrator");
      }
      await screenshot(page, `demo-refused-${role}`);
      expect(problems).toEqual([]);
      await context.close();
    },
  );
});
