import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@hotline/common';
import {
  consistencyProof,
  formatAddCheckpoint,
  generateCosignerKey,
  generateSignerKey,
  MemoryLog,
  openNote,
  parseCosignerVerifierKey,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from '@hotline/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningWitness, startWitnessServer } from '../../src/witness/standalone.js';
import { openTestDatabase } from '../helpers/test-context.js';

const ORIGIN = 'records.example/hotline/records';
const enc = new TextEncoder();

async function grow(log: MemoryLog, n: number, tag = 'a') {
  const base = log.integratedSize;
  return log.append(Array.from({ length: n }, (_, i) => enc.encode(`${tag} entry ${base + i}`)));
}

describe('Hotline as a witness (C2SP tlog-witness v1.0.0)', () => {
  let w: RunningWitness;
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let dir: string;
  const logKey = generateSignerKey(ORIGIN);
  const witnessKey = generateCosignerKey('witness.example/w1');
  const log = new MemoryLog(ORIGIN, parseSignerKey(logKey.signer));
  const clock = new ManualClock('2026-03-02T14:00:00Z');
  const post = (body: string) =>
    fetch(`${w.url}/add-checkpoint`, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-witness-'));
    db = await openTestDatabase();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'witness.key'), `${witnessKey.signer}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'witness.conf'), `# followed logs\nlog ${ORIGIN} ${logKey.verifier}\n`);
    w = await startWitnessServer({ dir, db, port: 0, clock });
  });
  afterAll(async () => {
    await w.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  let stored = 0;

  it('cosigns a first checkpoint from old size 0 and stores it before answering', async () => {
    const { note } = await grow(log, 5);
    const res = await post(formatAddCheckpoint(0, [], note));
    expect(res.status).toBe(200);
    const lines = await res.text();
    expect(lines).toMatch(/^— witness\.example\/w1 [A-Za-z0-9+/=]+\n$/);
    const opened = openNote(note + lines, [
      parseVerifierKey(logKey.verifier),
      parseCosignerVerifierKey(witnessKey.verifier),
    ]);
    expect(opened.verifiedBy).toEqual([ORIGIN, 'witness.example/w1']);
    expect((await w.service.latest(ORIGIN))?.size).toBe(5);
    expect(w.vkey).toBe(witnessKey.verifier);
    stored = 5;
  });

  it('cosigns a later checkpoint with a consistency proof from the stored size', async () => {
    const { note } = await grow(log, 300);
    const proof = await consistencyProof(log.tiles, stored, 305);
    const res = await post(formatAddCheckpoint(stored, proof, note));
    expect(res.status).toBe(200);
    stored = 305;
  });

  it('answers 404 for an origin it does not follow', async () => {
    const other = new MemoryLog(
      'other.example/log',
      parseSignerKey(generateSignerKey('other.example/log').signer),
    );
    const { note } = await grow(other, 2);
    const res = await post(formatAddCheckpoint(0, [], note));
    expect(res.status).toBe(404);
  });

  it("answers 403 without a signature from the log's key, or with a bad one, and ignores unknown ones", async () => {
    const { note, checkpoint } = log.publish();
    const impostor = new MemoryLog(ORIGIN, parseSignerKey(generateSignerKey(ORIGIN).signer));
    await grow(impostor, 305);
    const res = await post(formatAddCheckpoint(stored, [], impostor.publish().note));
    expect(res.status).toBe(403);
    // A bad signature by the trusted key: one flipped bit.
    const sig = note.trimEnd().split(' ').at(-1)!;
    const flipped = `${sig.slice(0, 40)}${sig[40] === 'A' ? 'B' : 'A'}${sig.slice(41)}`;
    expect((await post(formatAddCheckpoint(stored, [], note.replace(sig, flipped)))).status).toBe(403);
    // Unknown signatures (another key of the same name, strangers) are ignored.
    const body = note.slice(0, note.indexOf('\n\n') + 1);
    const many = signNote(
      body,
      parseSignerKey(generateSignerKey(ORIGIN).signer),
      ...Array.from({ length: 30 }, (_, i) => parseSignerKey(generateSignerKey(`s${i}.example`).signer)),
      parseSignerKey(logKey.signer),
    );
    const ok = await post(formatAddCheckpoint(stored, [], many));
    expect(ok.status).toBe(200);
    expect(checkpoint.size).toBe(stored);
  });

  it('answers 400 for an old size above the checkpoint size and for malformed bodies', async () => {
    const { note } = log.publish();
    expect((await post(formatAddCheckpoint(stored + 1, [], note))).status).toBe(400);
    expect((await post(`old 05\n\n${note}`)).status).toBe(400);
    expect((await post('nonsense')).status).toBe(400);
    expect((await post(`old ${stored}\n\n${ORIGIN}\nnot a size\n`)).status).toBe(400);
  });

  it('answers 409 with the stored size as text/x.tlog.size when the old size is not the stored one', async () => {
    const { note } = await grow(log, 10);
    const proof = await consistencyProof(log.tiles, 5, log.integratedSize);
    const res = await post(formatAddCheckpoint(5, proof, note));
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('text/x.tlog.size');
    expect(await res.text()).toBe(`${stored}\n`);
    // A client with no idea what the witness saw learns it from old size 0.
    const probe = await post(formatAddCheckpoint(0, [], note));
    expect(probe.status).toBe(409);
    expect(await probe.text()).toBe(`${stored}\n`);
  });

  it('answers 422 for a consistency proof that does not verify, and refuses a fork (422/409)', async () => {
    const { note } = log.publish();
    const proof = await consistencyProof(log.tiles, stored, log.integratedSize);
    proof[0] = new Uint8Array(32);
    expect((await post(formatAddCheckpoint(stored, proof, note))).status).toBe(422);
    // The operator forks: the same origin and key, different entries after the first 5.
    const fork = new MemoryLog(ORIGIN, parseSignerKey(logKey.signer));
    await grow(fork, 5);
    await grow(fork, 310, 'forked');
    const forkProof = await consistencyProof(fork.tiles, stored, fork.integratedSize);
    expect((await post(formatAddCheckpoint(stored, forkProof, fork.publish().note))).status).toBe(422);
    // The same size as the stored checkpoint with another root: 409.
    const same = new MemoryLog(ORIGIN, parseSignerKey(logKey.signer));
    await grow(same, stored, 'other');
    const res = await post(formatAddCheckpoint(stored, [], same.publish().note));
    expect(res.status).toBe(409);
    expect(await res.text()).toBe(`${stored}\n`);
    expect((await w.service.latest(ORIGIN))?.size).toBe(stored);
  });

  it('never rolls the stored size back under 20 concurrent submissions', async () => {
    // Checkpoints at 20 growing sizes, each submitted with a proof from the stored size, all at once.
    const from = stored;
    const notes: { size: number; note: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const { note, checkpoint } = await grow(log, 1 + (i % 3));
      notes.push({ size: checkpoint.size, note });
    }
    const seen: number[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        seen.push((await w.service.latest(ORIGIN))?.size ?? 0);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const answers = await Promise.all(
      notes.map(async (n) => {
        const res = await post(
          formatAddCheckpoint(from, await consistencyProof(log.tiles, from, n.size), n.note),
        );
        return { size: n.size, status: res.status, body: await res.text() };
      }),
    );
    polling = false;
    await poll;
    const won = answers.filter((a) => a.status === 200);
    expect(won.length).toBe(1);
    expect(answers.filter((a) => a.status === 409).length).toBe(19);
    const final = (await w.service.latest(ORIGIN))!.size;
    expect(final).toBe(won[0]!.size);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body).toBe(`${final}\n`);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    // A second wave: each client follows the 409 (retries from the reported size); the size only grows.
    const wave = await Promise.all(
      notes.map(async (n) => {
        for (let attempt = 0; attempt < 40; attempt++) {
          const cur = (await w.service.latest(ORIGIN))!.size;
          if (cur >= n.size) return cur;
          const res = await post(
            formatAddCheckpoint(cur, await consistencyProof(log.tiles, cur, n.size), n.note),
          );
          if (res.status === 200) return n.size;
          expect(res.status).toBe(409);
        }
        throw new Error('no progress');
      }),
    );
    expect(Math.max(...wave)).toBe(notes.at(-1)!.size);
    expect((await w.service.latest(ORIGIN))!.size).toBe(notes.at(-1)!.size);
  });
});
