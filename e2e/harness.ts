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
} from '@hotline/server';
import { type Browser, type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
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
  const ctx = await AppContext.fromConfig(cfg, opts.clock ? { clock: opts.clock } : {});
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

/** Demo sign-in: on `baseUrl`'s sign-in page, pick the persona whose button names `name`, wait until signed in. */
export async function signInAs(page: Page, baseUrl: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/app/sign-in`);
  await page.getByRole('button', { name: new RegExp(`Sign in as ${name}`) }).click();
  await poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
}
