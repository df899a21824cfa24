/**
 * WebRTC bench (run: npx tsx packages/server/bench/rtc-bench.ts [runs]):
 * 1. time from "join" (the call page starts joining) to the first received audio packet
 *    (inbound-rtp packetsReceived > 0), median and p95 over 20 runs, two principals;
 * 2. CPU per participant in a 6-way mesh: Chromium's process tree CPU time from /proc over
 *    10 s, divided by 6.
 * Everything stays on this machine (host candidates on its own addresses).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { Page } from 'playwright-core';
import { callPageUrl, launchRtcBrowser, sleep, startRtcServer } from '../../../e2e/rtc/rtc-harness.js';
import { newCall, PRINCIPAL } from '../test/live/helpers.js';

declare global {
  interface Window {
    __joinStartedAt: number;
  }
}

const RUNS = Number(process.argv[2] ?? 20);
const START = new Date('2026-03-10T14:00:00Z');
const CLK_TCK = 100;

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

/** utime + stime (clock ticks) of the descendants of a process (here: Chromium, launched by us). */
function treeTicks(rootPid: number): Map<number, number> {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const raw = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(d), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // the process ended while we read
    }
  }
  const out = new Map<number, number>();
  const todo = [rootPid];
  while (todo.length) {
    const pid = todo.pop()!;
    if (pid !== rootPid) out.set(pid, stats.get(pid)?.ticks ?? 0);
    for (const [child, s] of stats) if (s.ppid === pid) todo.push(child);
  }
  return out;
}

/** CPU ticks spent between two snapshots (processes that started in between count from 0). */
function ticksBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, t] of after) total += t - (before.get(pid) ?? 0);
  return total;
}

async function firstPacketMs(page: Page): Promise<number> {
  return page.evaluate(async () => {
    for (;;) {
      for (const pc of window.__pcs) {
        const report = await pc.getStats();
        let got = false;
        report.forEach((s: Record<string, unknown>) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio' && Number(s.packetsReceived ?? 0) > 0)
            got = true;
        });
        if (got) return performance.now() - window.__joinStartedAt;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  });
}

async function main(): Promise<void> {
  const server = await startRtcServer({ resumeGraceMs: 1000 });
  const browser = await launchRtcBrowser();
  const t0 = Date.now();
  try {
    // 1. join -> first audio packet
    const host = await (await browser.newContext()).newPage();
    const guest = await (await browser.newContext()).newPage();
    const times: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const call = newCall({ alice: PRINCIPAL, bob: PRINCIPAL }, START);
      server.calls.set(call.id, call);
      await host.goto(callPageUrl(server, call.id, 'alice', 'Alice'));
      await host.locator('[data-testid="participant-self"]').waitFor();
      await guest.goto(callPageUrl(server, call.id, 'bob', 'Bob'));
      const ms = await firstPacketMs(guest);
      if (i > 0) times.push(ms); // the first run warms up the browser
    }
    times.sort((a, b) => a - b);
    console.log(`join -> first audio packet over ${times.length} runs (two principals, one machine):`);
    console.log(
      `  median ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms, ` +
        `min ${times[0]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms`,
    );
    await host.context().close();
    await guest.context().close();

    // 2. CPU in a 6-way mesh
    const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
    const mesh = newCall(Object.fromEntries(users.map((u) => [u, PRINCIPAL])), START);
    server.calls.set(mesh.id, mesh);
    const pid = process.pid;
    const idleBefore = treeTicks(pid);
    await sleep(3000);
    const idleTicks = ticksBetween(idleBefore, treeTicks(pid));
    const pages: Page[] = [];
    for (const u of users) {
      const page = await (await browser.newContext()).newPage();
      await page.goto(callPageUrl(server, mesh.id, u, u));
      pages.push(page);
    }
    for (const page of pages) {
      await page.waitForFunction(
        () =>
          document.querySelectorAll('[data-testid="participant"][data-connection="connected"]').length === 5,
        undefined,
        { timeout: 30_000 },
      );
    }
    await sleep(3000);
    const seconds = 10;
    const before = treeTicks(pid);
    await sleep(seconds * 1000);
    const ticks = ticksBetween(before, treeTicks(pid));
    const cpuPct = (ticks / CLK_TCK / seconds) * 100;
    console.log(`6-way mesh (30 peer connections, Opus both ways), ${seconds} s on ${cpus().length} cores:`);
    console.log(
      `  Chromium total ${cpuPct.toFixed(0)} % of one core, ${(cpuPct / users.length).toFixed(1)} % per participant ` +
        `(browser idle before joining: ${((idleTicks / CLK_TCK / 3) * 100).toFixed(1)} %)`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`bench took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

await main();
