import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AuditProgress,
  generateSignerKey,
  Hasher,
  LogClient,
  MemoryLog,
  parseSignerKey,
  rootAt,
  VerificationError,
} from '../src/index.js';

const ORIGIN = 'audit.example/log';
const h = new Hasher((...parts) => {
  const x = createHash('sha256');
  for (const p of parts) x.update(p);
  return new Uint8Array(x.digest());
});
const enc = new TextEncoder();

async function logOf(n: number, batches = [n]) {
  const key = generateSignerKey(ORIGIN);
  const log = new MemoryLog(ORIGIN, parseSignerKey(key.signer), h);
  let i = 0;
  for (const b of batches) {
    await log.append(Array.from({ length: b }, () => enc.encode(`record ${i++}`)));
  }
  const client = new LogClient(log, key.verifier, ORIGIN, h);
  return { log, client, key };
}

async function auditError(client: LogClient): Promise<VerificationError> {
  const { checkpoint } = await client.checkpoint();
  const err = await client.audit(checkpoint).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(VerificationError);
  return err as VerificationError;
}

describe('full audit over a MemoryLog', () => {
  it('passes on an honest log of 70,000 entries and reports progress to the root', async () => {
    const { client } = await logOf(70_000, [1, 255, 69_744]);
    const { checkpoint } = await client.checkpoint();
    const seen: AuditProgress[] = [];
    const r = await client.audit(checkpoint, { onProgress: (p) => seen.push(p) });
    expect(r.size).toBe(70_000);
    expect(seen.filter((p) => p.phase === 'entries').at(-1)).toEqual({
      phase: 'entries',
      done: 70_000,
      total: 70_000,
    });
    // the right edge above level 0: tile/1/001.p/17 and tile/2/000.p/1
    expect(seen.filter((p) => p.phase === 'tiles').at(-1)).toEqual({ phase: 'tiles', done: 2, total: 2 });
    expect(seen.at(-1)?.phase).toBe('root');
  });

  it('names an altered entry, not the tile, when the root commits to the tile', async () => {
    const { log, client } = await logOf(600);
    log.tamperEntry(300, enc.encode('record 300, edited'));
    const err = await auditError(client);
    expect(err.message).toMatch(/hash tile tile\/0\/001 is wrong at leaf 300: .* entry 300 was altered/);
    expect(err.where).toBe('tile/entries/001');
    expect(err.index).toBe(300);
  });

  it('names an altered level-0 tile when the root commits to the entry', async () => {
    const { log, client } = await logOf(600);
    log.tamper('tile/0/002.p/88', (b) => {
      b[32 * 7]! ^= 0x80;
      return b;
    });
    const err = await auditError(client);
    expect(err.message).toMatch(
      /hash tile tile\/0\/002\.p\/88 is wrong at leaf 519: .* so the tile was altered/,
    );
    expect(err.where).toBe('tile/0/002.p/88');
    expect(err.index).toBeUndefined();
  });

  it('names an altered full level-1 tile and the child tile it disagrees with', async () => {
    const { log, client } = await logOf(65_536 + 3);
    log.tamper('tile/1/000', (b) => {
      b[32 * 200 + 5]! ^= 1;
      return b;
    });
    const err = await auditError(client);
    expect(err.message).toMatch(/hash tile tile\/1\/000 is wrong at node 200: .* but tile\/0\/200 /);
    expect(err.where).toBe('tile/1/000');
  });

  it('refuses a missing bundle, a short bundle and a checkpoint whose root is not the tree', async () => {
    const { log, client } = await logOf(300);
    const { checkpoint } = await client.checkpoint();
    const missing = new LogClient(
      { get: async (p) => (p === 'tile/entries/001.p/44' ? null : log.get(p)) },
      (await logOf(1)).key.verifier,
      ORIGIN,
      h,
    );
    await expect(missing.audit(checkpoint)).rejects.toThrow(
      /entry bundle tile\/entries\/001\.p\/44 is missing/,
    );
    await expect(client.audit({ ...checkpoint, root: new Uint8Array(32) })).rejects.toThrow(
      /recomputed root .* differs from the checkpoint root/,
    );
  });

  it('falls back to the full tile and bundle once a partial one is deleted', async () => {
    const { log, key } = await logOf(300, [200, 100]);
    // A client that trusts an older size-200 checkpoint; the log has since filled tile 0 and
    // deleted its partial tile and bundle of width 200.
    const older = { origin: ORIGIN, size: 200, root: await rootAt(log.tiles, 200, h), extensions: [] };
    const fullOnly = { get: async (p: string) => (p.endsWith('.p/200') ? null : log.get(p)) };
    const client = new LogClient(fullOnly, key.verifier, ORIGIN, h);
    await expect(client.audit(older)).resolves.toEqual({ size: 200, root: older.root });
    const inc = await client.proveInclusion(150, older);
    expect(new TextDecoder().decode(inc.entry)).toBe('record 150');
  });

  it('proves consistency between two published checkpoints, and refuses a forked history', async () => {
    const { log, client } = await logOf(1000);
    const first = (await client.checkpoint()).note;
    await log.append([enc.encode('one more')]);
    const { checkpoint: latest } = await client.checkpoint();
    const proof = await client.proveConsistency(client.openCheckpoint(first), latest);
    expect(proof.length).toBeGreaterThan(0);
    const forked = { ...client.openCheckpoint(first), root: new Uint8Array(32).fill(1) };
    await expect(client.proveConsistency(forked, latest)).rejects.toThrow(/not an append-only extension/);
  });
});
