/**
 * Start-up bench (run: npm run bench -w packages/cli, or npx tsx packages/cli/bench/startup-bench.ts):
 * 1. first `npm start` on a fresh data folder (migrations, demo seed, demo witness) until the
 *    "Hotline is running" line, then stopping it (Ctrl+C: every process it started ends);
 * 2. a restart on the same folder (three, the median taken; the first also serves step 3);
 * 3. /api/docs in Chromium: until the operations are drawn (the first paint, sent with the page)
 *    and until Swagger UI has drawn itself in their place (interactive, "Try it out");
 * 4. CLI commands on that folder with the server stopped: `--help`, `log key` (no database),
 *    `users list` (the database).
 * Baseline measured in the same run: `node -e 0` (a bare Node process) and `npm start` without
 * the server (`npm run` and the --if-stale build check), so each figure can be read as a ratio.
 * Targets (issue 14): first start < 15 s, restart < 3 s, no-database commands < 1 s, others < 3 s,
 * /api/docs < 2 s. Each start's steps (HOTLINE_TRACE_STARTUP) are printed after the figures, and
 * the load average at the start and end of the run, since a busy machine inflates every figure.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const root = new URL('../../..', import.meta.url).pathname;
const hotline = join(root, 'packages/cli/dist/hotline.js');

function freePort(): Promise<number> {
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

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): { ms: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, out: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Started {
  child: ChildProcess;
  ms: number;
  url: string;
  /** The start's steps, as HOTLINE_TRACE_STARTUP prints them. */
  steps: string;
}

/** Process groups started (killed at the end whatever happened). */
const started: number[] = [];

/** `npm start` in its own process group; resolves when it says it is running. */
function npmStart(env: NodeJS.ProcessEnv): Promise<Started> {
  const t0 = performance.now();
  const child = spawn('npm', ['start', '--silent'], { cwd: root, env, detached: true });
  started.push(child.pid!);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not start in 300 s:\n${out}`)), 300_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /Hotline is running at (http:\/\/\S+)\/app\//.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        const steps = out
          .split('\n')
          .filter((l) => l.startsWith('[start-up]'))
          .map((l) => `  ${l}`)
          .join('\n');
        resolve({ child, ms: performance.now() - t0, url: m[1]!, steps });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}):\n${out}`));
    });
  });
}

/** Ctrl+C as a terminal sends it (to the whole group); resolves when the group is gone. */
/** Whether a process of group `pgid` is still running (Linux /proc; zombies left out). */
function runningInGroup(pgid: number): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended while listed
    }
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
}

async function stop(s: Started): Promise<number> {
  const t0 = performance.now();
  s.child.removeAllListeners('exit');
  const exited = new Promise<void>((r) => s.child.once('exit', () => r()));
  process.kill(-s.child.pid!, 'SIGINT');
  await exited;
  // every process of the group (the demo witness included) must be gone: ended, not running.
  // A child that ended after its parent is a zombie until the system's init collects it (it
  // runs nothing and holds nothing but its process-table entry): not counted as running.
  for (let i = 0; i < 600; i++) {
    if (!runningInGroup(s.child.pid!)) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 50));
  }
  process.kill(-s.child.pid!, 'SIGKILL');
  throw new Error('a process started by npm start was still running 30 s after Ctrl+C');
}

async function apiDocsMs(url: string): Promise<{ firstPaint: number; interactive: number }> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const firstPaint: number[] = [];
    const interactive: number[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await browser.newPage();
      const t0 = performance.now();
      await page.goto(`${url}/api/docs`, { waitUntil: 'commit' });
      // First paint: the API's title, its tags and every operation, sent with the page (or, when
      // Swagger UI has already replaced them by the time this looks, its own tags: an upper bound).
      await page
        .locator('[data-first-paint] .first-paint-ops li, [id^="operations-tag-"]')
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 });
      firstPaint.push(performance.now() - t0);
      // Interactive: Swagger UI has drawn its own tags in their place.
      await page.locator('[id^="operations-tag-"]').first().waitFor({ state: 'visible', timeout: 60_000 });
      interactive.push(performance.now() - t0);
      await page.close();
    }
    return { firstPaint: median(firstPaint), interactive: median(interactive) };
  } finally {
    await browser.close();
  }
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale'], {
    cwd: root,
    stdio: 'inherit',
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-startup-bench-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOTLINE_DATA_DIR: dataDir,
    HOTLINE_PORT: String(port),
    HOTLINE_DEMO: '1',
    HOTLINE_LOG_LEVEL: 'warn',
    HOTLINE_TRACE_STARTUP: '1',
  };
  const loadBefore = loadavg()[0]!;
  try {
    const bareNode = median([0, 1, 2].map(() => timed(process.execPath, ['-e', '0'], env).ms));
    const npmRun = median(
      [0, 1, 2].map(() => timed('npm', ['run', '--silent', 'build', '--', '--if-stale'], env).ms),
    );

    const first = await npmStart(env);
    const firstStop = await stop(first);
    const again = await npmStart(env);
    const docs = await apiDocsMs(again.url);
    const againStop = await stop(again);
    // Two more restarts: the restart's figure is the median of three, as the others are.
    const restarts = [again.ms];
    for (const _ of [0, 1]) {
      const r = await npmStart(env);
      restarts.push(r.ms);
      await stop(r);
    }

    const help = median([0, 1, 2].map(() => timed(process.execPath, [hotline, '--help'], env).ms));
    const logKey = timed(process.execPath, [hotline, 'log', 'key'], env);
    const logKeyMs = median([
      logKey.ms,
      ...[0, 1].map(() => timed(process.execPath, [hotline, 'log', 'key'], env).ms),
    ]);
    const users = timed(process.execPath, [hotline, 'users', 'list'], env);
    const usersMs = median([
      users.ms,
      ...[0, 1].map(() => timed(process.execPath, [hotline, 'users', 'list'], env).ms),
    ]);

    const rows: [string, number, number | null][] = [
      ['baseline: node -e 0', bareNode, null],
      ['baseline: npm run build --if-stale', npmRun, null],
      ['first npm start (fresh data folder)', first.ms, 15_000],
      ['  Ctrl+C until every process ended', firstStop, null],
      ['restart (npm start)', median(restarts), 3_000],
      ['  Ctrl+C until every process ended', againStop, null],
      ['/api/docs operations drawn (first paint)', docs.firstPaint, 2_000],
      ['/api/docs Swagger UI drawn (interactive)', docs.interactive, null],
      ['hotline --help', help, 1_000],
      ['hotline log key', logKeyMs, 1_000],
      ['hotline users list (database)', usersMs, 3_000],
    ];
    console.log(`\nStart-up bench (${dataDir}), figures are medians of 3 where repeated:`);
    for (const [what, ms, target] of rows) {
      const ratio = `${(ms / bareNode).toFixed(1)}× node`;
      const t = target === null ? '' : `  target < ${fmt(target)} ${ms < target ? 'ok' : 'MISSED'}`;
      console.log(`  ${what.padEnd(40)} ${fmt(ms).padStart(8)}  ${ratio.padStart(10)}${t}`);
    }
    console.log(`  (the three restarts: ${restarts.map(fmt).join(', ')})`);
    const users40 = users.out.trim().split('\n').length - 1;
    console.log(`  (users list printed ${users40} people; log key: ${logKey.out.trim()})`);
    console.log(
      `  load average (1 min): ${loadBefore.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end${
        loadBefore > 1 || loadavg()[0]! > 1 ? ' (a busy machine: the figures are inflated)' : ''
      }`,
    );
    console.log(`\nFirst start, step by step:\n${first.steps}\nRestart, step by step:\n${again.steps}`);
  } catch (err) {
    console.error('startup bench failed:', err);
    process.exitCode = 1;
  } finally {
    for (const pid of started) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  }
}

await main();
