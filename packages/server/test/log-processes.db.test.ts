import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@hotline/common';
import { generateSignerKey, parseSignerKey, verifyConsistency } from '@hotline/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { ArchiveCipher } from '../src/records/archive-key.js';
import { LogService } from '../src/records/log-service.js';
import { RecordsService } from '../src/records/records-service.js';
import { verifyLocal } from '../src/records/verify.js';

const onPostgres = process.env.HOTLINE_TEST_DB === 'postgres';
const key = generateSignerKey('test.hotline/records');
const archiveKey = ArchiveCipher.generateKey();
const root = new URL('../../..', import.meta.url).pathname;

interface Target {
  env: Record<string, string>;
  open(): Promise<DatabaseHandle>;
  cleanup(): Promise<void>;
}

async function newTarget(): Promise<Target> {
  if (onPostgres) {
    const url = process.env.TEST_DATABASE_URL!;
    const schema = `t_proc_${Math.random().toString(36).slice(2, 8)}`;
    return {
      env: { HL_DB_URL: url, HL_DB_SCHEMA: schema },
      open: () => openDatabase({ url, schema, poolSize: 2 }),
      async cleanup() {
        const a = await openDatabase({ url });
        await a.db.schema.dropSchema(schema).ifExists().cascade().execute();
        await a.close();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'hotline-proc-'));
  return {
    env: { HL_PGLITE_DIR: join(dir, 'db') },
    open: () => openDatabase({ pgliteDir: join(dir, 'db') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function appender(
  target: Target,
  count: number,
  batch: number,
): { child: ChildProcess; acks: string[]; done: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'packages/server/test/fixtures/appender.ts', String(count), String(batch)],
    {
      cwd: root,
      env: {
        ...process.env,
        ...target.env,
        HL_ARCHIVE_KEY: Buffer.from(archiveKey).toString('base64'),
        HL_LOG_KEY: key.signer,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const acks: string[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (l.startsWith('ack ')) acks.push(l.split(' ')[2]!);
  });
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, acks, done };
}

async function services(h: DatabaseHandle) {
  const clock = { now: () => new Date() };
  const records = new RecordsService(clock, new ArchiveCipher(archiveKey));
  const log = new LogService(
    h.db,
    { origin: 'test.hotline/records', signer: parseSignerKey(key.signer) },
    clock,
    silentLogger(),
  );
  return { records, log };
}

describe('the records log across processes', () => {
  let target: Target;
  beforeAll(async () => {
    target = await newTarget();
    const h = await target.open();
    await migrateToLatest(h.db);
    await h.close();
  });
  afterAll(() => target.cleanup());

  it.runIf(onPostgres)('two server processes appending at once build one log, never two forks', async () => {
    const a = appender(target, 2000, 20);
    const b = appender(target, 2000, 20);
    expect(await a.done).toBe(0);
    expect(await b.done).toBe(0);
    const h = await target.open();
    const { records, log } = await services(h);
    await log.integrateAll();
    const rows = await h.db.selectFrom('records').select(['seq', 'id']).orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i));
    const ids = new Set(rows.map((r) => r.id));
    for (const id of [...a.acks, ...b.acks]) expect(ids.has(id)).toBe(true);
    expect(a.acks.length + b.acks.length).toBe(4000);
    // Every published checkpoint is consistent with every later one: one history.
    const cps = await h.db.selectFrom('log_checkpoints').select(['size', 'root']).orderBy('size').execute();
    expect(cps.length).toBeGreaterThan(2);
    const last = cps.at(-1)!;
    for (const cp of cps) {
      const proof = await log.consistencyProof(Number(cp.size), Number(last.size));
      expect(
        verifyConsistency(log.hasher, Number(cp.size), Number(last.size), cp.root, last.root, proof),
      ).toBe(true);
    }
    for (let i = 1; i < cps.length; i++) {
      const [p, q] = [cps[i - 1]!, cps[i]!];
      const proof = await log.consistencyProof(Number(p.size), Number(q.size));
      expect(verifyConsistency(log.hasher, Number(p.size), Number(q.size), p.root, q.root, proof)).toBe(true);
    }
    await verifyLocal(h.db, log, records);
    await h.close();
  });

  it('a kill -9 while appending loses no acknowledged record, and the log integrates and verifies on restart', async () => {
    const a = appender(target, 100_000, 1);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (a.acks.length >= 150) {
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    a.child.kill('SIGKILL');
    await a.done;
    const acked = [...a.acks];
    const h = await target.open();
    const { records, log } = await services(h);
    await log.integrateAll();
    const present = new Set((await h.db.selectFrom('records').select('id').execute()).map((r) => r.id));
    const lost = acked.filter((id) => !present.has(id));
    expect(lost).toEqual([]);
    const r = await verifyLocal(h.db, log, records);
    expect(r.entries).toBeGreaterThanOrEqual(acked.length);
    await h.close();
  });
});
