import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Logger } from '@hotline/common';
import { PolicyError, parseVerifierKey, parseWitnessPolicy, type WitnessPolicy } from '@hotline/ledger';
import type { AppContext } from '../context.js';
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
export async function startDemoWitness(
  ctx: AppContext,
  logger: Logger,
): Promise<{ policy: WitnessPolicy; close(): Promise<void> }> {
  const dir = join(ctx.cfg.dataDir, 'demo-witness');
  const logs = new Map([[ctx.log.origin, [parseVerifierKey(ctx.log.verifierKey)]]]);
  const w = await startWitnessServer({
    dir,
    name: DEMO_WITNESS_NAME,
    logs,
    db: ctx.database,
    host: '127.0.0.1',
    port: ctx.cfg.demoWitnessPort,
    clock: ctx.clock,
    logger,
  });
  const text = `# The demo's witness, standing for the national archive (C2SP tlog-witness v1.0.0).\nwitness archive ${w.vkey} ${w.url}\nquorum archive\n`;
  writeFileSync(join(dir, 'policy.txt'), text, { mode: 0o600 });
  logger.info({ url: w.url, vkey: w.vkey }, 'demo mode: the national archive witness is running');
  return { policy: parseWitnessPolicy(text), close: w.close };
}
