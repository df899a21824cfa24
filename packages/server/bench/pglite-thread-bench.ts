/**
 * What a query costs on the database thread (pglite-thread.ts, used by `serve`) against PGlite on
 * the main thread (run: npx tsx packages/server/bench/pglite-thread-bench.ts). Both in memory,
 * measured in the same run: N small selects one after another (latency), N at once (throughput,
 * PGlite runs them one at a time either way), and a transaction of inserts with a 4 KB bytea each.
 */
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../src/db/database.js';
import { PGliteThread } from '../src/db/pglite-thread.js';

const N = Number(process.env.N ?? 10_000);

async function run(h: DatabaseHandle): Promise<Record<string, number>> {
  const db = h.db;
  await sql`create table t (id int primary key, b bytea)`.execute(db);
  for (let i = 0; i < 500; i++) await sql`select 1 as x`.execute(db); // warm up
  let t0 = performance.now();
  for (let i = 0; i < N; i++) await sql`select ${i}::int as x`.execute(db);
  const sequential = (performance.now() - t0) / N;
  t0 = performance.now();
  await Promise.all(Array.from({ length: N }, (_, i) => sql`select ${i}::int as x`.execute(db)));
  const concurrent = (performance.now() - t0) / N;
  const blob = Buffer.alloc(4096, 7);
  t0 = performance.now();
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < 1000; i++) await sql`insert into t values (${i}, ${blob})`.execute(tx);
  });
  const inserts = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const rows = await sql<{ b: Uint8Array }>`select b from t`.execute(db);
  const read4mb = performance.now() - t0;
  if (rows.rows.length !== 1000 || rows.rows[0]!.b.length !== 4096) throw new Error('wrong rows');
  return { sequential, concurrent, inserts, read4mb };
}

const load = loadavg()[0]!;
const inProcess = await openDatabase({});
const a = await run(inProcess);
await inProcess.close();
const threaded = await openDatabase({ thread: PGliteThread.start() });
const b = await run(threaded);
await threaded.close();

const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
console.log(`PGlite in memory, ${N} queries; load average ${load.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`);
console.log('                                   main thread   database thread   extra');
for (const [what, k, f] of [
  ['select, one after another', 'sequential', us],
  ['select, all at once (per query)', 'concurrent', us],
  ['insert 4 KB bytea in a transaction', 'inserts', us],
  ['read 1000 rows of 4 KB (whole query)', 'read4mb', (ms: number) => `${ms.toFixed(1)} ms`],
] as const) {
  const x = a[k]!;
  const y = b[k]!;
  console.log(
    `  ${what.padEnd(36)} ${f(x).padStart(9)}   ${f(y).padStart(13)}   ${f(y - x).padStart(9)} (${(y / x).toFixed(2)}×)`,
  );
}
