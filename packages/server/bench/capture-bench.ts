/**
 * Personal-account import throughput and memory. Figures are printed, never asserted.
 * - an mbox of N messages (every 4th with an attachment) into PGlite and into PostgreSQL,
 *   beside bare mailparser parsing of the same file in the same run;
 * - 50,000 tweets from an X archive;
 * - memory for a small and a 4× larger mbox (should stay flat: imports stream): live heap growth
 *   while parsing, and the peak RSS of a whole import into PGlite, each in a fresh process.
 * Env: BENCH_MESSAGES (default 10000), BENCH_TWEETS (default 50000), BENCH_PG_URL.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@hotline/common';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { CaptureService } from '../src/capture/capture-service.js';
import { parseMbox } from '../src/capture/importers/mbox.js';
import { type DatabaseHandle, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { ArchiveCipher, type ArchiveKeyring } from '../src/records/archive-key.js';
import { generateX25519, X25519ArchiveKey } from '../src/records/archive-key-x25519.js';
import { RecordsService } from '../src/records/records-service.js';

const N = Number(process.env.BENCH_MESSAGES ?? 10_000);
const TWEETS = Number(process.env.BENCH_TWEETS ?? 50_000);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@localhost:5432/test';
const dir = mkdtempSync(join(tmpdir(), 'hotline-capture-bench-'));
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

async function makeMbox(path: string, n: number) {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const node = new MailComposer({
      from: 'leader.private@personal.example.com',
      to: `person${i % 97}@personal.example.com`,
      subject: `Message ${i}`,
      date: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
      messageId: `<bench${i}@personal.example.com>`,
      text: `Body of message ${i}. `.repeat(8),
      ...(i % 4 === 0
        ? { attachments: [{ filename: `a${i}.pdf`, content: Buffer.alloc(4096, i % 251) }] }
        : {}),
    }).compile();
    const raw: Buffer = await new Promise((res, rej) => node.build((e, b) => (e ? rej(e) : res(b))));
    parts.push(
      `From leader Thu Jan  1 00:00:00 2026\n${raw
        .toString()
        .replace(/\r\n/g, '\n')
        .replace(/^(>*From )/gm, '>$1')}\n`,
    );
  }
  writeFileSync(path, parts.join('\n'));
}

async function withDb(
  h: DatabaseHandle,
  keyring: ArchiveKeyring = new ArchiveCipher(ArchiveCipher.generateKey()),
) {
  await migrateToLatest(h.db);
  await h.db
    .insertInto('offices')
    .values({
      id: '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a',
      slug: 'bench',
      name: 'Bench',
      country: 'US',
      leader_title: 'P',
      leader_name: 'P',
      time_zone: 'America/New_York',
    })
    .execute();
  await h.db
    .insertInto('users')
    .values({
      id: '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6b',
      office_id: '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a',
      email: 'leader@bench.example.gov',
      display_name: 'Leader',
      title: 'P',
      time_zone: 'America/New_York',
      roles: ['principal'],
      status: 'active',
      demo_persona: false,
    })
    .execute();
  const clock = new ManualClock();
  return new CaptureService(h.db, new RecordsService(clock, keyring, { maxPending: 10_000_000 }), clock);
}

// Child mode: import one mbox into a fresh PGlite and report this process's peak RSS.
if (process.env.BENCH_CHILD_IMPORT) {
  const h = await openDatabase({ pgliteDir: join(dir, 'db') });
  const svc = await withDb(h);
  const r = await svc.importFile(null, 'mbox', process.env.BENCH_CHILD_IMPORT, {
    identifier: 'leader.private@personal.example.com',
    ownerEmail: 'leader@bench.example.gov',
  });
  await h.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ added: r.added, maxRssKb: process.resourceUsage().maxRSS }));
  process.exit(0);
}

const mboxPath = join(dir, 'big.mbox');
let t0 = performance.now();
await makeMbox(mboxPath, N);
console.log(
  `\nPersonal-account import (${fmt(N)} messages, ${(statSync(mboxPath).size / 1e6).toFixed(1)} MB mbox; generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
);

t0 = performance.now();
let parsed = 0;
for await (const _ of parseMbox(mboxPath)) parsed++;
const ourParse = parsed / ((performance.now() - t0) / 1000);
t0 = performance.now();
// Bare mailparser over the same messages (split by the same streaming reader's offsets would add our code; split naively instead).
const { readFileSync } = await import('node:fs');
const messages = readFileSync(mboxPath, 'latin1').split(/\n\nFrom leader [^\n]*\n/);
for (const m of messages) await simpleParser(Buffer.from(m.replace(/^From leader [^\n]*\n/, ''), 'latin1'));
const bare = messages.length / ((performance.now() - t0) / 1000);
console.log(`bare mailparser simpleParser:          ${fmt(bare)} messages/s`);
console.log(
  `our streaming mbox parser (mailparser): ${fmt(ourParse)} messages/s (on parser threads; ${availableParallelism()} cores)`,
);

const pgSchema = `capbench_${Date.now()}`;
const rates: Record<string, number> = {};
for (const [name, open] of [
  ['PGlite', () => openDatabase({ pgliteDir: join(dir, 'db') })],
  ['PostgreSQL', () => openDatabase({ url: PG_URL, schema: pgSchema, poolSize: 2 })],
] as const) {
  let h: DatabaseHandle;
  try {
    h = await open();
  } catch (err) {
    console.log(`${name}: skipped (${(err as Error).message})`);
    continue;
  }
  const svc = await withDb(h);
  t0 = performance.now();
  const r = await svc.importFile(null, 'mbox', mboxPath, {
    identifier: 'leader.private@personal.example.com',
    ownerEmail: 'leader@bench.example.gov',
  });
  const s = (performance.now() - t0) / 1000;
  rates[name] = r.added / s;
  console.log(
    `${name.padEnd(11)} end-to-end import: ${fmt(r.added / s)} messages/s (${fmt(r.added)} + ${fmt(r.attachments)} attachments in ${s.toFixed(1)} s; ratio to bare parsing ${(r.added / s / bare).toFixed(2)}; target ≥ 2,000/s)`,
  );
  const arch = join(dir, `x-${name}`);
  mkdirSync(join(arch, 'data'), { recursive: true });
  const tweets = Array.from({ length: TWEETS }, (_, i) => ({
    tweet: {
      id_str: String(1_700_000_000_000_000_000n + BigInt(i)),
      created_at: new Date(Date.UTC(2025, 0, 1) + i * 600_000).toUTCString(),
      full_text: `Tweet ${i}`,
      source: i % 3 ? 'Twitter for iPhone' : 'Twitter for Android',
    },
  }));
  writeFileSync(join(arch, 'data', 'tweets.js'), `window.YTD.tweets.part0 = ${JSON.stringify(tweets)}`);
  t0 = performance.now();
  const x = await svc.importFile(null, 'x', arch, {
    identifier: '@leader',
    ownerEmail: 'leader@bench.example.gov',
  });
  console.log(
    `${name.padEnd(11)} X archive import:  ${fmt(x.added / ((performance.now() - t0) / 1000))} tweets/s (${fmt(x.added)} tweets)`,
  );
  if (name === 'PostgreSQL') await h.db.schema.dropSchema(pgSchema).ifExists().cascade().execute();
  await h.close();
}

// Sealing to the archive's public key (a split server: X25519 public key only, HPKE wrapping
// one data key per transaction's batch) against the symmetric archive key measured above.
for (const [name, open] of [
  ['PGlite', () => openDatabase({ pgliteDir: join(dir, 'db-x25519') })],
  ['PostgreSQL', () => openDatabase({ url: PG_URL, schema: `${pgSchema}_x`, poolSize: 2 })],
] as const) {
  if (!rates[name]) continue;
  const h = await open();
  const svc = await withDb(h, X25519ArchiveKey.fromPublic(generateX25519().publicKey));
  t0 = performance.now();
  const r = await svc.importFile(null, 'mbox', mboxPath, {
    identifier: 'leader.private@personal.example.com',
    ownerEmail: 'leader@bench.example.gov',
  });
  const rate = r.added / ((performance.now() - t0) / 1000);
  console.log(
    `${name.padEnd(11)} end-to-end import sealing to the archive public key (split server): ${fmt(rate)} messages/s (ratio to the symmetric key above ${(rate / rates[name]!).toFixed(2)})`,
  );
  if (name === 'PostgreSQL') await h.db.schema.dropSchema(`${pgSchema}_x`).ifExists().cascade().execute();
  await h.close();
}

// Memory: parse a 1× and a 4× mbox; sample the live heap after a forced GC every 250 messages.
// Streaming keeps it flat: the peak does not grow with the file. (Run with --expose-gc.)
const gc = (globalThis as { gc?: () => void }).gc;
for (const mult of [1, 4]) {
  const p = join(dir, `mem${mult}.mbox`);
  await makeMbox(p, Math.max(500, Math.floor(N / 4)) * mult);
  gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  let n = 0;
  for await (const _ of parseMbox(p)) {
    if (++n % 250 === 0) {
      gc?.();
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
  }
  console.log(
    `live main-thread heap growth parsing a ${(statSync(p).size / 1e6).toFixed(1)} MB mbox: peak ${(peak / 1e6).toFixed(1)} MB${gc ? '' : ' (no --expose-gc: figures include garbage)'}`,
  );
  // The whole import (parser threads, PGlite, batches) in a fresh process: its peak RSS.
  const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!], {
    env: { ...process.env, BENCH_CHILD_IMPORT: p },
    encoding: 'utf8',
  });
  const child = JSON.parse(out.trim().split('\n').at(-1)!) as { added: number; maxRssKb: number };
  console.log(
    `peak RSS importing a ${(statSync(p).size / 1e6).toFixed(1)} MB mbox (${fmt(child.added)} messages) into PGlite: ${(child.maxRssKb / 1024).toFixed(0)} MB`,
  );
}
rmSync(dir, { recursive: true, force: true });
