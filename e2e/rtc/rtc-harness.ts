import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, ManualClock, MINUTE } from '@hotline/common';
import { build } from 'esbuild';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { App } from '../../packages/server/src/http/types.js';
import { type LiveHub, liveRoutes } from '../../packages/server/src/live/live-hub.js';
import type { CallEvent, LiveDeps } from '../../packages/server/src/live/types.js';
import {
  type FakeCall,
  fakeAuthenticate,
  memoryCallAccess,
} from '../../packages/server/test/live/helpers.js';
import { CHROMIUM_ARGS } from '../harness.js';

declare global {
  interface Window {
    __pcs: RTCPeerConnection[];
  }
}

const root = new URL('../..', import.meta.url).pathname;

/**
 * Chromium for WebRTC on one machine. Host candidates on this machine's own addresses
 * (loopback allowed) are enough; all media stays on this machine. No mDNS obfuscation, so
 * the candidates are plain IP addresses.
 */
export const RTC_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS,
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
];

export function launchRtcBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: RTC_CHROMIUM_ARGS });
}

/** Bundles the CallRoom test page (packages/web/src/rtc/test-harness.tsx) with esbuild. */
export async function buildRtcPage(): Promise<{ js: string; css: string; html: string }> {
  const out = mkdtempSync(join(tmpdir(), 'hotline-rtc-page-'));
  try {
    await build({
      entryPoints: { harness: join(root, 'packages/web/src/rtc/test-harness.tsx') },
      bundle: true,
      format: 'esm',
      target: 'es2022',
      jsx: 'automatic',
      outdir: out,
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'warning',
    });
    return {
      js: readFileSync(join(out, 'harness.js'), 'utf8'),
      css: readFileSync(join(out, 'harness.css'), 'utf8'),
      html: readFileSync(join(root, 'e2e/rtc-page/index.html'), 'utf8'),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export interface RtcServer {
  url: string;
  hub: LiveHub;
  events: CallEvent[];
  calls: Map<string, FakeCall>;
  clock: ManualClock;
  close(): Promise<void>;
}

/** The strict CSP of the real app: the page must work under it. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'";

/**
 * A standalone server: the live hub (in-memory CallAccess, `as` query parameter as the
 * session) and the test page. Calls start 5 minutes after the clock, so the window is open.
 */
export async function startRtcServer(opts: Partial<LiveDeps> = {}): Promise<RtcServer> {
  const page = await buildRtcPage();
  const calls = new Map<string, FakeCall>();
  const clock = new ManualClock(new Date(Date.parse('2026-03-10T14:00:00Z') - 5 * MINUTE));
  const events: CallEvent[] = [];
  const app: App = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const hub = await liveRoutes(app, {
    authenticate: fakeAuthenticate,
    callAccess: memoryCallAccess(calls),
    onCallEvent: async (ev) => {
      events.push(ev);
    },
    logger: createLogger({ level: 'warn', name: 'live-e2e' }),
    clock,
    resumeGraceMs: 20_000,
    ...opts,
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-security-policy', CSP);
    return payload;
  });
  app.get('/call', async (_req, reply) => reply.type('text/html').send(page.html));
  app.get('/rtc-page/harness.js', async (_req, reply) => reply.type('text/javascript').send(page.js));
  app.get('/rtc-page/harness.css', async (_req, reply) => reply.type('text/css').send(page.css));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}`, hub, events, calls, clock, close: () => app.close() };
}

export function callPageUrl(server: RtcServer, callId: string, as: string, name: string): string {
  const q = new URLSearchParams({ callId, as, name, autoJoin: '1' });
  return `${server.url}/call?${q}`;
}

/** Audio counters summed over every peer connection of a page, straight from getStats(). */
export interface PageAudio {
  inbound: { bytesReceived: number; packetsReceived: number; totalAudioEnergy: number }[];
  outboundBytes: number;
  outboundCount: number;
  directions: string[];
}

export function pageAudio(page: Page): Promise<PageAudio> {
  return page.evaluate(async () => {
    const out: PageAudio = { inbound: [], outboundBytes: 0, outboundCount: 0, directions: [] };
    for (const pc of window.__pcs) {
      if (pc.connectionState === 'closed') continue;
      for (const t of pc.getTransceivers()) out.directions.push(t.currentDirection ?? t.direction);
      const report = await pc.getStats();
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          out.inbound.push({
            bytesReceived: Number(s.bytesReceived ?? 0),
            packetsReceived: Number(s.packetsReceived ?? 0),
            totalAudioEnergy: Number(s.totalAudioEnergy ?? 0),
          });
        }
        if (s.type === 'outbound-rtp' && s.kind === 'audio') {
          out.outboundCount++;
          out.outboundBytes += Number(s.bytesSent ?? 0);
        }
      });
    }
    return out;
  });
}

/** Bytes received from one peer as the page's stats row shows it. */
export async function bytesFrom(page: Page, peerUserId: string): Promise<number> {
  const v = await page
    .locator(`[data-testid="participant"][data-user-id="${peerUserId}"] [data-testid="stats"]`)
    .getAttribute('data-bytes-received');
  return Number(v ?? 0);
}

/** The verification code a page shows for one peer. */
export function sasFor(page: Page, peerUserId: string): Promise<string | null> {
  return page
    .locator(`[data-testid="participant"][data-user-id="${peerUserId}"] [data-testid="sas-code"]`)
    .getAttribute('data-code');
}

/** Waits until the page shows a working media connection to each of these users. */
export async function connectedTo(page: Page, userIds: string[], timeout = 30_000): Promise<void> {
  for (const u of userIds) {
    await page
      .locator(`[data-testid="participant"][data-user-id="${u}"][data-connection="connected"]`)
      .waitFor({ timeout });
  }
}

/** Bytes received from one peer before and after `ms`: audio is flowing when the second is larger. */
export async function rising(page: Page, from: string, ms = 1500): Promise<[number, number]> {
  const before = await bytesFrom(page, from);
  await sleep(ms);
  return [before, await bytesFrom(page, from)];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
