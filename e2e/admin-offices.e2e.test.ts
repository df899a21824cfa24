import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { addVirtualAuthenticator, poll, screenshot, watchConsole, withBrowserServer } from './harness.js';

describe('an administrator of an office the operator added', () => {
  const e2e = withBrowserServer({ demo: false });

  it('cannot add offices, and a reviewer they grant waits for a second administrator', async () => {
    const home = await e2e.server.ctx.identity.createOffice(
      { operator: 'test operator' },
      {
        slug: 'ie-taoiseach',
        name: 'Department of the Taoiseach',
        country: 'IE',
        leaderTitle: 'Taoiseach',
        leaderName: 'Test Leader',
        timeZone: 'Europe/Dublin',
      },
    );
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
    await poll(() => page.getByRole('heading', { name: 'Invite a person' }).isVisible()).toBe(true);
    // Offices are the operator's act: no form adds one, and no office chooser.
    expect(await page.getByRole('heading', { name: 'Add an office' }).count()).toBe(0);
    expect(await page.locator('#inv-office').count()).toBe(0);

    // A reviewer grant waits for a second administrator; the one who asked cannot confirm it.
    const person = await e2e.server.ctx.identity.invite(null, {
      officeId: home.id,
      email: 'aide@ie.example.gov',
      displayName: 'Aoife Aide',
      title: 'Adviser',
      timeZone: 'Europe/Dublin',
      roles: ['staff'],
    });
    await page.reload();
    // click(), not check(): the box stays clear while the grant waits for confirmation.
    await page.getByLabel('Reviewer for Aoife Aide').click();
    // Granting a role asks first: what will happen, and that the grant is a record for good.
    const dialog = page.getByRole('dialog', { name: 'Grant Aoife Aide the Reviewer role?' });
    await poll(() => dialog.textContent()).toMatch(
      /once a second administrator confirms.*This cannot be undone:/,
    );
    await dialog.getByRole('button', { name: 'Grant Reviewer' }).click();
    await poll(() =>
      page
        .getByText(/Reviewer waits for a second administrator/)
        .first()
        .isVisible(),
    ).toBe(true);
    const grants = page.getByRole('table', { name: 'Role grants waiting for confirmation' });
    await poll(() =>
      grants.getByText('You asked for this; another administrator confirms it.').isVisible(),
    ).toBe(true);
    await screenshot(page, 'admin-pending-role-grant');
    const user = await e2e.server.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', person.user.id)
      .executeTakeFirstOrThrow();
    expect(user.roles).toEqual(['staff']);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('marks a person as an interpreter after asking, and the schedule form can offer them', async () => {
    const home = await e2e.server.ctx.identity.createOffice(
      { operator: 'test operator' },
      {
        slug: 'nz-pmo',
        name: 'Office of the Prime Minister of New Zealand',
        country: 'NZ',
        leaderTitle: 'Prime Minister',
        leaderName: 'Test Leader',
        timeZone: 'Pacific/Auckland',
      },
    );
    const invite = await e2e.server.ctx.identity.invite(null, {
      officeId: home.id,
      email: 'admin@nz.example.govt.nz',
      displayName: 'Mere Admin',
      title: 'Systems Administrator',
      timeZone: 'Pacific/Auckland',
      roles: ['admin'],
    });
    const person = await e2e.server.ctx.identity.invite(null, {
      officeId: home.id,
      email: 'interpreter@nz.example.govt.nz',
      displayName: 'Tama Interpreter',
      title: 'Interpreter',
      timeZone: 'Pacific/Auckland',
      roles: ['staff'],
    });
    // bypassCSP only so that axe can be injected (the first test runs under the CSP).
    const context = await e2e.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await addVirtualAuthenticator(context, page);
    await page.goto(`${e2e.server.url}/app/invite/${invite.token}`);
    await page.getByRole('button', { name: 'Create my passkey' }).click();
    await page.waitForURL((u) => !u.pathname.includes('/invite/'));
    await page.goto(`${e2e.server.url}/app/admin`);
    const box = page.getByLabel('Interpreter: Tama Interpreter');
    await poll(() => box.isVisible()).toBe(true);
    expect(await box.isChecked()).toBe(false);

    // Marking asks first, with what it does; cancelling changes nothing.
    await box.click();
    const dialog = page.getByRole('dialog', { name: 'Mark Tama Interpreter as an interpreter?' });
    await poll(() => dialog.textContent()).toMatch(
      /offers Tama Interpreter as an interpreter.*This cannot be undone:/,
    );
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Go back' }).click();
    await poll(() => dialog.count()).toBe(0);
    expect(await box.isChecked()).toBe(false);
    const flag = async () =>
      (
        await e2e.server.ctx.db
          .selectFrom('users')
          .select('interpreter')
          .where('id', '=', person.user.id)
          .executeTakeFirstOrThrow()
      ).interpreter;
    expect(await flag()).toBe(false);

    await box.click();
    await dialog.getByRole('button', { name: 'Mark as interpreter' }).click();
    await poll(() =>
      page.getByText('Saved roles for Tama Interpreter: an interpreter.').first().isVisible(),
    ).toBe(true);
    await poll(() => box.isChecked()).toBe(true);
    expect(await flag()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-interpreter-marked');
    // Unmarking needs no question (nothing is given); it is recorded all the same.
    await box.click();
    await poll(() => box.isChecked()).toBe(false);
    expect(await flag()).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });
});
