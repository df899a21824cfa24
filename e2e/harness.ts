import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, createLogger } from '@hotline/common';
import {
  AppContext,
  buildApp,
  createArchiveKeyFile,
  createLogKeyFile,
  envToConfig,
  readEnv,
  type ServerConfig,
  startEmbeddedDatabase,
} from '@hotline/server';
import {
  type Browser,
  type BrowserContext,
  type CDPSession,
  chromium,
  type Download,
  type Locator,
  type Page,
  type Request,
  type Response,
} from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startDemoRecordsMembers } from '../packages/server/src/messaging/demo-records-members.js';

const root = new URL('..', import.meta.url).pathname;
let built = false;

/** Build the CLI bundle and web app once per run if their sources changed. */
export function buildOnce(): void {
  if (built) return;
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' });
  built = true;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface TestServer {
  url: string;
  ctx: AppContext;
  app: Awaited<ReturnType<typeof buildApp>>;
  close(): Promise<void>;
}

/** A real Hotline server on PGlite in a temp folder, on a free port, browsed at http://localhost. */
export async function startServer(opts: {
  demo: boolean;
  env?: Record<string, string>;
  /** The server's clock (default the system clock), e.g. a ShiftedClock to open a call's window. */
  clock?: Clock;
  /**
   * Demo only: start one `hotline records-member` process per demo office beside the server, as
   * `npm start` does (messaging's records members; the test waits until each is published).
   */
  recordsMembers?: boolean;
  /**
   * Run on the data folder before the server starts (its keys made, the server not yet open),
   * e.g. to seed the demo and split the archive key as `hotline keys split` would.
   */
  prepareData?: (cfg: ServerConfig) => Promise<void>;
}): Promise<TestServer> {
  buildOnce();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-e2e-'));
  const cfg = envToConfig({
    ...readEnv({}),
    port: String(port),
    dataDir,
    demo: opts.demo ? '1' : '0',
    publicUrl: `http://localhost:${port}`,
    logLevel: 'warn',
    authRateLimit: '1000',
    ...opts.env,
  });
  if (!opts.demo) {
    createArchiveKeyFile(cfg.archiveKeyFile);
    createLogKeyFile(cfg.logKeyFile, cfg.logOrigin);
  }
  await opts.prepareData?.(cfg);
  // The embedded database on its own thread, as `hotline serve` opens it.
  const pgliteThread = startEmbeddedDatabase(cfg);
  const ctx = await AppContext.fromConfig(cfg, {
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(pgliteThread ? { pgliteThread } : {}),
  });
  await ctx.prepare();
  ctx.startBackground();
  const app = await buildApp(ctx, { webDir: join(root, 'packages/web/dist') });
  await app.listen({ host: '127.0.0.1', port });
  const members =
    opts.demo && opts.recordsMembers
      ? await startDemoRecordsMembers(
          ctx,
          `http://127.0.0.1:${port}`,
          createLogger({ level: 'warn' }).child({ component: 'records-members' }),
        )
      : null;
  await members?.ready;
  return {
    url: `http://localhost:${port}`,
    ctx,
    app,
    async close() {
      await members?.close();
      await app.close();
      await ctx.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Real time moved by a fixed offset: the server lives `offsetMs` ahead (or behind) while time still passes. */
export class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  /** Shift so that now() is `to` at this moment. */
  setNow(to: Date | number): void {
    this.offsetMs = new Date(to).getTime() - Date.now();
  }
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * A server and a browser for the enclosing describe block (or file): started in beforeAll, closed
 * in afterAll. Read them as `.server` and `.browser` inside hooks and tests.
 */
export function withBrowserServer(opts: Parameters<typeof startServer>[0]): {
  readonly server: TestServer;
  readonly browser: Browser;
} {
  const live = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    live.server = await startServer(opts);
    live.browser = await launchBrowser();
  });
  afterAll(async () => {
    await live.browser?.close();
    await live.server?.close();
  });
  return live;
}

/**
 * The demo server with its records members (as npm start runs them, each its own process) and a
 * browser, for the enclosing describe block, where people sign in on devices of their own:
 * `signIn(name)` opens a new browser context (a device; a viewport, say a phone's, if given),
 * signs the demo persona in and returns the page. `problems` holds each page's CSP violations and
 * page errors (watchConsole). All are closed in afterAll.
 */
export function withMessagingDevices(): {
  readonly server: TestServer;
  readonly problems: string[][];
  signIn(name: string, viewport?: { width: number; height: number }): Promise<Page>;
} {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const problems: string[][] = [];
  beforeAll(async () => {
    server = await startServer({ demo: true, recordsMembers: true });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
  });
  const started = () => {
    if (!server || !browser)
      throw new Error('the server is not started yet: use it in a test, after beforeAll');
    return { server, browser };
  };
  return {
    get server() {
      return started().server;
    },
    problems,
    async signIn(name, viewport) {
      const { server, browser } = started();
      const context = await browser.newContext({
        bypassCSP: true,
        timezoneId: 'America/New_York',
        ...(viewport ? { viewport } : {}),
      });
      contexts.push(context);
      const page = await context.newPage();
      problems.push(watchConsole(page));
      await signInAs(page, server.url, name);
      return page;
    },
  };
}

/** Collect CSP violations and page errors so a test can assert there are none. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(root, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/**
 * A CDP virtual authenticator (platform passkey with user verification). Returns the CDP session
 * and the authenticator's id, for a test that adds or inspects credentials itself. `flags` sets
 * the backup-eligible (BE) and backed-up (BS) flags of the credentials it creates (a synced
 * passkey: both true; default device-bound) and user verification.
 */
export async function addVirtualAuthenticator(
  context: BrowserContext,
  page: Page,
  flags: { backupEligible?: boolean; backedUp?: boolean; userVerified?: boolean } = {},
): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: flags.userVerified ?? true,
      automaticPresenceSimulation: true,
      defaultBackupEligibility: flags.backupEligible ?? false,
      defaultBackupState: flags.backedUp ?? flags.backupEligible ?? false,
    },
  });
  return { cdp, authenticatorId };
}

/**
 * expect.poll with room for a real server on PGlite under load (the default gives up after 1 s,
 * which a page load with several API calls can exceed on a busy CI machine).
 */
export function poll<T>(fn: () => T | Promise<T>) {
  return expect.poll(fn, { timeout: 15_000, interval: 50 });
}

/**
 * Demo sign-in: on `baseUrl`'s sign-in page, pick the persona whose button names `name`, wait until
 * signed in. Whoever is signed in on the page signs out first, and that sign-out is waited for: a
 * page load while its request is in flight cancels it in the browser, and a /me read the server
 * answers before the sign-out lands still names the old person, so the sign-in page moves on to
 * their home and offers no persona (seen under load).
 */
export async function signInAs(page: Page, baseUrl: string, name: string): Promise<void> {
  const signOut = page.getByRole('button', { name: 'Sign out' });
  if (await signOut.isVisible()) {
    await signOut.click();
    await poll(() => page.getByRole('heading', { name: 'Sign in to Hotline' }).isVisible()).toBe(true);
  }
  await page.goto(`${baseUrl}/app/sign-in`);
  await page.getByRole('button', { name: new RegExp(`Sign in as ${name}`) }).click();
  await poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
}

/**
 * Open a call's page and wait for its story. A call page's first load can take longer than
 * poll's 15 s when CI runs the e2e files beside the database suites on two cores: it is given as
 * long as a page load. If it never comes, the error says what the page showed instead.
 */
export async function openCall(page: Page, url: string): Promise<void> {
  await page.goto(url);
  const story = page.getByRole('heading', { name: 'Story of the call' });
  try {
    await expect.poll(() => story.isVisible(), { timeout: 45_000, interval: 100 }).toBe(true);
  } catch (e) {
    const shown = await page
      .locator('body')
      // biome-ignore lint/performance/useDomNodeTextContent: what the person sees, hidden parts left out
      .innerText({ timeout: 2_000 })
      .catch((err: unknown) => `(unreadable: ${String(err)})`);
    throw new Error(`The call page ${page.url()} showed no story; it showed:\n${shown.slice(0, 2_000)}`, {
      cause: e,
    });
  }
}

/**
 * Click what downloads a file and return the download. A download starts only when the server's
 * answer begins, so it is given as long as a page load on a busy CI machine; if none comes, the
 * error says whether the browser asked for the file and what the server answered.
 */
export async function downloadBy(page: Page, control: Locator): Promise<Download> {
  const href = await control.getAttribute('href');
  const url = href && !href.startsWith('blob:') ? new URL(href, page.url()).href : null;
  const seen: string[] = [];
  const t0 = Date.now();
  const onRequest = (r: Request) => {
    if (r.url() === url) seen.push(`asked at +${Date.now() - t0} ms`);
  };
  const onResponse = (r: Response) => {
    if (r.url() === url) seen.push(`answered ${r.status()} at +${Date.now() - t0} ms`);
  };
  const onFailed = (r: Request) => {
    if (r.url() === url)
      seen.push(`failed (${r.failure()?.errorText ?? 'no reason'}) at +${Date.now() - t0} ms`);
  };
  page.on('request', onRequest);
  page.on('response', onResponse);
  page.on('requestfailed', onFailed);
  try {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 45_000 }),
      control.click(),
    ]);
    return download;
  } catch (e) {
    const what = url ? `${url}: ${seen.join(', ') || 'never asked for'}` : 'a file made in the page';
    throw new Error(`No download started from ${what}; the page is at ${page.url()}`, { cause: e });
  } finally {
    page.off('request', onRequest);
    page.off('response', onResponse);
    page.off('requestfailed', onFailed);
  }
}
