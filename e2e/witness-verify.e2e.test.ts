import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCosignerKey, generateSignerKey, keyFingerprint } from '@hotline/ledger';
import type { AxeResults } from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, freePort, launchBrowser, poll, screenshot, watchConsole } from './harness.js';

/**
 * Issue 17: `hotline serve` in demo mode (what `npm start` runs) starts the national archive's
 * witness as a process of its own, whose cosignature the public checkpoint carries; the browser
 * verifier names the witnesses that cosigned with their key fingerprints, accepts keys pinned in
 * the link or in its setting, and refuses a page whose keys differ from the pinned ones.
 */
const root = new URL('..', import.meta.url).pathname;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const r = (await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    }),
  )) as AxeResults;
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

/** Pids of the processes whose parent is `pid`, with their command lines. */
function childrenOf(pid: number): { pid: number; args: string }[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' }).trim();
  return out
    ? out.split('\n').map((l) => {
        const m = /^\s*(\d+)\s+(.*)$/.exec(l)!;
        return { pid: Number(m[1]), args: m[2]! };
      })
    : [];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the demo witness and the browser verifier', () => {
  let server: ChildProcess;
  let dataDir: string;
  let url: string;
  let browser: Browser;
  let witnessPid = 0;
  let logKey: string;
  let witnessKey: string;
  let readoutUrl: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    buildOnce();
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-witness-e2e-'));
    const port = await freePort();
    server = spawn(process.execPath, [join(root, 'packages/cli/dist/hotline.js'), 'serve'], {
      cwd: root,
      env: {
        ...process.env,
        HOTLINE_DATA_DIR: dataDir,
        HOTLINE_PORT: String(port),
        HOTLINE_DEMO: '1',
        HOTLINE_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    server.stderr!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    url = await new Promise<string>((resolve, reject) => {
      server.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /Hotline is running at (http:\/\/\S+)\/app\//.exec(out);
        if (m) resolve(m[1]!);
      });
      server.once('exit', (code) => reject(new Error(`hotline serve ended (${code}):\n${out}`)));
    });
    browser = await launchBrowser();
    const key = (await (await fetch(`${url}/api/v1/log/key`)).json()) as {
      verifierKey: string;
      witnesses: { name: string; vkey: string }[];
    };
    logKey = key.verifierKey;
    const policy = readFileSync(join(dataDir, 'demo-witness/policy.txt'), 'utf8');
    witnessKey = /^witness archive (\S+) /m.exec(policy)![1]!;
    expect(key.witnesses.map((w) => w.vkey)).toEqual([witnessKey]);
  }, 300_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGINT');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the witness as its own process, and the public checkpoint carries its cosignature', async () => {
    const witnesses = childrenOf(server.pid!).filter((c) => c.args.includes('witness serve'));
    expect(witnesses).toHaveLength(1);
    expect(witnesses[0]!.args).toContain(join(dataDir, 'demo-witness'));
    witnessPid = witnesses[0]!.pid;
    // Its own embedded database, beside its own key.
    expect(readFileSync(join(dataDir, 'demo-witness/witness.key'), 'utf8')).toMatch(/^PRIVATE\+KEY\+/);
    await poll(async () => {
      const res = await fetch(`${url}/log/checkpoint`);
      return res.ok ? res.text() : '';
    }).toMatch(/\n— archive\.demo\/witness /);
  });

  async function readoutPage(fragment = ''): Promise<Page> {
    const context = await browser.newContext({ bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    if (!readoutUrl) {
      await page.goto(`${url}/readouts`);
      const href = await page.locator('ol.list a').first().getAttribute('href');
      readoutUrl = new URL(href!, url).href;
    }
    await page.goto(`${readoutUrl}${fragment}`);
    return page;
  }

  /** Click "Verify this readout"; the poll of its result. */
  const verify = async (page: Page) => {
    await page.getByRole('button', { name: 'Verify this readout' }).click();
    const result = page.locator('#verify-result');
    await poll(() => result.textContent()).not.toBe('Checking…');
    return (await result.textContent()) ?? '';
  };

  it('shows which witnesses cosigned, with the key fingerprints', async () => {
    const page = await readoutPage();
    const problems = watchConsole(page);
    expect(await verify(page)).toMatch(/^Verified: .* cosigned by 1 witness, and its text is unchanged\.$/);
    const details = await page.locator('#verify-details').textContent();
    expect(details).toMatch(/Witness archive\.demo\/witnesscosigned at [A-Z][a-z]+ \d{1,2}, 20\d\d, /);
    expect(details).toContain(`key fingerprint ${keyFingerprint(witnessKey)} (as this site gives it)`);
    expect(details).toContain(`key fingerprint ${keyFingerprint(logKey)} (as this site gives it`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'witness-verify-display');
    expect(problems.filter((p) => !p.includes('Content Security Policy'))).toEqual([]);
  });

  it('verifies with keys pinned in the link, and refuses a page whose keys differ from them', async () => {
    const pinned = `#log=${encodeURIComponent(logKey)}&witness=${encodeURIComponent(witnessKey)}&quorum=1`;
    let page = await readoutPage(pinned);
    expect(await verify(page)).toMatch(/^Verified: .* cosigned by 1 witness/);
    expect(await page.locator('#verify-details').textContent()).toContain(
      `key fingerprint ${keyFingerprint(witnessKey)} (pinned in the link)`,
    );

    // Another key under the witness's name: the reader got it elsewhere, the site names another one.
    const otherWitness = generateCosignerKey('archive.demo/witness').verifier;
    page = await readoutPage(`#witness=${encodeURIComponent(otherWitness)}`);
    expect(await verify(page)).toBe(
      `Not verified: this site names witness archive.demo/witness with key fingerprint ${keyFingerprint(witnessKey)}, not the one pinned in the link (fingerprint ${keyFingerprint(otherWitness)}). Do not trust this page.`,
    );
    await screenshot(page, 'witness-verify-mismatch');

    // Another log key for the same origin.
    const origin = logKey.split('+')[0]!;
    const otherLog = generateSignerKey(origin).verifier;
    page = await readoutPage(`#log=${encodeURIComponent(otherLog)}`);
    expect(await verify(page)).toMatch(
      new RegExp(
        `^Not verified: this site gives the log key .* \\(fingerprint ${keyFingerprint(logKey)}\\), not the one pinned in the link \\(fingerprint ${keyFingerprint(otherLog)}\\)`,
      ),
    );
  });

  it('keeps pinned keys in its setting, and refuses a page that differs from them', async () => {
    const page = await readoutPage();
    await page.getByText('Keys you trust').click();
    await page.getByLabel('Pinned keys').fill(`log ${logKey}\nwitness ${witnessKey}\nquorum 1\n`);
    await page.getByRole('button', { name: 'Save keys' }).click();
    await poll(() => page.locator('#verify-pins-status').textContent()).toMatch(
      /^Saved: the log key and 1 witness key, quorum 1\./,
    );
    expect(await verify(page)).toMatch(/^Verified: .* cosigned by 1 witness/);
    expect(await page.locator('#verify-details').textContent()).toContain(
      `key fingerprint ${keyFingerprint(witnessKey)} (pinned in this browser's settings)`,
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'witness-verify-pinned-setting');

    // The setting stays for this site: a later visit checks against it and refuses other keys.
    const otherWitness = generateCosignerKey('archive.demo/witness').verifier;
    await page.getByLabel('Pinned keys').fill(`witness ${otherWitness}\n`);
    await page.getByRole('button', { name: 'Save keys' }).click();
    await page.reload();
    expect(await page.getByLabel('Pinned keys').inputValue()).toBe(`witness ${otherWitness}`);
    expect(await verify(page)).toMatch(
      /^Not verified: this site names witness archive\.demo\/witness with key fingerprint .* not the one pinned in this browser's settings/,
    );
    // A malformed key is not saved.
    await page.getByText('Keys you trust').click();
    await page.getByLabel('Pinned keys').fill('witness archive.demo/witness+nothex+AAAA\n');
    await page.getByRole('button', { name: 'Save keys' }).click();
    await poll(() => page.locator('#verify-pins-status').textContent()).toMatch(/^Not saved: line 1: /);
    await page.getByRole('button', { name: 'Forget keys' }).click();
    expect(await verify(page)).toMatch(/^Verified: /);
  });

  it('stops the witness process when Hotline stops', async () => {
    expect(alive(witnessPid)).toBe(true);
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGINT');
    await exited;
    await poll(() => alive(witnessPid)).toBe(false);
  });
});
