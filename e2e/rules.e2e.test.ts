import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { poll, screenshot, watchConsole, withBrowserServer } from './harness.js';

describe('classification rules in real Chromium (issue 13, item 6)', () => {
  const e2e = withBrowserServer({ demo: true });

  it('a records officer writes a rule (it says what it classified), changes it, retires it; one item by hand says what it did', async () => {
    // bypassCSP only so that axe can be injected; other browser tests check the CSP itself.
    const context = await e2e.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${e2e.server.url}/app/sign-in`);
    await page.getByRole('button', { name: /Sign in as Thomas Brennan/ }).click();
    await page.getByRole('link', { name: 'Records: classification rules' }).click();
    await poll(() => page.getByRole('heading', { level: 1, name: 'Classification rules' }).isVisible()).toBe(
      true,
    );
    await poll(() => page.getByText('No rules yet').isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    // The demo's one unclassified mail: the senator's, on the President's personal account.
    await page.locator('#add-account').fill('potus.private@personal.example.com');
    await page.locator('#add-correspondents').fill('Senator@personal.example.com');
    await page.locator('#add-from').fill('2020-01-01');
    await page.locator('#add-category').selectOption('presidential');
    await page.locator('#add-reason').fill('Legislative business with senators');
    await page.getByRole('button', { name: 'Write and apply rule' }).click();
    const apply = page.getByRole('dialog', { name: 'Apply this rule?' });
    await poll(() => apply.isVisible()).toBe(true);
    expect(await apply.textContent()).toContain(
      'potus.private@personal.example.com, with senator@personal.example.com, from 2020-01-01 to now on → presidential.',
    );
    await apply.getByRole('button', { name: 'Apply this rule' }).click();
    await poll(() =>
      page
        .getByRole('status')
        .filter({
          hasText:
            'Rule written. It classified 1 item(s) as presidential; each decision is a record naming the rule.',
        })
        .isVisible(),
    ).toBe(true);
    const row = page.getByRole('row', { name: /senator@personal\.example\.com/ });
    await poll(() => row.getByRole('cell', { name: /^In force since \d{4}-\d\d-\d\d$/ }).isVisible()).toBe(
      true,
    );
    await screenshot(page, 'rules-written');

    // Change its reason, saying why: nothing is left for it to decide.
    await row.getByRole('button', { name: 'Change or retire rule 1' }).click();
    await page.locator('#edit-reason').fill('Legislative business with members of Congress');
    await page.locator('#edit-change').fill('Wider wording, same scope');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save change' }).click();
    const again = page.getByRole('dialog', { name: 'Apply the changed rule?' });
    await poll(() => again.isVisible()).toBe(true);
    await again.getByRole('button', { name: 'Apply the changed rule' }).click();
    await poll(() =>
      page
        .getByRole('status')
        .filter({ hasText: /^Rule changed\. It matched no unclassified item/ })
        .isVisible(),
    ).toBe(true);
    await poll(() =>
      row.getByRole('cell', { name: 'Legislative business with members of Congress' }).isVisible(),
    ).toBe(true);

    // Retire it: a final act, confirmed in the shared dialog, with a reason.
    await row.getByRole('button', { name: 'Change or retire rule 1' }).click();
    await page.locator('#edit-change').fill('The Senate is in recess');
    await page.getByRole('button', { name: 'Retire rule', exact: true }).click();
    const retire = page.getByRole('dialog', { name: 'Retire this rule?' });
    await poll(() => retire.isVisible()).toBe(true);
    await retire.getByRole('button', { name: 'Retire this rule' }).click();
    await poll(() =>
      page
        .getByRole('status')
        .filter({ hasText: 'Rule retired. The items it decided keep their classification.' })
        .isVisible(),
    ).toBe(true);
    await poll(() => row.getByRole('cell', { name: /^Retired \d{4}-\d\d-\d\d$/ }).isVisible()).toBe(true);
    expect(await row.getByRole('button').count()).toBe(0);

    // One item by hand, from the queue: the notice says what was decided, from what.
    await page.getByRole('link', { name: 'Records: 20-day rule' }).click();
    const queued = page.getByRole('row', { name: /^call: / }).first();
    await poll(() => queued.isVisible()).toBe(true);
    await queued.getByRole('button', { name: 'Personal' }).click();
    await poll(() =>
      page
        .getByRole('status')
        .filter({
          hasText:
            /^Classified call ".+" of .+ as personal \(was unclassified\); the decision is log entry \d+\. It has left the queue\.$/,
        })
        .isVisible(),
    ).toBe(true);

    expect(problems).toEqual([]);
    await context.close();
  });
});
