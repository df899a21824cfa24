import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../src/db/database.js';
import { PGliteThread } from '../src/db/pglite-thread.js';

/**
 * The embedded database on a thread of its own (pglite-thread.ts), as `serve` opens it: the same
 * answers as PGlite on the main thread, transactions kept exclusive, errors as PostgreSQL gave
 * them, the data folder locked, and no acknowledged commit lost when the process is killed.
 */
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'hotline-pglite-thread-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('PGlite on its thread', () => {
  let main: DatabaseHandle;
  let thread: DatabaseHandle;
  beforeAll(async () => {
    main = await openDatabase({});
    thread = await openDatabase({ thread: PGliteThread.start() });
    for (const h of [main, thread]) {
      await sql`create table item (id int primary key, name text unique, body bytea, at timestamptz, doc jsonb, big int8)`.execute(
        h.db,
      );
      await sql`create table counter (n int not null)`.execute(h.db);
      await sql`insert into counter values (0)`.execute(h.db);
    }
  });
  afterAll(async () => {
    await main?.close();
    await thread?.close();
  });

  it('answers as PGlite on the main thread does (bytes, dates, json, int8, null, affected rows)', async () => {
    // A view into a larger buffer: only its own bytes are sent.
    const big = Buffer.alloc(64 * 1024, 0xee);
    big.set([1, 2, 3], 100);
    const body = big.subarray(100, 103);
    const at = new Date('2026-01-02T03:04:05.678Z');
    const results = [];
    for (const h of [main, thread]) {
      const ins = await h.db
        .insertInto('item' as never)
        .values([
          { id: 1, name: 'one', body, at, doc: JSON.stringify({ a: [1, 'x'] }), big: '9007199254740993' },
          { id: 2, name: 'two', body: null, at: null, doc: null, big: null },
        ] as never)
        .executeTakeFirst();
      const upd = await sql`update item set name = name || '!' where id <= 2`.execute(h.db);
      const rows = await sql`select * from item order by id`.execute(h.db);
      results.push({ inserted: ins.numInsertedOrUpdatedRows, updated: upd.numAffectedRows, rows: rows.rows });
    }
    expect(results[1]).toEqual(results[0]);
    const first = (results[1]!.rows as { body: Uint8Array; big: unknown; at: Date }[])[0]!;
    expect([...first.body]).toEqual([1, 2, 3]);
    expect(first.at).toEqual(at);
    expect(String(first.big)).toBe('9007199254740993');
    expect(results[1]!.updated).toBe(2n);
  });

  it("passes PostgreSQL's error on (message, code, constraint) and rolls a failed transaction back", async () => {
    const err = await thread.db
      .transaction()
      .execute(async (tx) => {
        await sql`insert into item (id, name) values (10, 'ten')`.execute(tx);
        await sql`insert into item (id, name) values (11, 'ten')`.execute(tx);
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/duplicate key value violates unique constraint/);
    expect(err).toMatchObject({ code: '23505', constraint: 'item_name_key' });
    const left = await sql<{ n: number }>`select count(*)::int as n from item where id in (10, 11)`.execute(
      thread.db,
    );
    expect(left.rows[0]!.n).toBe(0);
    // The session is usable after the error (no transaction left open).
    await thread.db.transaction().execute(async (tx) => {
      await sql`insert into item (id, name) values (12, 'twelve')`.execute(tx);
    });
    const kept = await sql<{ name: string }>`select name from item where id = 12`.execute(thread.db);
    expect(kept.rows).toEqual([{ name: 'twelve' }]);
  });

  it('keeps concurrent transactions exclusive: none sees another half done', async () => {
    const order: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        thread.db.transaction().execute(async (tx) => {
          order.push(`begin ${i}`);
          const { rows } = await sql<{ n: number }>`select n from counter`.execute(tx);
          // Other callers' statements arrive meanwhile: they must wait for this transaction.
          await new Promise((r) => setTimeout(r, 5));
          await sql`update counter set n = ${rows[0]!.n + 1}`.execute(tx);
          order.push(`end ${i}`);
        }),
      ),
    );
    const { rows } = await sql<{ n: number }>`select n from counter`.execute(thread.db);
    expect(rows[0]!.n).toBe(8);
    for (let k = 0; k < order.length; k += 2) {
      expect(order[k]!.replace('begin', '')).toBe(order[k + 1]!.replace('end', ''));
    }
  });

  it('answers many queries sent at once, each its own answer', async () => {
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => sql<{ x: number }>`select ${i}::int * 2 as x`.execute(thread.db)),
    );
    expect(answers.map((a) => a.rows[0]!.x)).toEqual(Array.from({ length: 300 }, (_, i) => i * 2));
  });
});

describe('PGlite on its thread, in a data folder', () => {
  it('locks the folder while open, keeps what was written, and unlocks it when closed', async () => {
    const dir = tmp();
    const h = await openDatabase({ pgliteDir: dir, thread: PGliteThread.start({ dir }) });
    // Locked by this process (openDatabase's lock: another process is refused).
    expect(readFileSync(join(dir, 'hotline.pid'), 'utf8')).toBe(String(process.pid));
    await sql`create table kept (v text)`.execute(h.db);
    await sql`insert into kept values ('still here')`.execute(h.db);
    await h.close();
    expect(existsSync(join(dir, 'hotline.pid'))).toBe(false);
    await expect(sql`select 1`.execute(h.db)).rejects.toThrow();
    // The same folder on the main thread (as `hotline users list` opens it).
    const again = await openDatabase({ pgliteDir: dir });
    const { rows } = await sql<{ v: string }>`select v from kept`.execute(again.db);
    expect(rows).toEqual([{ v: 'still here' }]);
    await again.close();
  });

  it('tells its owner when the thread ends unexpectedly, and not on a close', async () => {
    const closed = PGliteThread.start();
    const closedLost: Error[] = [];
    closed.onLost((e) => closedLost.push(e));
    await closed.waitReady;
    await closed.close();
    expect(closedLost).toEqual([]);

    const t = PGliteThread.start();
    const lost: Error[] = [];
    t.onLost((e) => lost.push(e));
    await t.waitReady;
    await t.query('select 1');
    // A crash of the thread (as an out-of-memory in PostgreSQL's WebAssembly would end it).
    await (t as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await expect.poll(() => lost.length).toBe(1);
    expect(lost[0]!.message).toMatch(/database thread ended/);
    await expect(t.query('select 1')).rejects.toThrow(/database thread ended/);
    await t.close();
  });

  it('reports a database that cannot be opened, and leaves the folder unlocked', async () => {
    const dir = tmp();
    // A data folder of a PostgreSQL version PGlite is not.
    writeFileSync(join(dir, 'PG_VERSION'), '9\n');
    const t = PGliteThread.start({ dir });
    expect(t.existed).toBe(true);
    await expect(openDatabase({ pgliteDir: dir, thread: t })).rejects.toThrow();
    expect(existsSync(join(dir, 'hotline.pid'))).toBe(false);
  });

  it('loses no acknowledged commit when the process is killed at any moment', async () => {
    const dir = tmp();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/server/test/fixtures/thread-committer.ts', dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    const acked = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const acks = [...out.matchAll(/^ack (\d+)$/gm)];
        if (acks.length >= 40) {
          child.kill('SIGKILL');
          resolve(Number(acks.at(-1)![1]));
        }
      });
      child.on('exit', (code) =>
        reject(new Error(`the committer ended (${code}) before 40 commits:\n${err}`)),
      );
    });
    await new Promise((r) => child.once('close', r));
    const lastSeen = Math.max(acked, ...[...out.matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1])));
    const h = await openDatabase({ pgliteDir: dir, thread: PGliteThread.start({ dir }) });
    const { rows } = await sql<{
      n: number;
      len: number;
    }>`select n, length(body) as len from acked order by n`.execute(h.db);
    await h.close();
    const have = new Set(rows.map((r) => r.n));
    for (let n = 1; n <= lastSeen; n++) expect(have.has(n), `row ${n} was acknowledged`).toBe(true);
    expect(rows.every((r) => r.len === 2048)).toBe(true);
  }, 120_000);
});
