import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tilesChanged, VerificationError } from '@hotline/ledger';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveCipher } from '../../src/records/archive-key.js';
import { resealArchive } from '../../src/records/key-rotation.js';
import { readManifest, replicate } from '../../src/replica/replicate.js';
import { FolderStore, openReplicaStore, type ReplicaStore } from '../../src/replica/store.js';
import { verifyReplica } from '../../src/replica/verify-replica.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * A second copy of tiles, checkpoints and sealed content, in a folder and in a real
 * S3-compatible server (s3rver, started here on loopback; the AWS SDK speaks S3's REST protocol to
 * it); each copy is then verified alone. Runs on PGlite and on PostgreSQL.
 */
let t: TestContext;
let tmp: string;
let n = 0;

async function append(count: number) {
  await t.ctx.db.transaction().execute((tx) =>
    t.ctx.records.appendMany(
      tx,
      Array.from({ length: count }, () => ({ kind: 'test.item', content: { item: n++ } })),
    ),
  );
  await t.ctx.log.integrateAll();
  return (await t.ctx.log.latestCheckpoint())!.size;
}

beforeAll(async () => {
  t = await newTestContext();
  tmp = mkdtempSync(join(tmpdir(), 'hotline-replica-'));
});
afterAll(async () => {
  await t.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function exercise(store: ReplicaStore) {
  const size1 = await append(260);
  const first = await replicate(t.ctx.db, t.ctx.log, store);
  expect(first).toMatchObject({ previousSize: 0, size: size1, sealed: size1 });
  expect(first.tiles).toBe(tilesChanged(0, size1).length);
  expect(first.entryBundles).toBe(Math.ceil(size1 / 256));
  let v = await verifyReplica(store, {
    verifierKey: t.ctx.log.verifierKey,
    cipher: t.ctx.cipher as ArchiveCipher,
  });
  expect(v.checkpoint.size).toBe(size1);
  expect(v.opened).toBe(size1);
  expect(v.keyFromReplica).toBe(false);

  // Only what is new: the new entries' content, the tiles that changed, the new checkpoints.
  const size2 = await append(20);
  const second = await replicate(t.ctx.db, t.ctx.log, store);
  expect(second).toMatchObject({ previousSize: size1, size: size2, sealed: size2 - size1 });
  expect(second.entryBundles).toBe(Math.ceil(size2 / 256) - Math.floor(size1 / 256));
  expect(second.tiles).toBe(tilesChanged(size1, size2).length);
  expect(second.removedPartials).toBeGreaterThan(0);
  expect(second.checkpoints).toBeGreaterThan(0);
  const third = await replicate(t.ctx.db, t.ctx.log, store);
  expect(third).toMatchObject({ sealed: 0, tiles: 0, entryBundles: 0, checkpoints: 0, removedPartials: 0 });
  expect(
    await store.list(`tile/0/${String(Math.floor(size1 / 256)).padStart(3, '0')}.p/${size1 % 256}`),
  ).toEqual([]);
  v = await verifyReplica(store, { cipher: t.ctx.cipher as ArchiveCipher });
  expect(v).toMatchObject({ opened: size2, keyFromReplica: true });
  expect(v.checkpoints).toBeGreaterThanOrEqual(2);
  expect((await readManifest(store))!.size).toBe(size2);
  return size2;
}

describe('replicate to a folder', () => {
  it('copies incrementally and the copy verifies alone', async () => {
    const store = new FolderStore(join(tmp, 'copy'));
    await exercise(store);
    // A file:// URL names the same copy.
    const again = await verifyReplica(openReplicaStore(`file://${join(tmp, 'copy')}`));
    expect(again.opened).toBe(0);
  });

  it('an altered tile, entry bundle, checkpoint or sealed object is found, naming it', async () => {
    const dir = join(tmp, 'copy');
    const store = new FolderStore(dir);
    const tamper = async (path: string, cipher?: ArchiveCipher) => {
      const f = join(dir, ...path.split('/'));
      const orig = readFileSync(f);
      const bad = Buffer.from(orig);
      bad[bad.length - 20]! ^= 1;
      writeFileSync(f, bad);
      try {
        const err = await verifyReplica(store, { cipher }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(VerificationError);
        return err as VerificationError;
      } finally {
        writeFileSync(f, orig);
      }
    };
    expect((await tamper('tile/0/000')).where).toMatch(/^tile\/0\/000/);
    expect((await tamper('tile/entries/000')).where).toMatch(/^tile\/entries\/000/);
    const cps = await store.list('checkpoints/');
    expect((await tamper(cps[0]!)).where).toBe(cps[0]);
    const sealed = (await store.list('sealed/'))[7]!;
    const err = await tamper(sealed, t.ctx.cipher as ArchiveCipher);
    expect(err.where).toBe(sealed);
    expect(err.message).toMatch(/does not decrypt with archive key/);
    // A pinned key that is not the log's.
    const { generateSignerKey } = await import('@hotline/ledger');
    await expect(
      verifyReplica(store, { verifierKey: generateSignerKey(t.ctx.log.origin).verifier }),
    ).rejects.toThrow(/checkpoint does not verify/);
    // Intact again.
    expect((await verifyReplica(store, { cipher: t.ctx.cipher as ArchiveCipher })).opened).toBeGreaterThan(0);
  });

  it('content re-sealed under a new archive key is copied again, under that key', async () => {
    const store = new FolderStore(join(tmp, 'copy'));
    const next = new ArchiveCipher(ArchiveCipher.generateKey());
    const rows = await resealArchive(t.ctx.db, next.withRetired([t.ctx.cipher as ArchiveCipher]));
    const r = await replicate(t.ctx.db, t.ctx.log, store);
    expect(r.sealed).toBe(rows);
    const v = await verifyReplica(store, { cipher: next });
    expect(v.opened).toBe(rows);
    expect(Object.keys(v.sealed).sort()).toEqual([(t.ctx.cipher as ArchiveCipher).keyId, next.keyId].sort());
    expect((await readManifest(store))!.keyIds).toContain(next.keyId);
    // Back under the test context's key for what follows.
    await resealArchive(t.ctx.db, (t.ctx.cipher as ArchiveCipher).withRetired([next]));
  });

  it('refuses a place that holds a copy of another log', async () => {
    const store = new FolderStore(join(tmp, 'other'));
    await store.put(
      'replica.json',
      new TextEncoder().encode(
        JSON.stringify({ format: 'hotline-replica/1', origin: 'elsewhere.example/log', size: 1, keyIds: [] }),
      ),
    );
    await expect(replicate(t.ctx.db, t.ctx.log, store)).rejects.toThrow(
      /replica of the log "elsewhere.example\/log"/,
    );
  });
});

describe('replicate to an S3-compatible server', () => {
  let server: S3rver;
  let endpoint: string;
  beforeAll(async () => {
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: join(tmp, 's3'),
      configureBuckets: [{ name: 'hotline-archive', configs: [] }],
    });
    const addr = (await server.run()) as { port: number };
    endpoint = `http://127.0.0.1:${addr.port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const s3 = (target: string, accessKeyId = 'S3RVER') =>
    openReplicaStore(target, {
      endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId, secretAccessKey: 'S3RVER' },
    });

  it('copies incrementally to s3://bucket/prefix and the copy verifies alone', async () => {
    const store = s3('s3://hotline-archive/us-potus/records');
    try {
      // The S3 copy starts empty: the folder copy above is a different place.
      const size = await exercise(store);
      expect((await store.list('checkpoint')).includes('checkpoint')).toBe(true);
      const raw = await store.get(`sealed/${(t.ctx.cipher as ArchiveCipher).keyId}/${'0'.repeat(64)}`);
      expect(raw).toBeNull();
      expect(size).toBeGreaterThan(260);
    } finally {
      store.close();
    }
  }, 180_000);

  it("the server's refusals reach the caller: an unknown access key, a bucket that does not exist", async () => {
    const stranger = s3('s3://hotline-archive/x', 'NOT-A-KEY');
    const nowhere = s3('s3://no-such-bucket/x');
    try {
      await expect(stranger.put('checkpoint', new Uint8Array([1]))).rejects.toThrow(/Access Key Id/);
      await expect(replicate(t.ctx.db, t.ctx.log, nowhere)).rejects.toThrow(/bucket does not exist/i);
    } finally {
      stranger.close();
      nowhere.close();
    }
  });
});
