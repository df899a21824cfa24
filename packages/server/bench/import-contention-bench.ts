/**
 * Imports block nobody: the latency of other writers while a big import runs.
 * A demo-seeded server context on PostgreSQL (BENCH_PG_URL, default the local
 * postgres://postgres@localhost:5432/test) and on PGlite. Two writers run back to back, each
 * in a loop: sign-ins (the session write path: a session row and its record) and call steps
 * (a call-log entry and its record). Their p50/p99 are measured for BENCH_BASELINE_SECONDS with
 * nothing else running, then while a phone backup of BENCH_TEXTS (default 60,000) texts is
 * imported, and printed side by side with the import's own time. Figures are printed, never
 * asserted; the target is p99 < 300 ms during the import.
 * Env: BENCH_TEXTS, BENCH_BASELINE_SECONDS (default 8), BENCH_SKIP_PGLITE=1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { silentLogger, systemClock } from '@hotline/common';
import { generateSignerKey, parseSignerKey } from '@hotline/ledger';
import { envToConfig } from '../src/config/config.js';
import { AppContext } from '../src/context.js';
import { type DatabaseHandle, openDatabase } from '../src/db/database.js';
import { ArchiveCipher } from '../src/records/archive-key.js';

const TEXTS = Number(process.env.BENCH_TEXTS ?? 60_000);
const BASELINE_S = Number(process.env.BENCH_BASELINE_SECONDS ?? 8);
const PG_URL =
  process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@localhost:5432/test';
const dir = mkdtempSync(join(tmpdir(), 'hotline-contention-bench-'));

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : Number.NaN;
}
const load = () => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
  } catch {
    return '?';
  }
};
const ms = (x: number) => `${x.toFixed(0).padStart(5)} ms`;

function phoneBackup(path: string, n: number) {
  const lines = [`<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>`, `<smses count="${n}">`];
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < n; i++)
    lines.push(
      `<sms protocol="0" address="+1202555${String(1000 + (i % 8000)).padStart(4, '0')}" date="${t0 + i * 60_000}" type="${1 + (i % 2)}" body="Text number ${i}: see you at the usual place, bring the papers" read="1" status="-1" contact_name="Friend ${i % 50}" />`,
    );
  lines.push('</smses>');
  writeFileSync(path, lines.join('\n'));
}

async function context(name: string, h: DatabaseHandle) {
  const dataDir = mkdtempSync(join(dir, `${name}-`));
  const cfg = envToConfig({ dataDir, demo: '1', logLevel: 'silent' });
  const ctx = await AppContext.fromConfig(cfg, {
    db: h,
    clock: systemClock,
    logger: silentLogger(),
    cipher: new ArchiveCipher(ArchiveCipher.generateKey()),
    logSigner: parseSignerKey(generateSignerKey(cfg.logOrigin).signer),
  });
  await ctx.prepare();
  ctx.startBackground(); // the integrator, as in the server
  return ctx;
}

/** Two writers in loops until `until` resolves (or `seconds` pass): their latencies. */
async function writers(ctx: AppContext, stop: () => boolean) {
  const personas = await ctx.db
    .selectFrom('users')
    .select(['id', 'office_id'])
    .where('demo_persona', '=', true)
    .where('status', '=', 'active')
    .execute();
  const call = await ctx.db.selectFrom('calls').select(['id']).executeTakeFirstOrThrow();
  const signIns: number[] = [];
  const steps: number[] = [];
  const signInLoop = async () => {
    for (let i = 0; !stop(); i++) {
      const t = performance.now();
      await ctx.auth.demoSignIn(personas[i % personas.length]!.id);
      signIns.push(performance.now() - t);
    }
  };
  const stepLoop = async () => {
    for (let i = 0; !stop(); i++) {
      const t = performance.now();
      await ctx.calls.callLog.logEntry(call.id, i % 2 ? 'muted' : 'unmuted', personas[0]!.id, { bench: i });
      steps.push(performance.now() - t);
    }
  };
  await Promise.all([signInLoop(), stepLoop()]);
  return { signIns, steps };
}

const file = join(dir, 'texts.xml');
phoneBackup(file, TEXTS);
console.log(
  `import-contention: ${TEXTS.toLocaleString('en-US')} texts; target p99 < 300 ms during the import`,
);
const pgSchema = `contbench_${Date.now()}`;
const backends: [string, () => Promise<DatabaseHandle>][] = [
  ['PostgreSQL', () => openDatabase({ url: PG_URL, schema: pgSchema, poolSize: 8 })],
];
if (process.env.BENCH_SKIP_PGLITE !== '1')
  backends.push(['PGlite', () => openDatabase({ pgliteDir: join(dir, 'pglite') })]);
for (const [name, open] of backends) {
  let h: DatabaseHandle;
  try {
    h = await open();
  } catch (err) {
    console.log(`${name}: skipped (${(err as Error).message})`);
    continue;
  }
  const ctx = await context(name, h);
  const potus = await ctx.db
    .selectFrom('users')
    .select('email')
    .where('demo_persona', '=', true)
    .executeTakeFirstOrThrow();

  const end = performance.now() + BASELINE_S * 1000;
  const idle = await writers(ctx, () => performance.now() > end);

  let importing = true;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();
  const imported = ctx.capture
    .importFile(null, 'phone', file, { identifier: '+12025550999', ownerEmail: potus.email })
    .finally(() => {
      importing = false;
    });
  const busy = await writers(ctx, () => !importing);
  const r = await imported;
  const importS = (performance.now() - t0) / 1000;
  loop.disable();

  const row = (label: string, xs: number[]) =>
    `  ${label.padEnd(38)} n=${String(xs.length).padStart(5)}  p50 ${ms(pct(xs, 50))}  p99 ${ms(pct(xs, 99))}  max ${ms(pct(xs, 100))}`;
  console.log(
    `${name}: import of ${r.added.toLocaleString('en-US')} texts took ${importS.toFixed(1)} s (load average ${load()}; this process's event loop: p99 delay ${(loop.percentile(99) / 1e6).toFixed(0)} ms, max ${(loop.max / 1e6).toFixed(0)} ms)`,
  );
  console.log(row('sign-ins, no import running', idle.signIns));
  console.log(row('sign-ins, during the import', busy.signIns));
  console.log(row('call steps, no import running', idle.steps));
  console.log(row('call steps, during the import', busy.steps));
  const worst = Math.max(pct(busy.signIns, 99), pct(busy.steps, 99));
  console.log(
    `  p99 during the import / p99 idle: sign-ins ${(pct(busy.signIns, 99) / pct(idle.signIns, 99)).toFixed(1)}x, call steps ${(pct(busy.steps, 99) / pct(idle.steps, 99)).toFixed(1)}x; worst p99 ${worst.toFixed(0)} ms (${worst < 300 ? 'meets' : 'MISSES'} the 300 ms target)`,
  );
  await ctx.close();
  if (name === 'PostgreSQL') await h.db.schema.dropSchema(pgSchema).ifExists().cascade().execute();
  await h.close();
}
rmSync(dir, { recursive: true, force: true });
