/**
 * Fan-out bench (run: npm run bench -w @hotline/server, or npx tsx --expose-gc
 * packages/server/bench/fanout-bench.ts [clients] [rounds]): 1,000 WebSocket clients on
 * loopback, all in one call; one of them mutes and unmutes, and the hub broadcasts the
 * peer-state event to the other 999. Measured from the sender's send to each receipt:
 *   1. bare `ws`: a server that relays the same message to the same clients (the baseline),
 *   2. Hotline on one node (the in-memory backplane),
 *   3. Hotline on two nodes on one PostgreSQL (LISTEN/NOTIFY), clients split half and half,
 *      the sender on the first node (needs TEST_DATABASE_URL or DATABASE_URL; skipped without).
 * The servers run on the main thread, the 1,000 clients on a worker thread (loopback; the two
 * share this machine's cores). Memory: the server thread's heap and external growth per
 * connection after a GC (the bare figure is what ws itself costs).
 */

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { type ManualClock, silentLogger, systemClock } from '@hotline/common';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { WebSocket, WebSocketServer } from 'ws';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { App } from '../src/http/types.js';
import type { Backplane } from '../src/live/backplane.js';
import { PostgresBackplane } from '../src/live/backplane-postgres.js';
import { liveRoutes } from '../src/live/live-hub.js';
import { LiveRepository } from '../src/live/repository.js';
import { fakeAuthenticate, memoryCallAccess, newCall, PRINCIPAL } from '../test/live/helpers.js';

const CLIENTS = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 30);
const CONNECT_BATCH = 50;
const dbUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

const call = newCall(
  Object.fromEntries(Array.from({ length: CLIENTS }, (_, i) => [`u${i}`, PRINCIPAL])),
  new Date(Date.now() + 5 * 60_000),
);
const calls = new Map([[call.id, call]]);

function memory(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

interface Figures {
  p50: number;
  p99: number;
  allP50: number;
  allP99: number;
}

/**
 * The clients run on a worker thread of their own (their own event loop and heap), so the
 * server's loop and heap are its own: the memory figure is the server's, per connection.
 * Timing is all on the worker: client 0 sends, the others time the peer-state they get.
 */
const CLIENT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { WebSocket } = require(workerData.wsPath);
const { urls, join, callId, clients: N, rounds, batch } = workerData;
const clients = [];
function pct(sorted, p) { const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1); return sorted[Math.max(0, i)]; }
async function connect() {
  for (let i = 0; i < N; i += batch) {
    const ps = [];
    for (let n = i; n < Math.min(N, i + batch); n++) {
      ps.push(new Promise((resolve, reject) => {
        const ws = new WebSocket(urls[n % urls.length] + '?as=u' + n);
        const c = { ws, onState: null };
        ws.on('message', (data) => {
          const text = data.toString();
          if (text.includes('"peer-state"')) { if (c.onState) c.onState(performance.now()); }
          else if (text.includes('"joined"')) resolve(c);
          else if (text.includes('"error"')) reject(new Error(text));
        });
        ws.once('open', () => { if (join) ws.send(JSON.stringify({ type: 'join', callId })); else resolve(c); });
        ws.once('error', reject);
      }));
    }
    clients.push(...(await Promise.all(ps)));
  }
}
async function measure() {
  const each = [], all = [];
  const sender = clients[0];
  for (let r = 0; r < rounds + 3; r++) {
    let left = clients.length - 1;
    const samples = [];
    const t0 = performance.now();
    const done = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('round ' + r + ': ' + left + ' clients got nothing in 10 s')), 10000);
      for (const c of clients) {
        if (c === sender) continue;
        c.onState = (t) => { c.onState = null; samples.push(t - t0); if (--left === 0) { clearTimeout(timer); resolve(); } };
      }
    });
    sender.ws.send(JSON.stringify({ type: 'state', muted: r % 2 === 0, speaking: false }));
    await done;
    if (r >= 3) { each.push(...samples); all.push(Math.max(...samples)); }
    await new Promise((res) => setTimeout(res, 20));
  }
  each.sort((a, b) => a - b); all.sort((a, b) => a - b);
  return { p50: pct(each, 50), p99: pct(each, 99), allP50: pct(all, 50), allP99: pct(all, 99) };
}
parentPort.on('message', async (cmd) => {
  try {
    if (cmd === 'connect') { await connect(); parentPort.postMessage({ ok: true }); }
    else if (cmd === 'measure') parentPort.postMessage({ ok: true, figures: await measure() });
    else if (cmd === 'close') { for (const c of clients) c.ws.terminate(); parentPort.postMessage({ ok: true }); }
  } catch (err) { parentPort.postMessage({ ok: false, error: String(err && err.stack || err) }); }
});
`;

interface ClientPool {
  connect(): Promise<void>;
  measure(): Promise<Figures>;
  close(): Promise<void>;
}

function clientPool(urls: string[], join: boolean): ClientPool {
  const worker = new Worker(CLIENT_WORKER, {
    eval: true,
    workerData: {
      wsPath: createRequire(import.meta.url).resolve('ws'),
      urls,
      join,
      callId: call.id,
      clients: CLIENTS,
      rounds: ROUNDS,
      batch: CONNECT_BATCH,
    },
  });
  const ask = <T>(cmd: string) =>
    new Promise<T>((resolve, reject) => {
      worker.once('message', (m: { ok: boolean; error?: string } & T) =>
        m.ok ? resolve(m) : reject(new Error(m.error)),
      );
      worker.postMessage(cmd);
    });
  return {
    connect: () => ask<object>('connect').then(() => undefined),
    measure: () => ask<{ figures: Figures }>('measure').then((m) => m.figures),
    close: async () => {
      await ask<object>('close');
      await worker.terminate();
    },
  };
}

async function bareWs(): Promise<{ figures: Figures; perConn: number }> {
  const m0 = memory();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const port = (wss.address() as { port: number }).port;
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { muted: boolean; speaking: boolean };
      const raw = JSON.stringify({
        type: 'peer-state',
        peerId: 'p_sender',
        muted: msg.muted,
        speaking: msg.speaking,
      });
      for (const s of wss.clients) if (s !== socket && s.readyState === WebSocket.OPEN) s.send(raw);
    });
  });
  const clients = clientPool([`ws://127.0.0.1:${port}/`], false);
  await clients.connect();
  const perConn = (memory() - m0) / CLIENTS;
  const figures = await clients.measure();
  await clients.close();
  await new Promise<void>((r) => wss.close(() => r()));
  return { figures, perConn };
}

async function hotlineNode(backplane?: Backplane): Promise<{ app: App; url: string }> {
  const app: App = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await liveRoutes(app, {
    authenticate: fakeAuthenticate,
    callAccess: memoryCallAccess(calls),
    onCallEvent: async () => {},
    logger: silentLogger(),
    clock: systemClock as ManualClock,
    maxPeersPerCall: CLIENTS,
    ...(backplane ? { backplane } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  return { app, url: `ws://127.0.0.1:${port}/api/v1/live` };
}

async function oneNode(): Promise<{ figures: Figures; perConn: number }> {
  const m0 = memory();
  const node = await hotlineNode();
  const clients = clientPool([node.url], true);
  await clients.connect();
  const perConn = (memory() - m0) / CLIENTS;
  const figures = await clients.measure();
  await clients.close();
  await node.app.close();
  return { figures, perConn };
}

async function twoNodes(url: string): Promise<Figures> {
  const schema = `bench_${Math.random().toString(36).slice(2, 8)}`;
  const db = await openDatabase({ url, schema, poolSize: 10 });
  try {
    await migrateToLatest(db.db);
    const backplane = (name: string) =>
      new PostgresBackplane({
        repo: new LiveRepository(db.db),
        listen: db.listen!,
        channel: db.channel!,
        logger: silentLogger(),
        nodeId: name,
      });
    const a = await hotlineNode(backplane('bench-a'));
    const b = await hotlineNode(backplane('bench-b'));
    const clients = clientPool([a.url, b.url], true);
    await clients.connect();
    // Let the last joins' notifications settle before timing.
    await new Promise((r) => setTimeout(r, 1000));
    const figures = await clients.measure();
    await clients.close();
    await a.app.close();
    await b.app.close();
    return figures;
  } finally {
    const admin = await openDatabase({ url, poolSize: 1 });
    await db.close();
    await admin.db.schema.dropSchema(schema).ifExists().cascade().execute();
    await admin.close();
  }
}

function row(name: string, f: Figures, base: Figures): string {
  const fmt = (v: number) => `${v.toFixed(1).padStart(7)} ms`;
  return `${name.padEnd(34)} p50 ${fmt(f.p50)}  p99 ${fmt(f.p99)}  (×${(f.p99 / base.p99).toFixed(2)} bare p99)   all reached: p50 ${fmt(f.allP50)}  p99 ${fmt(f.allP99)}`;
}

const bare = await bareWs();
const one = await oneNode();
const two = dbUrl ? await twoNodes(dbUrl) : null;

console.log(
  `Fan-out of one call event to ${CLIENTS - 1} WebSocket clients (loopback, ${ROUNDS} rounds, clients on a worker thread)`,
);
console.log(row('bare ws (baseline)', bare.figures, bare.figures));
console.log(row('Hotline, one node', one.figures, bare.figures));
if (two) console.log(row('Hotline, two nodes (PostgreSQL)', two, bare.figures));
else console.log('Hotline, two nodes: skipped (set TEST_DATABASE_URL or DATABASE_URL to a PostgreSQL)');
console.log(
  `Server memory per connection (heap + external): bare ws ${(bare.perConn / 1024).toFixed(1)} KiB, Hotline ${(one.perConn / 1024).toFixed(1)} KiB (${((one.perConn - bare.perConn) / 1024).toFixed(1)} KiB more)`,
);
const targets = [
  `one node p99 ${one.figures.p99.toFixed(1)} ms < 100 ms: ${one.figures.p99 < 100 ? 'yes' : 'NO'}`,
  `one node within 2× bare: ${one.figures.p99 <= 2 * bare.figures.p99 ? 'yes' : 'NO'}`,
  ...(two
    ? [
        `two nodes p99 ${two.p99.toFixed(1)} ms < 150 ms: ${two.p99 < 150 ? 'yes' : 'NO'}`,
        `two nodes within 2× bare: ${two.p99 <= 2 * bare.figures.p99 ? 'yes' : 'NO'}`,
      ]
    : []),
];
console.log(`Targets: ${targets.join('; ')}`);
process.exit(0);
