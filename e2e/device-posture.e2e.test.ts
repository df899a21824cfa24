import { describe, expect, it } from 'vitest';
import { addVirtualAuthenticator, poll, screenshot, withBrowserServer } from './harness.js';

/**
 * Passkeys that fit the people who hold them, in real Chromium: its CDP virtual authenticator
 * sets the backup-eligible (BE) and backed-up (BS) flags (defaultBackupEligibility and
 * defaultBackupState, supported by the installed Chromium), so a synced passkey and a
 * device-bound one go through the real browser ceremony.
 */
describe('device posture of passkeys in real Chromium', () => {
  const e2e = withBrowserServer({ demo: false });

  it("refuses a principal's synced passkey, accepts a device-bound one, and shows both kinds to the administrator", async () => {
    const { ctx } = e2e.server;
    const office = await ctx.identity.createOffice(
      { operator: 'test operator' },
      {
        slug: 'ie-taoiseach',
        name: 'Department of the Taoiseach',
        country: 'IE',
        leaderTitle: 'Taoiseach',
        leaderName: 'Micheál Martin',
        timeZone: 'Europe/Dublin',
      },
    );
    const principal = await ctx.identity.invite(null, {
      officeId: office.id,
      email: 'niamh.byrne@taoiseach.example.gov.ie',
      displayName: 'Niamh Byrne',
      title: 'Taoiseach (test principal)',
      timeZone: 'Europe/Dublin',
      roles: ['principal', 'admin'],
    });
    const staff = await ctx.identity.invite(null, {
      officeId: office.id,
      email: 'ciaran.walsh@taoiseach.example.gov.ie',
      displayName: 'Ciarán Walsh',
      title: 'Private Secretary',
      timeZone: 'Europe/Dublin',
      roles: ['staff'],
    });

    // A synced passkey (BE and BS set) for the principal: refused, saying what to use instead.
    const synced = await e2e.browser.newContext();
    const syncedPage = await synced.newPage();
    await addVirtualAuthenticator(synced, syncedPage, { backupEligible: true, backedUp: true });
    await syncedPage.goto(`${e2e.server.url}/app/invite/${principal.token}`);
    await poll(() => syncedPage.getByText('Welcome, Niamh Byrne').isVisible()).toBe(true);
    await syncedPage.getByRole('button', { name: 'Create my passkey' }).click();
    await poll(() => syncedPage.getByRole('alert').first().textContent()).toMatch(/security key/);
    const refusal = (await syncedPage.getByRole('alert').first().textContent()) ?? '';
    expect(refusal).toMatch(/synced passkey/);
    expect(refusal).toMatch(/device-bound passkey/);
    await screenshot(syncedPage, 'posture-synced-refused');
    await synced.close();

    // The same invite with a device-bound passkey (BE clear): registered, signed in.
    const bound = await e2e.browser.newContext();
    const page = await bound.newPage();
    await addVirtualAuthenticator(bound, page, { backupEligible: false });
    await page.goto(`${e2e.server.url}/app/invite/${principal.token}`);
    await poll(() => page.getByText('Welcome, Niamh Byrne').isVisible()).toBe(true);
    await page.getByLabel('Name for this passkey').fill('Office key');
    await page.getByRole('button', { name: 'Create my passkey' }).click();
    await poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);

    const row = await ctx.db
      .selectFrom('passkeys')
      .selectAll()
      .where('user_id', '=', principal.user.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ backup_eligible: false, user_verified: true });
    expect(row.attestation_fmt).not.toBeNull();

    // Staff may use a synced passkey.
    const staffCtx = await e2e.browser.newContext();
    const staffPage = await staffCtx.newPage();
    await addVirtualAuthenticator(staffCtx, staffPage, { backupEligible: true, backedUp: true });
    await staffPage.goto(`${e2e.server.url}/app/invite/${staff.token}`);
    await poll(() => staffPage.getByText('Welcome, Ciarán Walsh').isVisible()).toBe(true);
    await staffPage.getByLabel('Name for this passkey').fill('Phone');
    await staffPage.getByRole('button', { name: 'Create my passkey' }).click();
    await poll(() => staffPage.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await staffCtx.close();

    // The administrator (the principal holds both roles) sees each person's passkeys.
    await page.goto(`${e2e.server.url}/app/admin`);
    const own = page.locator('li.person', { hasText: 'Niamh Byrne' });
    await poll(() => own.getByRole('button', { name: 'Passkeys' }).isVisible()).toBe(true);
    await own.getByRole('button', { name: 'Passkeys' }).click();
    const ownRow = own.getByRole('row', { name: /Office key/ });
    await poll(() => ownRow.isVisible()).toBe(true);
    expect(await ownRow.textContent()).toMatch(/Device-bound; user verified/);
    expect(await ownRow.textContent()).toMatch(/Unknown authenticator/);

    const other = page.locator('li.person', { hasText: 'Ciarán Walsh' });
    await other.getByRole('button', { name: 'Passkeys' }).click();
    const phone = other.getByRole('row', { name: /Phone/ });
    await poll(() => phone.isVisible()).toBe(true);
    expect(await phone.textContent()).toMatch(/Synced passkey \(backed up\)/);
    await screenshot(page, 'posture-admin-passkeys');

    // Revoking his only passkey is allowed, after a confirmation that warns.
    await phone.getByRole('button', { name: 'Revoke…' }).click();
    const confirm = other.getByRole('alertdialog', { name: 'Revoke Phone' });
    await poll(() => confirm.textContent()).toMatch(/last passkey/);
    await confirm.getByRole('button', { name: 'Revoke Phone' }).click();
    await poll(() => other.getByText(/no passkey left/).isVisible()).toBe(true);
    await poll(() => other.getByText('Ciarán Walsh has no passkey.').isVisible()).toBe(true);
    const revoked = await ctx.db
      .selectFrom('records')
      .select('seq')
      .where('kind', '=', 'audit.auth.passkey_revoked')
      .execute();
    expect(revoked.length).toBe(1);
    await bound.close();
  });
});
