import type { CallSummary } from '@hotline/contract';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { poll, screenshot, watchConsole, withBrowserServer } from './harness.js';

/**
 * Accessibility of the staff app and the public site in real Chromium (issue 2): axe-core runs in
 * each page as it is drawn (WCAG 2.0/2.1 A and AA, plus axe's structural best practices), and a
 * keyboard-only walk signs in, moves through the navigation and signs out.
 */
const e2e = withBrowserServer({ demo: true });

describe('accessibility of every screen (axe-core in Chromium)', () => {
  const contexts: BrowserContext[] = [];
  let problems: string[][] = [];
  afterAll(async () => {
    for (const c of contexts) await c.close();
  });

  /**
   * A browser signed in through the demo chooser as `name`. The CSP is bypassed only so that axe
   * can be injected; the other browser tests check the CSP itself.
   */
  async function signedIn(name: string | null): Promise<Page> {
    const context = await e2e.browser.newContext({ bypassCSP: true, timezoneId: 'America/New_York' });
    contexts.push(context);
    const page = await context.newPage();
    problems.push(watchConsole(page));
    await page.goto(`${e2e.server.url}/app/sign-in`);
    if (name) {
      await page.getByRole('button', { name: new RegExp(`Sign in as ${name}`) }).click();
      await poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    }
    return page;
  }

  /** Open an app page, wait until it is drawn (`ready` visible, nothing loading), then run axe. */
  async function check(
    page: Page,
    path: string,
    ready: (p: Page) => ReturnType<Page['locator']>,
    shot: string,
  ) {
    if (path) await page.goto(`${e2e.server.url}${path}`);
    await poll(() => ready(page).first().isVisible()).toBe(true);
    await poll(() => page.locator('.loading').count()).toBe(0);
    await screenshot(page, `a11y-${shot}`);
    // Soft: every page of a test is checked and reported, not only the first that fails.
    expect.soft(await axeViolations(page), `axe on ${shot} (${page.url()})`).toEqual([]);
  }

  let calls: CallSummary[] = [];
  const callIn = (state: CallSummary['state'], channel?: CallSummary['channel']) => {
    const c = calls.find((x) => x.state === state && (channel === undefined || x.channel === channel));
    if (!c)
      throw new Error(`the demo has no call in state ${state}: ${calls.map((x) => x.state).join(', ')}`);
    return `/app/calls/${c.id}`;
  };

  it('axe reports what it should (the check can fail)', async () => {
    const page = await signedIn(null);
    await page.setContent(
      '<main><h1>Broken</h1><p style="color:#aaa;background:#fff">faint text</p><input type="text"><button></button></main>',
    );
    const found = (await axeViolations(page)).map((v) => v.split(' ')[0]);
    expect(found).toEqual(expect.arrayContaining(['color-contrast', 'label', 'button-name']));
  });

  it('the sign-in page with the demo chooser', async () => {
    const page = await signedIn(null);
    await check(page, '', (p) => p.getByRole('button', { name: /Sign in as Kevin Liu/ }), 'sign-in');
  });

  it('directory, profile and administration (admin), with a refused field shown', async () => {
    const page = await signedIn('Kevin Liu');
    await check(page, '/app/directory', (p) => p.getByRole('row', { name: /Rachel Moreno/ }), 'directory');
    await check(page, '/app/profile', (p) => p.getByRole('heading', { name: 'Passkeys' }), 'profile');
    await check(page, '/app/admin', (p) => p.getByRole('heading', { name: 'Invite a person' }), 'admin');
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Full name').fill('Jordan Avery');
    await page.getByLabel('Title', { exact: true }).fill('Special Assistant');
    await page.getByRole('button', { name: 'Create invite link' }).click();
    await poll(() => page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    await check(page, '', (p) => p.getByRole('alert'), 'admin-refused');
    await page.getByLabel('Email').fill('j.avery@us.example.gov');
    await page.getByRole('button', { name: 'Create invite link' }).click();
    const link = page.getByText(/\/app\/invite\/[A-Za-z0-9_-]{16,}/);
    await poll(() => link.isVisible()).toBe(true);
    const invite = ((await link.textContent()) ?? '').match(/\/app\/invite\/[A-Za-z0-9_-]+/)![0];
    // The invitee's page, in a fresh signed-out browser.
    const other = await signedIn(null);
    await check(other, invite, (p) => p.getByRole('button', { name: /passkey/i }), 'invite');
  });

  it('the calls screens: inbox, calendar, request, off-channel, overdue records (staff)', async () => {
    const page = await signedIn('Margaret Ellison');
    calls = await (await page.request.get(`${e2e.server.url}/api/v1/calls?scope=all`)).json();
    expect(calls.length).toBeGreaterThan(5);
    await check(
      page,
      '/app/inbox',
      (p) => p.getByRole('heading', { name: /All calls of your office/ }),
      'inbox',
    );
    await check(page, '/app/calendar', (p) => p.getByRole('heading', { name: 'Calendar' }), 'calendar');
    await check(
      page,
      '/app/calls/new',
      (p) => p.getByRole('heading', { name: 'Request a leader call' }),
      'request',
    );
    await check(
      page,
      '/app/calls/off-channel',
      (p) => p.getByRole('heading', { name: 'Log off-channel contact' }),
      'off-channel',
    );
    await check(page, '/app/dashboard', (p) => p.getByRole('heading', { name: 'By call' }), 'dashboard');
  });

  it('a call page in several states, each seen by the role that acts on it', async () => {
    const story = (p: Page) => p.getByRole('heading', { name: 'Story of the call' });
    const reviewer = await signedIn('Dr. Samuel Okafor');
    await check(reviewer, callIn('under_review'), story, 'call-under-review');
    const secretariat = await signedIn('Linda Park');
    await check(secretariat, callIn('requested'), story, 'call-requested');
    await check(secretariat, callIn('approved'), story, 'call-approved');
    await check(secretariat, callIn('scheduled'), story, 'call-scheduled');
    await check(secretariat, callIn('briefed'), story, 'call-briefed');
    const notetaker = await signedIn('James Whitaker');
    await check(notetaker, callIn('completed', 'off_channel'), story, 'call-completed-off-channel');
    await check(notetaker, callIn('memcon_draft'), story, 'call-memcon-draft');
    const press = await signedIn('Rachel Moreno');
    await check(press, callIn('memcon_final'), story, 'call-memcon-final');
    await check(press, callIn('readout_waived'), story, 'call-readout-waived');
    await check(press, callIn('closed'), story, 'call-closed');
  });

  it('the records officer screens', async () => {
    const page = await signedIn('Thomas Brennan');
    await check(
      page,
      '/app/records',
      (p) => p.getByRole('heading', { name: /Classification queue/ }),
      'records',
    );
    await check(
      page,
      '/app/dashboard',
      (p) => p.getByRole('heading', { name: 'By call' }),
      'records-dashboard',
    );
  });

  it('a refused page says so', async () => {
    const page = await signedIn('Rachel Moreno');
    await check(
      page,
      '/app/admin',
      (p) => p.getByRole('heading', { name: /not allowed|Not found/i }),
      'refused',
    );
  });

  it('the public readouts, a readout page and the not-found page', async () => {
    const context = await e2e.browser.newContext({ bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    problems.push(watchConsole(page));
    await e2e.server.ctx.log.integrateAll();
    await check(page, '/readouts', (p) => p.getByRole('heading', { level: 1 }), 'public-readouts');
    await check(page, '/readouts?q=Carney', (p) => p.getByRole('heading', { level: 1 }), 'public-search');
    await page
      .getByRole('link', { name: /Prime Minister Mark Carney/ })
      .first()
      .click();
    await check(page, '', (p) => p.getByRole('button', { name: 'Verify this readout' }), 'public-readout');
    await page.getByRole('button', { name: 'Verify this readout' }).click();
    await poll(() => page.locator('#verify-result').textContent()).toMatch(/^Verified/);
    await check(page, '', (p) => p.locator('#verify-result'), 'public-readout-verified');
    await check(
      page,
      '/readouts/no-such-readout',
      (p) => p.getByRole('heading', { name: 'Not found' }),
      'public-404',
    );
  });

  it('no page error on any of these pages', () => {
    expect(problems.flat()).toEqual([]);
    problems = [];
  });
});

describe('keyboard only (Chromium)', () => {
  interface Focused {
    tag: string;
    text: string;
    inside: 'main' | 'nav' | 'header' | 'other';
    ring: string | null;
  }

  /** The focused element, and its focus indicator: an outline or a box-shadow it shows now. */
  function focused(page: Page): Promise<Focused> {
    return page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return { tag: 'body', text: '', inside: 'other' as const, ring: null };
      const cs = getComputedStyle(el);
      const outline =
        cs.outlineStyle !== 'none' && Number.parseFloat(cs.outlineWidth) >= 2
          ? `outline ${cs.outlineWidth} ${cs.outlineStyle} ${cs.outlineColor}`
          : null;
      const shadow = cs.boxShadow !== 'none' ? `box-shadow ${cs.boxShadow}` : null;
      const inside = el.closest('main')
        ? 'main'
        : el.closest('nav')
          ? 'nav'
          : el.closest('header')
            ? 'header'
            : 'other';
      return {
        tag: el.tagName.toLowerCase(),
        // Its name as a person hears it: an aria-label, the label of a form field, or its text.
        text: (
          el.getAttribute('aria-label') ??
          (el as HTMLInputElement).labels?.[0]?.textContent ??
          el.textContent ??
          ''
        )
          .replace(/\s+/g, ' ')
          .trim(),
        inside: inside as Focused['inside'],
        ring: [outline, shadow].filter(Boolean).join('; ') || null,
      };
    });
  }

  /**
   * Press Tab (or Shift+Tab) until the focused element's text starts with `text`, checking on the
   * way that every element that takes focus shows a focus indicator.
   */
  async function tabTo(page: Page, text: string | RegExp, opts: { back?: boolean; max?: number } = {}) {
    const seen: string[] = [];
    for (let i = 0; i < (opts.max ?? 80); i++) {
      await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
      const f = await focused(page);
      seen.push(`${f.tag} "${f.text.slice(0, 40)}"`);
      expect(f.ring, `focus indicator on ${f.tag} "${f.text}"`).not.toBeNull();
      if (typeof text === 'string' ? f.text.startsWith(text) : text.test(f.text)) return f;
    }
    throw new Error(`Tab never reached "${text}"; focus went through: ${seen.join(', ')}`);
  }

  it('signs in, moves through the navigation, skips to the content and signs out without a mouse', async () => {
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${e2e.server.url}/app/sign-in`);
    await poll(() => page.getByRole('button', { name: /Sign in as Margaret Ellison/ }).isVisible()).toBe(
      true,
    );

    // The first Tab shows the skip link on screen; Enter moves focus to the content.
    const skip = await tabTo(page, 'Skip to main content', { max: 1 });
    expect(skip.inside).toBe('other');
    const box = await page.getByRole('link', { name: 'Skip to main content' }).boundingBox();
    expect(box && box.x >= 0 && box.y >= 0 && box.width > 10).toBe(true);
    await screenshot(page, 'keyboard-skip-link');
    await page.keyboard.press('Enter');
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');

    // Tab to a persona and sign in with Enter; focus lands on the new page's heading.
    const persona = await tabTo(page, 'Sign in as Margaret Ellison');
    expect(persona.inside).toBe('main');
    await screenshot(page, 'keyboard-persona-focused');
    await page.keyboard.press('Enter');
    await poll(() => page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('page-title');
    expect(await page.locator('#page-title').textContent()).toBe('Inbox');

    // Back into the navigation with Shift+Tab: Profile, then Directory.
    expect((await tabTo(page, 'Directory', { back: true, max: 10 })).inside).toBe('nav');
    await screenshot(page, 'keyboard-nav-focused');
    await page.keyboard.press('Enter');
    await poll(() => new URL(page.url()).pathname).toBe('/app/directory');
    await poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Directory');
    await poll(() => page.getByRole('row', { name: /Rachel Moreno/ }).isVisible()).toBe(true);
    // The directory's filter is reached from its heading with Tab, and works from the keyboard.
    await tabTo(page, 'Filter people', { max: 1 });
    await page.keyboard.type('Okafor');
    await poll(() => page.getByRole('row', { name: /Rachel Moreno/ }).count()).toBe(0);
    await poll(() => page.getByRole('row', { name: /Samuel Okafor/ }).isVisible()).toBe(true);

    expect((await tabTo(page, 'Profile', { back: true, max: 10 })).inside).toBe('nav');
    await page.keyboard.press('Enter');
    await poll(() => new URL(page.url()).pathname).toBe('/app/profile');
    await poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Your profile');

    // On a signed-in page, the skip link jumps over the header and the navigation.
    await page.reload();
    await poll(() => page.getByRole('heading', { name: 'Passkeys' }).isVisible()).toBe(true);
    await tabTo(page, 'Skip to main content', { max: 1 });
    await page.keyboard.press('Enter');
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
    const next = await tabTo(page, /./, { max: 1 });
    expect(next.inside, `after the skip link, Tab went to ${next.tag} "${next.text}"`).toBe('main');

    // Sign out: back through the navigation to the header's button.
    const signOut = await tabTo(page, 'Sign out', { back: true, max: 20 });
    expect(signOut.inside).toBe('header');
    await screenshot(page, 'keyboard-sign-out-focused');
    await page.keyboard.press('Enter');
    await poll(() => page.getByRole('heading', { name: 'Sign in to Hotline' }).isVisible()).toBe(true);
    await poll(() => page.getByText('You have signed out.').isVisible()).toBe(true);
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
