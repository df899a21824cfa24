import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addVirtualAuthenticator, poll, screenshot, watchConsole, withBrowserServer } from './harness.js';

describe('passkeys in real Chromium (demo mode off)', () => {
  const e2e = withBrowserServer({ demo: false });

  /** Refused sign-ins with an unknown passkey: counted per address and window (one record per window, not per attempt). */
  async function failedSignIns(): Promise<number> {
    const rows = await e2e.server.ctx.db.selectFrom('sign_in_refusals').select('count').execute();
    return rows.reduce((n, r) => n + Number(r.count), 0);
  }

  it('registers a passkey from an invite, signs out, signs in with it and sees the directory', async () => {
    const office = await e2e.server.ctx.identity.createOffice(
      { operator: 'test operator' },
      {
        slug: 'nz-dpmc',
        name: 'Office of the Prime Minister of New Zealand',
        country: 'NZ',
        leaderTitle: 'Prime Minister',
        leaderName: 'Christopher Luxon',
        timeZone: 'Pacific/Auckland',
      },
    );
    const invite = await e2e.server.ctx.identity.invite(null, {
      officeId: office.id,
      email: 'aroha.ngata@nz.example.govt.nz',
      displayName: 'Aroha Ngata',
      title: 'Senior Private Secretary (Foreign Affairs)',
      timeZone: 'Pacific/Auckland',
      roles: ['staff', 'admin'],
    });
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    const problems = watchConsole(page);
    await addVirtualAuthenticator(context, page);

    await page.goto(`${e2e.server.url}/app/invite/${invite.token}`);
    await poll(() => page.getByText('Welcome, Aroha Ngata').isVisible()).toBe(true);
    await page.getByLabel('Name for this passkey').fill('Test laptop');
    await screenshot(page, 'passkey-invite');
    await page.getByRole('button', { name: 'Create my passkey' }).click();
    await page.waitForURL('**/app/directory');
    await poll(() =>
      page.getByRole('heading', { name: 'Office of the Prime Minister of New Zealand' }).isVisible(),
    ).toBe(true);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await poll(() => page.getByRole('heading', { name: 'Sign in to Hotline' }).isVisible()).toBe(true);
    expect(await page.getByText('Demo: sign in as').count()).toBe(0);
    const demo = await page.request.get(`${e2e.server.url}/api/v1/demo/personas`);
    expect(demo.status()).toBe(404);

    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    // Signed in, the person lands on their start page (the first screen their roles allow).
    const nav = page.getByRole('navigation', { name: 'Main' });
    await poll(() => nav.getByRole('link', { name: 'Directory' }).isVisible()).toBe(true);
    await nav.getByRole('link', { name: 'Directory' }).click();
    await page.waitForURL('**/app/directory');
    await poll(() => page.getByRole('row', { name: /Aroha Ngata/ }).isVisible()).toBe(true);
    await screenshot(page, 'passkey-directory');

    await page.goto(`${e2e.server.url}/app/profile`);
    await poll(() => page.getByRole('row', { name: /Test laptop/ }).isVisible()).toBe(true);
    await screenshot(page, 'passkey-profile');

    // A session that ends (here: the cookie is gone) sends the person to sign-in with a message,
    // and back to the page they were on once they sign in again.
    await context.clearCookies();
    await nav.getByRole('link', { name: 'Directory' }).click();
    await page.waitForURL('**/app/sign-in');
    await poll(() => page.getByRole('status').first().textContent()).toMatch(/session has ended/);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL('**/app/directory');
    await poll(() => page.getByRole('row', { name: /Aroha Ngata/ }).isVisible()).toBe(true);

    // The invite link works once.
    await page.goto(`${e2e.server.url}/app/invite/${invite.token}`);
    await poll(() => page.getByRole('alert').textContent()).toMatch(/already been used/);
    await poll(() => page.getByRole('heading', { name: 'This invite has been used' }).isVisible()).toBe(true);
    await screenshot(page, 'passkey-invite-used');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('refuses a passkey the server does not know with a clear message', async () => {
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    // A real discoverable passkey for this origin that this Hotline never registered (as if made
    // for another Hotline at the same host name), put straight into a virtual authenticator.
    // Starting a second server and registering it there cost a whole PGlite start and
    // migrations: most of this test's time, and over a minute on a loaded CI machine.
    const { cdp, authenticatorId } = await addVirtualAuthenticator(context, page);
    const credentialId = randomBytes(32);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: {
        credentialId: credentialId.toString('base64'),
        isResidentCredential: true,
        rpId: 'localhost',
        privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        userHandle: Buffer.from('someone-elsewhere').toString('base64'),
        signCount: 0,
      },
    });
    const before = await failedSignIns();

    await page.goto(`${e2e.server.url}/app/sign-in`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await poll(() => page.getByRole('alert').textContent()).toMatch(/not registered with Hotline/);
    await poll(() => page.getByRole('button', { name: 'Sign in with a passkey' }).isEnabled()).toBe(true);
    // The browser really used that passkey (it signed once), and the server counted the refusal.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials.map((c) => c.signCount)).toEqual([1]);
    expect(await failedSignIns()).toBe(before + 1);
    await context.close();
  });
});
