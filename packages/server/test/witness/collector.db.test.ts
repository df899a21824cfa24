import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateCosignerKey,
  openCosignedCheckpoint,
  parseVerifierKey,
  parseWitnessPolicy,
} from '@hotline/ledger';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import type { App } from '../../src/http/types.js';
import { type RunningWitness, startWitnessServer } from '../../src/witness/standalone.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/** The log side: each new checkpoint goes to the policy's witnesses; only a quorum-cosigned one is served. */
describe('the records log collects witness cosignatures', () => {
  let t: TestContext;
  let app: App;
  const dir = mkdtempSync(join(tmpdir(), 'hotline-witnesses-'));
  const witnesses: RunningWitness[] = [];
  const dbs: DatabaseHandle[] = [];
  let policyText: string;

  async function append(n: number) {
    await t.ctx.db.transaction().execute((tx) =>
      t.ctx.records.appendMany(
        tx,
        Array.from({ length: n }, (_, j) => ({ kind: 'test.entry', content: { j, at: Math.random() } })),
      ),
    );
    await t.ctx.log.integrateAll();
  }

  beforeAll(async () => {
    // The log's verifier key is known only once the context exists: build it first, policy after.
    const policyFile = join(dir, 'policy.txt');
    writeFileSync(policyFile, 'quorum none\n');
    t = await newTestContext({ witnessPolicy: policyFile });
    const logs = new Map([[t.ctx.log.origin, [parseVerifierKey(t.ctx.log.verifierKey)]]]);
    for (const i of [1, 2]) {
      const db = await openDatabase({});
      dbs.push(db);
      const k = generateCosignerKey(`w${i}.example/witness`);
      writeFileSync(join(dir, `w${i}.key`), `${k.signer}\n`, { mode: 0o600 });
      witnesses.push(
        await startWitnessServer({ dir, keyFile: join(dir, `w${i}.key`), logs, db, port: 0, clock: t.clock }),
      );
    }
    const down = generateCosignerKey('w3.example/witness');
    policyText = `witness w1 ${witnesses[0]!.vkey} ${witnesses[0]!.url}
witness w2 ${witnesses[1]!.vkey} ${witnesses[1]!.url}/
witness w3 ${down.verifier} http://127.0.0.1:9/
group two 2 w1 w2 w3
quorum two
`;
    writeFileSync(policyFile, policyText);
    await t.ctx.startWitnessing();
    app = await buildApp(t.ctx, { webDir: null });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    for (const w of witnesses) await w.close();
    await t.close();
    for (const d of dbs) await d.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const served = async () => {
    const res = await app.inject({ method: 'GET', url: '/log/checkpoint' });
    return res.statusCode === 200 ? res.body : null;
  };

  it('serves nothing before a checkpoint carries the quorum, then the cosigned note', async () => {
    await append(10);
    expect(await served()).toBeNull();
    expect(await t.ctx.witnesses!.collectOnce()).toBe(true);
    const note = (await served())!;
    const policy = parseWitnessPolicy(policyText);
    const opened = openCosignedCheckpoint(note, [parseVerifierKey(t.ctx.log.verifierKey)], policy);
    expect(opened.checkpoint.size).toBe(10);
    expect(opened.cosigners.map((c) => c.name)).toEqual(['w1', 'w2']);
    expect(opened.quorum).toBe(true);
    // The witness that is down shows in /readyz.
    const ready = (await app.inject({ method: 'GET', url: '/readyz' })).json();
    expect(ready.witnesses.servedSize).toBe(10);
    expect(ready.witnesses.failing.map((f: { name: string }) => f.name)).toEqual(['w3']);
  });

  it('submits later checkpoints with a consistency proof from what each witness cosigned', async () => {
    await append(300);
    expect(await t.ctx.witnesses!.collectOnce()).toBe(true);
    expect((await witnesses[0]!.service.latest(t.ctx.log.origin))?.size).toBe(310);
    const status = await t.ctx.witnesses!.status();
    expect(status.map((s) => [s.name, s.size, s.lastError === null])).toEqual([
      ['w1', 310, true],
      ['w2', 310, true],
      ['w3', 0, false],
    ]);
  });

  it('follows a 409 by retrying from the size the witness reports', async () => {
    // The log forgets what w1 cosigned (a restored backup, say): w1 answers 409 with 310.
    await sql`update log_witnesses set size = 0 where name = 'w1'`.execute(t.ctx.db);
    await append(5);
    expect(await t.ctx.witnesses!.collectOnce()).toBe(true);
    expect((await witnesses[0]!.service.latest(t.ctx.log.origin))?.size).toBe(315);
  });

  it('keeps serving the last quorum-signed checkpoint while the quorum is missing', async () => {
    await witnesses[1]!.app.close();
    await append(7);
    expect(await t.ctx.witnesses!.collectOnce()).toBe(false);
    const note = (await served())!;
    expect(note.split('\n')[1]).toBe('315');
    const ready = (await app.inject({ method: 'GET', url: '/readyz' })).json();
    expect(ready.witnesses).toMatchObject({ servedSize: 315, latestSize: 322 });
    expect(ready.witnesses.failing.map((f: { name: string }) => f.name)).toEqual(['w2', 'w3']);
    // Proofs are served against the served (cosigned) checkpoint only.
    const proof = await app.inject({ method: 'GET', url: '/api/v1/log/proof?index=320' });
    expect(proof.statusCode).toBe(400);
  });

  it('lets only log.admin see the witness status', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/log/witnesses' });
    expect(res.statusCode).toBe(401);
  });
});
