import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  consistencyProof,
  formatAddCheckpoint,
  generateCosignerKey,
  generateSignerKey,
  httpFetcher,
  LogClient,
  MemoryLog,
  parseSignerKey,
  parseVerifierKey,
  parseWitnessPolicy,
} from '@hotline/ledger';
import { openDatabase, type RunningWitness, startWitnessServer } from '@hotline/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MonitorState, monitorOnce } from '../src/monitor.js';

const ORIGIN = 'records.example/hotline/records';
const enc = new TextEncoder();
const entries = (from: number, n: number, tag = 'a') =>
  Array.from({ length: n }, (_, i) => enc.encode(`${tag} ${from + i}`));

/** hotline monitor's core: a log that forks, or shows its witness another history, raises the alarm. */
describe('hotline monitor', () => {
  const logKey = generateSignerKey(ORIGIN);
  const signer = parseSignerKey(logKey.signer);
  let served: MemoryLog;
  let server: Server;
  let base: string;
  let witness: RunningWitness;
  let db: Awaited<ReturnType<typeof openDatabase>>;
  const dir = mkdtempSync(join(tmpdir(), 'hotline-monitor-'));
  let policy: ReturnType<typeof parseWitnessPolicy>;
  let client: LogClient;
  const state: MonitorState = { origin: ORIGIN, checkpoints: [] };

  const feedWitness = async (log: MemoryLog, old: number) => {
    const proof = old === 0 ? [] : await consistencyProof(log.tiles, old, log.integratedSize);
    const res = await fetch(`${witness.url}/add-checkpoint`, {
      method: 'POST',
      body: formatAddCheckpoint(old, proof, log.publish().note),
    });
    return res.status;
  };

  beforeAll(async () => {
    served = new MemoryLog(ORIGIN, signer);
    server = createServer(async (req, res) => {
      const body = await served.get((req.url ?? '').replace(/^\/log\//, ''));
      res.writeHead(body ? 200 : 404).end(body ? Buffer.from(body) : 'not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/log`;
    db = await openDatabase({});
    const w = generateCosignerKey('archive.example/witness');
    writeFileSync(join(dir, 'witness.key'), `${w.signer}\n`, { mode: 0o600 });
    witness = await startWitnessServer({
      dir,
      db,
      port: 0,
      logs: new Map([[ORIGIN, [parseVerifierKey(logKey.verifier)]]]),
    });
    policy = parseWitnessPolicy(
      `log ${logKey.verifier}\nwitness archive ${w.verifier} ${witness.url}\nquorum archive\n`,
    );
    client = new LogClient(httpFetcher(base), logKey.verifier, ORIGIN);
  });
  afterAll(async () => {
    await witness.close();
    await db.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('follows an honest log and its witness without alarm, keeping each checkpoint', async () => {
    await served.append(entries(0, 10));
    expect(await feedWitness(served, 0)).toBe(200);
    let r = await monitorOnce(client, state, policy);
    expect(r.alerts).toEqual([]);
    await served.append(entries(10, 10));
    expect(await feedWitness(served, 10)).toBe(200);
    r = await monitorOnce(client, state, policy);
    expect(r.alerts).toEqual([]);
    expect(state.checkpoints.map((c) => c.size)).toEqual([10, 20]);
  });

  it('alerts when the log serves a checkpoint inconsistent with one it served before (a fork)', async () => {
    const fork = new MemoryLog(ORIGIN, signer);
    await fork.append(entries(0, 10));
    await fork.append(entries(10, 15, 'forked'));
    // The witness refuses the fork.
    expect(await feedWitness(fork, 20)).toBe(422);
    served = fork;
    const r = await monitorOnce(client, structuredClone(state), policy);
    expect(r.alerts.join('\n')).toMatch(/size 20 and 25 are inconsistent/);
  });

  it('alerts when a witness holds a size the log never served', async () => {
    // The operator shows the witness a longer tree than the public ever sees.
    const hidden = new MemoryLog(ORIGIN, signer);
    await hidden.append(entries(0, 20));
    await hidden.append(entries(20, 20, 'hidden'));
    expect(await feedWitness(hidden, 20)).toBe(200);
    const honest = new MemoryLog(ORIGIN, signer);
    await honest.append(entries(0, 20));
    served = honest;
    const r = await monitorOnce(client, { origin: ORIGIN, checkpoints: [] }, policy);
    expect(r.alerts.join('\n')).toMatch(/witness archive reports size 40, which this log never served/);
  });
});
