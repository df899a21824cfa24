import { decodeBundle, isLeafCommitment, LEAF_V2_SIZE, TILE_WIDTH, toHex } from '@hotline/ledger';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { envToConfig } from '../src/config/config.js';
import type { App } from '../src/http/types.js';
import { msToNextTick } from '../src/records/log-service.js';
import { LOG_MIGRATED_KIND, migrateLogToV2 } from '../src/records/migrate-v2.js';
import { V1LogError } from '../src/records/records-service.js';
import { verifyLocal } from '../src/records/verify.js';
import { newTestContext, type TestContext } from './helpers/test-context.js';

const OFFICE = '01957a2c-0000-7000-8000-00000000a0f1';
const ACTOR = '01957a2c-0000-7000-8000-00000000ac71';
const SUBJECT = 'call:01957a2c-0000-7000-8000-00000000ca11';
const KINDS = ['session.signed_in', 'call.connected', 'call.ended', 'capture.imported'];

/** Append `n` records that carry everything the public must not learn. */
async function appendSensitive(t: TestContext, n: number) {
  const contents = Array.from({ length: n }, (_, i) => ({ imported: 1000 + i, note: `secret ${i}` }));
  await t.ctx.db.transaction().execute((tx) =>
    t.ctx.records.appendMany(
      tx,
      contents.map((content, i) => ({
        kind: KINDS[i % KINDS.length]!,
        office: OFFICE,
        actor: ACTOR,
        subject: SUBJECT,
        content,
      })),
    ),
  );
}

/** Every entry bundle of the log, as served over HTTP. */
async function publicBundles(url: string): Promise<{ bytes: Uint8Array; entries: Uint8Array[] }[]> {
  const cp = await (await fetch(`${url}/log/checkpoint`)).text();
  const size = Number(cp.split('\n')[1]);
  const out = [];
  for (let b = 0; b * TILE_WIDTH < size; b++) {
    const width = Math.min(TILE_WIDTH, size - b * TILE_WIDTH);
    const path = `tile/entries/${String(b).padStart(3, '0')}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
    const res = await fetch(`${url}/log/${path}`);
    expect(res.status, path).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    out.push({ bytes, entries: decodeBundle(bytes) });
  }
  return out;
}

/** What must not appear in any public bundle: ids, kinds, times, digests (hex and raw). */
async function leaksIn(t: TestContext, bundles: { bytes: Uint8Array }[]): Promise<string[]> {
  const rows = await t.ctx.db.selectFrom('records').select(['kind', 'at', 'digest', 'id']).execute();
  const text = bundles.map((b) => Buffer.from(b.bytes).toString('latin1')).join('\n');
  const found: string[] = [];
  for (const needle of [OFFICE, ACTOR, SUBJECT, ...KINDS, 'secret', '"digest"', '"kind"']) {
    if (text.includes(needle)) found.push(needle);
  }
  if (/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) found.push('an ISO time');
  for (const r of rows) {
    if (text.includes(r.id)) found.push(`record id ${r.id}`);
    if (text.includes(new Date(r.at).toISOString())) found.push(`time ${new Date(r.at).toISOString()}`);
    if (text.includes(r.digest)) found.push(`digest ${r.digest}`);
    if (text.includes(Buffer.from(r.digest, 'hex').toString('latin1'))) found.push(`raw digest ${r.digest}`);
  }
  return found;
}

/**
 * Turn the test log into the v1 log the code before v2 kept: every leaf the envelope itself,
 * tiles and checkpoints built over those, leaf_version 1 (what migration 011 sets on a log with
 * entries).
 */
async function makeV1(t: TestContext) {
  await sql`alter table records disable trigger records_append_only`.execute(t.ctx.db);
  await sql`update records set salt = null, leaf = null`.execute(t.ctx.db);
  await sql`alter table records enable trigger records_append_only`.execute(t.ctx.db);
  await sql`delete from log_tiles`.execute(t.ctx.db);
  await sql`delete from log_checkpoints`.execute(t.ctx.db);
  await sql`update log_state set integrated_size = 0, integrated_root = null, leaf_version = 1`.execute(
    t.ctx.db,
  );
  t.ctx.log.forgetEdge();
  await t.ctx.log.integrateAll();
}

describe('the public log reveals the number and order of entries, nothing else', () => {
  let t: TestContext;
  let app: App;
  let url: string;
  beforeAll(async () => {
    t = await newTestContext({ publicRateLimit: '100000' });
    app = await buildApp(t.ctx, { webDir: null });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    await appendSensitive(t, 300);
    await t.ctx.log.integrateAll();
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('every public entry is a 47-byte commitment, and no bundle holds an id, kind, time or digest', async () => {
    const bundles = await publicBundles(url);
    expect(bundles.flatMap((b) => b.entries)).toHaveLength(300);
    for (const b of bundles)
      for (const e of b.entries) {
        expect(e.length).toBe(LEAF_V2_SIZE);
        expect(isLeafCommitment(e)).toBe(true);
      }
    expect(await leaksIn(t, bundles)).toEqual([]);
    // Equal content in two records still gives two unrelated entries (the salt).
    const entries = bundles.flatMap((b) => b.entries.map((e) => toHex(e)));
    expect(new Set(entries).size).toBe(entries.length);
  });

  it('the archive holder verifies every record (commitment, columns, content, prev links)', async () => {
    const r = await verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records);
    expect(r.entries).toBe(300);
  });

  it('a prev link must name an earlier record', async () => {
    const earlier = await t.ctx.db
      .selectFrom('records')
      .select('id')
      .where('seq', '=', '299')
      .executeTakeFirstOrThrow();
    await t.ctx.db
      .transaction()
      .execute((tx) =>
        t.ctx.records.append(tx, { kind: 'test.linked', prev: earlier.id, content: { x: 1 } }),
      );
    await t.ctx.log.integrateAll();
    await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records)).resolves.toMatchObject({ entries: 301 });
    // A record that links forward (written by a bug, committed as it is) is named.
    const later = '01957a2c-0000-7000-8000-0000000f0f0f';
    await t.ctx.db.transaction().execute((tx) =>
      t.ctx.records.appendMany(tx, [
        { kind: 'test.linked', prev: later, content: { x: 2 } },
        { kind: 'test.target', id: later, content: { x: 3 } },
      ]),
    );
    await t.ctx.log.integrateAll();
    await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records)).rejects.toThrow(
      /entry 301: prev names record .* at entry 302, not an earlier one/,
    );
  });
});

describe('a v1 log: refused, then rebuilt by migrate-v2 in one transaction', () => {
  let t: TestContext;
  let app: App;
  let url: string;
  beforeAll(async () => {
    t = await newTestContext({ publicRateLimit: '100000' });
    app = await buildApp(t.ctx, { webDir: null });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    await appendSensitive(t, 520);
    await makeV1(t);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('the v1 log shows what v2 hides (the check above would fail on it)', async () => {
    const leaks = await leaksIn(t, await publicBundles(url));
    expect(leaks).toContain(OFFICE);
    expect(leaks).toContain('session.signed_in');
    expect(leaks).toContain('an ISO time');
  });

  it('is refused at start, by the sequencer and by verify, naming the command', async () => {
    await expect(t.ctx.prepare()).rejects.toThrow(/hotline log migrate-v2/);
    await expect(
      t.ctx.db.transaction().execute((tx) => t.ctx.records.append(tx, { kind: 'test.more', content: {} })),
    ).rejects.toBeInstanceOf(V1LogError);
    await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records)).rejects.toThrow(/migrate-v2/);
  });

  it('a failure part-way leaves the v1 log exactly as it was', async () => {
    const snapshot = async () => ({
      state: await t.ctx.db.selectFrom('log_state').selectAll().executeTakeFirstOrThrow(),
      checkpoints: await t.ctx.db.selectFrom('log_checkpoints').selectAll().orderBy('size').execute(),
      tiles: await t.ctx.db.selectFrom('log_tiles').selectAll().orderBy(['level', 'idx']).execute(),
      records: await t.ctx.db.selectFrom('records').selectAll().orderBy('seq').execute(),
      v1: await t.ctx.db.selectFrom('log_v1_checkpoints').selectAll().execute(),
    });
    const before = await snapshot();
    for (const at of ['recommitted', 'rebuilt', 'anchored'] as const) {
      await expect(
        migrateLogToV2(t.ctx.db, t.ctx.log, t.ctx.records, {
          stage: (s) => {
            if (s === at) throw new Error(`crash after ${s}`);
          },
        }),
      ).rejects.toThrow(`crash after ${at}`);
      expect(await snapshot()).toEqual(before);
    }
    expect(before.state.leaf_version).toBe(1);
    expect(before.records.every((r) => r.leaf === null)).toBe(true);
  });

  it('migrates: same indexes, the old final checkpoint recorded, nothing public but commitments', async () => {
    const v1 = (await t.ctx.log.latestCheckpoint())!;
    const idsBefore = await t.ctx.db.selectFrom('records').select(['seq', 'id']).orderBy('seq').execute();
    const r = await migrateLogToV2(t.ctx.db, t.ctx.log, t.ctx.records);
    expect(r).toMatchObject({ migrated: true, entries: 520, v1Checkpoint: v1.note });
    const idsAfter = await t.ctx.db.selectFrom('records').select(['seq', 'id']).orderBy('seq').execute();
    expect(idsAfter.slice(0, 520)).toEqual(idsBefore);
    const anchor = idsAfter[520]!;
    const row = await t.ctx.db
      .selectFrom('records')
      .selectAll()
      .where('id', '=', anchor.id)
      .executeTakeFirstOrThrow();
    expect(row.kind).toBe(LOG_MIGRATED_KIND);
    const content = JSON.parse(
      Buffer.from((await t.ctx.records.content(t.ctx.db, row.digest))!).toString('utf8'),
    );
    expect(content.v1Checkpoint).toEqual({ size: 520, root: toHex(v1.root), note: v1.note });
    expect((await t.ctx.db.selectFrom('log_v1_checkpoints').select('size').execute()).length).toBeGreaterThan(
      0,
    );

    const cp = (await t.ctx.log.latestCheckpoint())!;
    expect(cp.size).toBe(521);
    expect(await leaksIn(t, await publicBundles(url))).toEqual([]);
    await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records)).resolves.toMatchObject({ entries: 521 });
    await expect(t.ctx.prepare()).resolves.toBeUndefined();
    await t.ctx.db
      .transaction()
      .execute((tx) => t.ctx.records.append(tx, { kind: 'test.more', content: {} }));
    await t.ctx.log.integrateAll();
    await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records)).resolves.toMatchObject({ entries: 522 });
    // A second run has nothing to do.
    await expect(migrateLogToV2(t.ctx.db, t.ctx.log, t.ctx.records)).resolves.toMatchObject({
      migrated: false,
    });
  });

  it('the records trigger still refuses any other change', async () => {
    await expect(sql`update records set kind = 'x' where seq = 1`.execute(t.ctx.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(
      sql`update records set salt = salt, leaf = leaf where seq = 1`.execute(t.ctx.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from records where seq = 1`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
  });
});

describe('HOTLINE_CHECKPOINT_INTERVAL_SECONDS: publishing on a fixed cadence', () => {
  it('parses the setting (0, the default, publishes as records are written)', () => {
    expect(envToConfig({}).checkpointIntervalMs).toBe(0);
    expect(envToConfig({ checkpointIntervalSeconds: '300' }).checkpointIntervalMs).toBe(300_000);
    expect(() => envToConfig({ checkpointIntervalSeconds: 'soon' })).toThrow(
      /HOTLINE_CHECKPOINT_INTERVAL_SECONDS/,
    );
    expect(msToNextTick(1_000_250, 1000)).toBe(750);
    expect(msToNextTick(1_000_000, 1000)).toBe(1000);
  });

  it('integrates and publishes only on the tick, not when records are written', async () => {
    for (const [seconds, integratedSoon] of [
      ['3600', false],
      ['1', true],
    ] as const) {
      const t = await newTestContext({ checkpointIntervalSeconds: seconds });
      try {
        t.ctx.startBackground();
        await appendSensitive(t, 5);
        t.ctx.log.poke();
        await new Promise((r) => setTimeout(r, 2500));
        expect((await t.ctx.log.state()).integrated, `interval ${seconds} s`).toBe(integratedSoon ? 5 : 0);
        expect((await t.ctx.log.latestCheckpoint())?.size ?? 0).toBe(integratedSoon ? 5 : 0);
      } finally {
        await t.close();
      }
    }
  });
});
