import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '@hotline/common';
import { ConfigError, type Logger } from '@hotline/common';
import { PolicyError, parseVerifierKey, parseWitnessPolicy, type WitnessPolicy } from '@hotline/ledger';
import type { DatabaseHandle } from '../db/database.js';
import { startWitnessServer } from './standalone.js';

export function loadWitnessPolicy(file: string): WitnessPolicy {
  try {
    return parseWitnessPolicy(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof PolicyError)
      throw new ConfigError('HOTLINE_WITNESS_POLICY', `${file}: ${err.message}`);
    throw err;
  }
}

export const DEMO_WITNESS_NAME = 'archive.demo/witness';

/**
 * The demo's witness, standing for the national archive: in this process, on its own port
 * (HOTLINE_DEMO_WITNESS_PORT, default any free one), with its key in <data dir>/demo-witness and
 * its state in the witness table of Hotline's own database. A real witness runs elsewhere
 * (hotline witness serve). Writes the policy to <data dir>/demo-witness/policy.txt, for
 * `hotline verify --policy`.
 */
export interface DemoWitnessDeps {
  dataDir: string;
  port: number;
  /** The records log it follows: its origin and verifier key. */
  log: { origin: string; verifierKey: string };
  database: DatabaseHandle;
  clock: Clock;
}

export async function startDemoWitness(
  ctx: DemoWitnessDeps,
  logger: Logger,
): Promise<{ policy: WitnessPolicy; close(): Promise<void> }> {
  const dir = join(ctx.dataDir, 'demo-witness');
  const logs = new Map([[ctx.log.origin, [parseVerifierKey(ctx.log.verifierKey)]]]);
  const w = await startWitnessServer({
    dir,
    name: DEMO_WITNESS_NAME,
    logs,
    db: ctx.database,
    host: '127.0.0.1',
    port: ctx.port,
    clock: ctx.clock,
    logger,
  });
  const text = `# The demo's witness, standing for the national archive (C2SP tlog-witness v1.0.0).\nwitness archive ${w.vkey} ${w.url}\nquorum archive\n`;
  writeFileSync(join(dir, 'policy.txt'), text, { mode: 0o600 });
  logger.info({ url: w.url, vkey: w.vkey }, 'demo mode: the national archive witness is running');
  return { policy: parseWitnessPolicy(text), close: w.close };
}
