/**
 * Transfer to the national archive: throughput and memory. Figures are printed, never asserted.
 * 100,000 captured items (posts from an X archive) are imported (PGlite, or PostgreSQL when
 * BENCH_DATABASE_URL is set: a schema of its own, dropped at the end); then, each in a fresh
 * process, a transfer of a quarter of them (the baseline) and of all of them, as BagIt bags of
 * BENCH_TRANSFER_BAG_MB (default 16) MB with a proof per record. Printed for each: items/s, the
 * bag count, the peak live heap (sampled after a forced GC every 500 items), payload MB/s and
 * the peak RSS, and the rate of its first and its last quarter of items; then the ratios of the
 * large transfer to the baseline. A streaming transfer keeps memory flat (ratio ≈ 1) while the
 * item count grows 4×, and its rate does not fall as it goes (last quarter ≈ first quarter, and
 * large ≈ baseline). Env: BENCH_TRANSFER_ITEMS (default 100000), BENCH_KEEP=1 keeps the folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@hotline/common';
import { generateSignerKey, parseSignerKey } from '@hotline/ledger';
import { sql } from 'kysely';
import { envToConfig } from '../src/config/config.js';
import { AppContext } from '../src/context.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { ArchiveCipher } from '../src/records/archive-key.js';

const N = Number(process.env.BENCH_TRANSFER_ITEMS ?? 100_000);
const OFFICE = '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a';
const OFFICER = '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6c';
const START = Date.UTC(2025, 0, 1);
const STEP = 600_000;
const BAG_BYTES = Number(process.env.BENCH_TRANSFER_BAG_MB ?? 16) * 1e6;
const PG_URL = process.env.BENCH_DATABASE_URL;
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

async function open(dir: string) {
  const keys = JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')) as { archive: string; log: string };
  const cfg = envToConfig({ dataDir: dir, demo: '0', logLevel: 'silent' });
  const db = await openDatabase(
    PG_URL ? { url: PG_URL, schema: process.env.BENCH_SCHEMA! } : { pgliteDir: join(dir, 'db') },
  );
  const ctx = await AppContext.fromConfig(cfg, {
    db,
    logger: silentLogger(),
    cipher: new ArchiveCipher(Buffer.from(keys.archive, 'base64')),
    logSigner: parseSignerKey(keys.log),
    sessionSecret: 'bench-session-secret-bench-session-secret',
  });
  // A context given its database leaves closing it to the caller.
  ctx.onDispose(() => db.close());
  return ctx;
}

// Child mode: one transfer of the first BENCH_CHILD_TRANSFER items, in a fresh process.
if (process.env.BENCH_CHILD_TRANSFER) {
  const dir = process.env.BENCH_DIR!;
  const n = Number(process.env.BENCH_CHILD_TRANSFER);
  const ctx = await open(dir);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  const actor = {
    userId: OFFICER,
    officeId: OFFICE,
    roles: ['records' as const],
    displayName: 'Records Officer',
  };
  const t0 = performance.now();
  // When the first and the last quarter of the items began and ended (the rate as it goes).
  const marks: number[] = [];
  const r = await ctx.transfer.transfer(actor, {
    to: join(dir, `out-${n}`),
    search: { to: new Date(START + (n - 1) * STEP).toISOString() },
    maxBagBytes: BAG_BYTES,
    onProgress: (p) => {
      if (p.done === 1 || p.done === Math.floor(p.total / 4) || p.done === Math.ceil((3 * p.total) / 4))
        marks.push(performance.now());
      if (p.done === p.total) marks.push(performance.now());
      if (p.done % 500 === 0) {
        gc?.();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
    },
  });
  const s = (performance.now() - t0) / 1000;
  await ctx.close();
  console.log(
    JSON.stringify({
      items: r.items,
      bags: r.bags.length,
      bytes: r.bags.reduce((n, b) => n + b.octets, 0),
      s,
      firstQuarter: (Math.floor(r.items / 4) - 1) / ((marks[1]! - marks[0]!) / 1000),
      lastQuarter: (r.items - Math.ceil((3 * r.items) / 4)) / ((marks[3]! - marks[2]!) / 1000),
      peakHeap: peak,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'hotline-transfer-bench-'));
process.env.BENCH_SCHEMA = `bench_transfer_${process.pid}`;
try {
  writeFileSync(
    join(dir, 'keys.json'),
    JSON.stringify({
      archive: Buffer.from(ArchiveCipher.generateKey()).toString('base64'),
      log: generateSignerKey('bench.hotline.example/log').signer,
    }),
  );
  const ctx = await open(dir);
  await migrateToLatest(ctx.db);
  await ctx.db
    .insertInto('offices')
    .values({
      id: OFFICE,
      slug: 'bench',
      name: 'Bench Office',
      country: 'US',
      leader_title: 'P',
      leader_name: 'P',
      time_zone: 'America/New_York',
    })
    .execute();
  for (const [id, email, roles] of [
    ['0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6b', 'leader@bench.example.gov', ['principal']],
    [OFFICER, 'records@bench.example.gov', ['records']],
  ] as const)
    await ctx.db
      .insertInto('users')
      .values({
        id,
        office_id: OFFICE,
        email,
        display_name: email,
        title: 'T',
        time_zone: 'America/New_York',
        roles: [...roles],
        status: 'active',
        demo_persona: false,
      })
      .execute();
  const arch = join(dir, 'x');
  mkdirSync(join(arch, 'data'), { recursive: true });
  const tweets = Array.from({ length: N }, (_, i) => ({
    tweet: {
      id_str: String(1_700_000_000_000_000_000n + BigInt(i)),
      created_at: new Date(START + i * STEP).toUTCString(),
      full_text: `Post ${i}: a statement on the summit, trade and the alliance.`,
      source: 'Twitter for iPhone',
    },
  }));
  writeFileSync(join(arch, 'data', 'tweets.js'), `window.YTD.tweets.part0 = ${JSON.stringify(tweets)}`);
  let t0 = performance.now();
  const x = await ctx.capture.importFile(null, 'x', arch, {
    identifier: '@leader',
    ownerEmail: 'leader@bench.example.gov',
  });
  console.log(
    `\nTransfer bench (${PG_URL ? 'PostgreSQL' : 'PGlite'}, bags of ${BAG_BYTES / 1e6} MB): ${fmt(x.added)} captured posts imported in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  t0 = performance.now();
  await ctx.log.integrateAll();
  console.log(`records log integrated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await ctx.close();

  const runs: {
    n: number;
    items: number;
    bags: number;
    bytes: number;
    s: number;
    firstQuarter: number;
    lastQuarter: number;
    peakHeap: number;
    maxRssKb: number;
  }[] = [];
  for (const n of [Math.floor(N / 4), N]) {
    const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!], {
      env: { ...process.env, BENCH_CHILD_TRANSFER: String(n), BENCH_DIR: dir },
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    const r = JSON.parse(out.trim().split('\n').at(-1)!);
    runs.push({ n, ...r });
    console.log(
      `transfer of ${fmt(r.items)} items: ${fmt(r.items / r.s)} items/s (first quarter ${fmt(r.firstQuarter)}, last quarter ${fmt(r.lastQuarter)}), ${(r.bytes / r.s / 1e6).toFixed(2)} MB/s of payload (${(r.bytes / 1e6).toFixed(1)} MB in ${r.s.toFixed(1)} s, ${r.bags} bag(s)); load ${os.loadavg()[0]!.toFixed(1)}; peak live heap ${(r.peakHeap / 1e6).toFixed(1)} MB; peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MB`,
    );
    rmSync(join(dir, `out-${n}`), { recursive: true, force: true });
  }
  const [small, large] = runs as [(typeof runs)[0], (typeof runs)[0]];
  console.log(
    `ratios, ${fmt(large.items)} items to the ${fmt(small.items)}-item baseline: items ${(large.items / small.items).toFixed(1)}×, ` +
      `peak live heap ${(large.peakHeap / Math.max(1, small.peakHeap)).toFixed(2)}×, peak RSS ${(large.maxRssKb / small.maxRssKb).toFixed(2)}× ` +
      `(flat memory: ≈1), throughput ${(large.items / large.s / (small.items / small.s)).toFixed(2)}×, ` +
      `last to first quarter of the large transfer ${(large.lastQuarter / large.firstQuarter).toFixed(2)}× (flat rate: ≈1)`,
  );
} finally {
  if (PG_URL && !process.env.BENCH_KEEP) {
    const h = await openDatabase({ url: PG_URL });
    await sql`drop schema if exists ${sql.id(process.env.BENCH_SCHEMA!)} cascade`.execute(h.db);
    await h.close();
  }
  if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
