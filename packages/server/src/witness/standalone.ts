import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Clock, ConfigError, type Logger, systemClock } from '@hotline/common';
import {
  type Cosigner,
  cosignerVerifierKey,
  generateCosignerKey,
  parseCosignerKey,
  parseVerifierKey,
  type Verifier,
} from '@hotline/ledger';
import type { FastifyInstance } from 'fastify';
import { restrictUmask, securePrivateTree } from '../db/data-dir.js';
import { type DatabaseHandle, openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { readKeyFile, writeKeyFile } from '../records/keys.js';
import { buildWitnessApp } from './routes.js';
import { type FollowedLogs, WitnessService } from './witness-service.js';

/**
 * The logs a witness follows, one per line: `log <origin> <log verifier key>` ('#' comments).
 * An origin may be listed more than once (the old and new key during a rotation).
 */
export function parseWitnessConfig(text: string, file = 'the witness config'): FollowedLogs {
  const logs = new Map<string, Verifier[]>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const parts = line.split(/\s+/);
    if (parts.length !== 3 || parts[0] !== 'log')
      throw new ConfigError(
        'witness config',
        `${file} line ${i + 1}: expected "log <origin> <verifier key>"`,
      );
    let v: Verifier;
    try {
      v = parseVerifierKey(parts[2]!);
    } catch (err) {
      throw new ConfigError('witness config', `${file} line ${i + 1}: ${(err as Error).message}`);
    }
    logs.set(parts[1]!, [...(logs.get(parts[1]!) ?? []), v]);
  });
  return logs;
}

/** Create the witness key file (mode 0600) if it is missing; return the cosigner. */
export function ensureWitnessKey(path: string, name: string | undefined): Cosigner {
  if (!existsSync(path)) {
    if (!name)
      throw new ConfigError(
        'witness key',
        `no witness key at ${path}; create one with "hotline witness key --name <witness name>"`,
      );
    writeKeyFile(path, `${generateCosignerKey(name).signer}\n`);
  }
  const c = parseCosignerKey(readKeyFile(path, 'witness key'));
  if (name && name !== c.name)
    throw new ConfigError('witness key', `${path} holds the key of "${c.name}", not "${name}"`);
  return c;
}

export interface WitnessServerOptions {
  /** folder for the key, config and embedded database (defaults for the three below) */
  dir: string;
  keyFile?: string;
  configFile?: string;
  /**
   * or the followed logs directly; a promise (the demo's witness, told by the Hotline that started
   * it) is awaited once the database is open and migrated, so that work overlaps with Hotline's.
   */
  logs?: FollowedLogs | Promise<FollowedLogs>;
  /** PostgreSQL URL; default an embedded PGlite in <dir>/db */
  databaseUrl?: string;
  /** an open database to use (tests, the in-process demo witness) */
  db?: DatabaseHandle;
  host?: string;
  port?: number;
  name?: string;
  clock?: Clock;
  logger?: Logger;
}

export interface RunningWitness {
  url: string;
  vkey: string;
  service: WitnessService;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Start a standalone witness: key, followed logs, state, HTTP on its own port. */
export async function startWitnessServer(o: WitnessServerOptions): Promise<RunningWitness> {
  restrictUmask();
  const keyFile = o.keyFile ?? join(o.dir, 'witness.key');
  const configFile = o.configFile ?? join(o.dir, 'witness.conf');
  const cosigner = ensureWitnessKey(keyFile, o.name);
  let logs = o.logs;
  if (!logs) {
    if (!existsSync(configFile))
      throw new ConfigError(
        'witness config',
        `no witness config at ${configFile}; list the logs to follow, one "log <origin> <verifier key>" a line`,
      );
    logs = parseWitnessConfig(readFileSync(configFile, 'utf8'), configFile);
  }
  const database =
    o.db ?? (await openDatabase(o.databaseUrl ? { url: o.databaseUrl } : { pgliteDir: join(o.dir, 'db') }));
  try {
    await migrateToLatest(database.db);
    const service = new WitnessService(database.db, cosigner, await logs, o.clock ?? systemClock);
    const app = await buildWitnessApp(service, o.logger);
    const url = await app.listen({ host: o.host ?? '127.0.0.1', port: o.port ?? 7380 });
    return {
      url,
      vkey: cosignerVerifierKey(cosigner.name, cosigner.publicKey),
      service,
      app,
      async close() {
        await app.close();
        if (!o.db) await database.close();
        if (!o.databaseUrl) securePrivateTree(o.dir, undefined, 'witness folder');
      },
    };
  } catch (err) {
    if (!o.db) await database.close();
    throw err;
  }
}
