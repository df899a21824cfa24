/**
 * Records-log throughput into PostgreSQL and PGlite, and the time from an acknowledged append to
 * a signed checkpoint that covers it, with the integrator running as in the server.
 * Figures are printed beside bare SHA-256 leaf hashing measured in the same run.
 * Also printed: CPU time per record of this Node process and, when PostgreSQL runs on this
 * machine (Linux), of all its processes. The two share the cores, and on a shared machine these
 * are steadier than the rate. Other work on the same PostgreSQL server counts in its figure.
 * Env: BENCH_PG_URL (default postgres://postgres@localhost:5432/test), BENCH_SECONDS (default 10),
 * BENCH_WRITERS (4), BENCH_BATCH (1,000 records per transaction).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@hotline/common';
import { generateSignerKey, parseSignerKey } from '@hotline/ledger';
import { type DatabaseHandle, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { ArchiveCipher } from '../src/records/archive-key.js';
import { LogService } from '../src/records/log-service.js';
import { nodeHasher } from '../src/records/node-hash.js';
import { RecordsService } from '../src/records/records-service.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@localhost:5432/test';
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 4);

function fmt(n: number) {
  return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
}
function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : Number.NaN;
}

/** CPU seconds used so far by every local process named postgres (Linux /proc), or NaN. */
function postgresCpuSeconds(): number {
  try {
    let t = 0;
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const st = readFileSync(`/proc/${d}/stat`, 'utf8');
        if (!st.slice(st.indexOf('(') + 1, st.lastIndexOf(')')).startsWith('postgres')) continue;
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        t += (Number(f[11]) + Number(f[12])) / 100;
      } catch {
        // the process ended
      }
    }
    return t;
  } catch {
    return Number.NaN;
  }
}

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
  } catch {
    return '?';
  }
}

function bareHashRate(): number {
  const e = new TextEncoder().encode(
    JSON.stringify({
      v: 1,
      kind: 'bench.append',
      id: '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a',
      at: new Date().toISOString(),
      office: null,
      actor: null,
      subject: null,
      digest: 'ab'.repeat(32),
    }),
  );
  const n = 500_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) nodeHasher.leaf(e);
  return n / ((performance.now() - t0) / 1000);
}

async function run(name: string, h: DatabaseHandle, writers: number) {
  await migrateToLatest(h.db);
  const clock = { now: () => new Date() };
  const records = new RecordsService(clock, new ArchiveCipher(ArchiveCipher.generateKey()), {
    maxPending: 5_000_000,
  });
  const key = generateSignerKey('bench.hotline/records');
  const log = new LogService(
    h.db,
    { origin: 'bench.hotline/records', signer: parseSignerKey(key.signer), idleMs: 20 },
    clock,
    silentLogger(),
  );
  const ac = new AbortController();
  const integrating = log.run(ac.signal);
  const pending: { seq: number; t: number }[] = [];
  const latencies: number[] = [];
  let appended = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const poller = (async () => {
    while (!ac.signal.aborted) {
      const cp = await log.latestCheckpoint();
      const now = performance.now();
      while (pending.length && cp && pending[0]!.seq < cp.size) latencies.push(now - pending.shift()!.t);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const cpu0 = process.cpuUsage();
  const pg0 = postgresCpuSeconds();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let i = 0;
      while (performance.now() < deadline) {
        const batch = Array.from({ length: BATCH }, () => ({
          kind: 'bench.append',
          content: { w, i: i++, text: 'Readout of the call with the Prime Minister' },
        }));
        const res = await h.db.transaction().execute((tx) => records.appendMany(tx, batch));
        appended += res.length;
        if (w === 0) pending.push({ seq: res.at(-1)!.seq, t: performance.now() });
        // Yield to the event loop between transactions, as a server does between requests.
        await new Promise((r) => setImmediate(r));
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const nodeUs = ((cpu.user + cpu.system) / appended).toFixed(1);
  const pgUs = name === 'PostgreSQL' ? (((postgresCpuSeconds() - pg0) * 1e6) / appended).toFixed(1) : '';
  while (pending.length) await new Promise((r) => setTimeout(r, 20));
  const drain = performance.now();
  await log.integrateAll();
  ac.abort();
  await integrating;
  await poller;
  const rate = appended / elapsed;
  console.log(
    `${name.padEnd(11)} ${fmt(rate)} appends/s sustained (${fmt(appended)} in ${elapsed.toFixed(1)} s, ${writers} writer(s), ${BATCH}/tx); ` +
      `append→signed checkpoint median ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms; drained in ${(performance.now() - drain).toFixed(0)} ms; ` +
      `CPU per record: Node ${nodeUs} µs${pgUs && pgUs !== 'NaN' ? `, PostgreSQL ${pgUs} µs` : ''}; load average ${loadAverage()}`,
  );
  return rate;
}

console.log(`\nRecords log in the server (${SECONDS} s per database)\n`);
const bare = bareHashRate();
console.log(`bare SHA-256 leaf hashing of a record envelope: ${fmt(bare)} /s`);

const schema = `bench_${Date.now()}`;
let pgRate = Number.NaN;
try {
  const pg = await openDatabase({ url: PG_URL, schema, poolSize: WRITERS + 2 });
  pgRate = await run('PostgreSQL', pg, WRITERS);
  await pg.db.schema.dropSchema(schema).cascade().execute();
  await pg.close();
} catch (err) {
  console.log(`PostgreSQL: skipped (${(err as Error).message})`);
}
const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-'));
const lite = await openDatabase({ pgliteDir: join(dir, 'db') });
const liteRate = await run('PGlite', lite, 1);
await lite.close();
rmSync(dir, { recursive: true, force: true });
console.log(
  `\nratios to bare hashing: PostgreSQL ${(pgRate / bare).toFixed(3)}, PGlite ${(liteRate / bare).toFixed(3)}  (target ≥ 20,000 appends/s into PostgreSQL)`,
);
