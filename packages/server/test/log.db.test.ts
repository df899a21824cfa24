import {
  generateSignerKey,
  httpFetcher,
  isLeafCommitment,
  LogClient,
  leafCommitment,
  opensLeaf,
  parseSignerKey,
  VerificationError,
} from '@hotline/ledger';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { App } from '../src/http/types.js';
import { verifyLocal } from '../src/records/verify.js';
import { newTestContext, type TestContext } from './helpers/test-context.js';

describe('records log in the server', () => {
  let t: TestContext;
  let app: App;
  let url: string;
  beforeAll(async () => {
    t = await newTestContext({ publicRateLimit: '100000' });
    app = await buildApp(t.ctx, { webDir: null });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    for (let i = 0; i < 3; i++) {
      await t.ctx.db.transaction().execute((tx) =>
        t.ctx.records.appendMany(
          tx,
          Array.from({ length: 200 }, (_, j) => ({ kind: 'test.entry', content: { batch: i, j } })),
        ),
      );
    }
    await t.ctx.log.integrateAll();
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('publishes a signed checkpoint covering every acknowledged entry', async () => {
    const res = await fetch(`${url}/log/checkpoint`);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const note = await res.text();
    expect(note.split('\n').slice(0, 2)).toEqual([t.ctx.log.origin, '600']);
    expect(note).toMatch(/\n\n— /);
  });

  it('serves tiles a spec client can verify from the URLs alone', async () => {
    const client = new LogClient(httpFetcher(`${url}/log/`), t.ctx.log.verifierKey, t.ctx.log.origin);
    const { checkpoint } = await client.checkpoint();
    const inc = await client.proveInclusion(431, checkpoint);
    // The entry is a commitment; the database's salt and envelope open it.
    expect(isLeafCommitment(inc.entry)).toBe(true);
    const row = await t.ctx.db
      .selectFrom('records')
      .select(['salt', 'envelope'])
      .where('seq', '=', '431')
      .executeTakeFirstOrThrow();
    expect(opensLeaf(inc.entry, new Uint8Array(row.salt!), new Uint8Array(row.envelope))).toBe(true);
    expect(JSON.parse(new TextDecoder().decode(row.envelope))).toMatchObject({ v: 1, kind: 'test.entry' });
    await client.audit(checkpoint);
    const full = await fetch(`${url}/log/tile/0/000`);
    expect(full.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await full.arrayBuffer()).byteLength).toBe(256 * 32);
    const partial = await fetch(`${url}/log/tile/0/002.p/88`);
    expect(partial.headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${url}/log/tile/0/003`)).status).toBe(404);
    expect((await fetch(`${url}/log/tile/0/../../etc`)).status).toBeGreaterThanOrEqual(400);
  });

  it('keeps the log consistent as it grows and serves JSON proofs', async () => {
    const older = (await t.ctx.log.latestCheckpoint())!;
    await t.ctx.db
      .transaction()
      .execute((tx) => t.ctx.records.append(tx, { kind: 'test.more', content: { x: 1 } }));
    await t.ctx.log.integrateAll();
    const r = await verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records, { olderCheckpoint: older.note });
    expect(r.checkpoint.size).toBe(601);
    expect(r.consistentWith).toBe(600);
    const proof = await (await fetch(`${url}/api/v1/log/consistency?from=600&to=601`)).json();
    expect(proof.proof.length).toBeGreaterThan(0);
    const inc = await (await fetch(`${url}/api/v1/log/proof?index=5`)).json();
    expect(inc.size).toBe(601);
  });

  it('refuses a checkpoint from a different key in consistency checks', async () => {
    const other = generateSignerKey(t.ctx.log.origin);
    const forged = (await t.ctx.log.latestCheckpoint())!.note.split('\n\n')[0]!;
    const { signNote } = await import('@hotline/ledger');
    const note = signNote(`${forged}\n`, parseSignerKey(other.signer));
    await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records, { olderCheckpoint: note })).rejects.toThrow(
      /checkpoint does not verify/,
    );
  });

  describe('tampering is detected and named', () => {
    const setRecord = async (
      seq: number,
      set: { envelope?: Uint8Array; salt?: Uint8Array; leaf?: Uint8Array },
    ) => {
      await sql`alter table records disable trigger records_append_only`.execute(t.ctx.db);
      await t.ctx.db.updateTable('records').set(set).where('seq', '=', String(seq)).execute();
      await sql`alter table records enable trigger records_append_only`.execute(t.ctx.db);
    };
    const record = (seq: number) =>
      t.ctx.db
        .selectFrom('records')
        .select(['envelope', 'salt', 'leaf'])
        .where('seq', '=', String(seq))
        .executeTakeFirstOrThrow();

    it('a changed stored envelope (the commitment no longer opens)', async () => {
      const row = await record(300);
      const changed = new TextDecoder().decode(row.envelope).replace('test.entry', 'test.entrx');
      await setRecord(300, { envelope: new TextEncoder().encode(changed) });
      const err = await verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VerificationError);
      expect((err as Error).message).toMatch(
        /entry 300: the stored salt and envelope do not open the leaf commitment/,
      );
      await setRecord(300, { envelope: row.envelope });
      await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records)).resolves.toBeTruthy();
    });

    it('a changed salt', async () => {
      const row = await record(7);
      const salt = new Uint8Array(row.salt!);
      salt[0]! ^= 1;
      await setRecord(7, { salt });
      await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records)).rejects.toThrow(
        /entry 7: the stored salt and envelope do not open/,
      );
      await setRecord(7, { salt: row.salt! });
    });

    it('a re-committed entry (opens, but is not what the tiles hold)', async () => {
      const row = await record(300);
      const salt = new Uint8Array(32).fill(9);
      await setRecord(300, { salt, leaf: leafCommitment(salt, new Uint8Array(row.envelope)) });
      const err = await verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VerificationError);
      expect((err as Error).message).toMatch(/tile\/0\/001 is wrong at leaf 300/);
      await setRecord(300, { salt: row.salt!, leaf: row.leaf! });
      await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records)).resolves.toBeTruthy();
    });

    it('a changed tile hash', async () => {
      const row = await t.ctx.db
        .selectFrom('log_tiles')
        .select(['hashes'])
        .where('level', '=', 1)
        .where('idx', '=', '0')
        .executeTakeFirstOrThrow();
      const bad = new Uint8Array(row.hashes);
      bad[33]! ^= 0xff;
      await t.ctx.db
        .updateTable('log_tiles')
        .set({ hashes: bad })
        .where('level', '=', 1)
        .where('idx', '=', '0')
        .execute();
      await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records)).rejects.toThrow(
        /hash tile tile\/1\/000\.p\/2 is wrong at node 1/,
      );
      await t.ctx.db
        .updateTable('log_tiles')
        .set({ hashes: row.hashes })
        .where('level', '=', 1)
        .where('idx', '=', '0')
        .execute();
    });

    it('a changed checkpoint', async () => {
      const cp = (await t.ctx.log.latestCheckpoint())!;
      const bad = cp.note.replace(`\n${cp.size}\n`, `\n${cp.size + 1}\n`);
      await t.ctx.db
        .updateTable('log_checkpoints')
        .set({ note: bad })
        .where('size', '=', String(cp.size))
        .execute();
      await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records)).rejects.toThrow(
        /checkpoint does not verify: invalid signature/,
      );
      await t.ctx.db
        .updateTable('log_checkpoints')
        .set({ note: cp.note })
        .where('size', '=', String(cp.size))
        .execute();
    });

    it('changed archived content', async () => {
      const rec = await t.ctx.db
        .selectFrom('records')
        .select('digest')
        .where('seq', '=', '42')
        .executeTakeFirstOrThrow();
      const c = await t.ctx.db
        .selectFrom('record_content')
        .select('bytes')
        .where('digest', '=', rec.digest)
        .executeTakeFirstOrThrow();
      const bad = new Uint8Array(c.bytes);
      bad[20]! ^= 1;
      await t.ctx.db
        .updateTable('record_content')
        .set({ bytes: bad })
        .where('digest', '=', rec.digest)
        .execute();
      await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records)).rejects.toThrow(
        /entry 42: content .* cannot be decrypted/,
      );
      await t.ctx.db
        .updateTable('record_content')
        .set({ bytes: c.bytes })
        .where('digest', '=', rec.digest)
        .execute();
      await expect(verifyLocal(t.ctx.db, t.ctx.log, t.ctx.records)).resolves.toBeTruthy();
    });
  });
});
