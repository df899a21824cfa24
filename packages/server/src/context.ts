import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Clock, createLogger, type Logger, systemClock } from '@hotline/common';
import { parseSignerKey, type Signer } from '@hotline/ledger';
import { type Calls, createCalls } from './calls/domain.js';
import { CaptureService } from './capture/capture-service.js';
import { CaptureQueries } from './capture/queries.js';
import type { ServerConfig } from './config/config.js';
import { restrictUmask, securePrivateTree } from './db/data-dir.js';
import { type DatabaseHandle, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { assertDemoAllowed, assertDemoMayCreateKey } from './demo/guard.js';
import { seedDemo } from './demo/seed.js';
import { seedDemoCalls } from './demo/seed-calls.js';
import { seedDemoCapture } from './demo/seed-capture.js';
import { AuthService } from './identity/auth-service.js';
import { IdentityService } from './identity/identity-service.js';
import { IdentityQueries } from './identity/queries.js';
import { ensureSessionSecret } from './identity/session-key.js';
import { SessionsService } from './identity/sessions-service.js';
import type { ArchiveCipher } from './records/archive-key.js';
import { loadArchiveKeyring, readLogTransition, transitionCosigners } from './records/key-rotation.js';
import {
  createArchiveKeyFile,
  createLogKeyFile,
  loadArchiveCipher,
  readLogSignerKey,
} from './records/keys.js';
import { LogService } from './records/log-service.js';
import { RecordsService } from './records/records-service.js';

export interface ContextOverrides {
  db?: DatabaseHandle;
  clock?: Clock;
  logger?: Logger;
  cipher?: ArchiveCipher;
  logSigner?: Signer;
  /** The cookie-signing secret (default: the session key file). */
  sessionSecret?: string;
}

/**
 * Everything the server, the CLI and the tests need, built once from config. Tests pass
 * overrides (a per-file database, a manual clock) instead of mocking modules.
 */
export class AppContext {
  private readonly disposers: (() => Promise<void>)[] = [];

  private constructor(
    readonly cfg: ServerConfig,
    readonly logger: Logger,
    readonly clock: Clock,
    readonly database: DatabaseHandle,
    readonly records: RecordsService,
    readonly identity: IdentityService,
    readonly identityQueries: IdentityQueries,
    readonly auth: AuthService,
    readonly log: LogService,
    /** The leader-call domain: its services (writes) and queries (reads). */
    readonly calls: Calls,
    readonly capture: CaptureService,
    readonly captureQueries: CaptureQueries,
    readonly cipher: ArchiveCipher,
    /** Signs session cookies; its own key file (session.key), not derived from the archive key. */
    readonly sessionSecret: string,
  ) {
    this.sessions = new SessionsService(database.db, records, clock, auth.sessionEvents);
  }

  /** Sessions, deactivation and pending invitations under the administrator's hand. */
  readonly sessions: SessionsService;

  get db() {
    return this.database.db;
  }

  static async fromConfig(cfg: ServerConfig, overrides: ContextOverrides = {}): Promise<AppContext> {
    const logger = overrides.logger ?? createLogger({ level: cfg.logLevel });
    const clock = overrides.clock ?? systemClock;
    // Everything Hotline writes (database, keys) is private to its user, whatever the umask.
    restrictUmask();
    securePrivateTree(cfg.dataDir, logger);
    await assertDemoAllowed(cfg, undefined);
    const database =
      overrides.db ??
      (await openDatabase(
        cfg.databaseUrl ? { url: cfg.databaseUrl } : { pgliteDir: join(cfg.dataDir, 'db') },
      ));
    let cipher: ArchiveCipher;
    let logSigner: Signer;
    let sessionSecret: string;
    try {
      // PGlite writes some files with modes of its own (0644): fix them quietly, as on close.
      securePrivateTree(cfg.dataDir);
      await assertDemoAllowed(cfg, database.db);
      if (cfg.demo && !overrides.cipher && !existsSync(cfg.archiveKeyFile)) {
        await assertDemoMayCreateKey(database.db, cfg.archiveKeyFile, 'HOTLINE_ARCHIVE_KEY_FILE');
        createArchiveKeyFile(cfg.archiveKeyFile);
        logger.warn({ file: cfg.archiveKeyFile }, 'demo mode: created an archive key');
      }
      cipher = overrides.cipher ?? loadArchiveKeyring(cfg.archiveKeyFile);
      if (cfg.demo && !overrides.logSigner && !existsSync(cfg.logKeyFile)) {
        await assertDemoMayCreateKey(database.db, cfg.logKeyFile, 'HOTLINE_LOG_KEY_FILE');
        createLogKeyFile(cfg.logKeyFile, cfg.logOrigin);
        logger.warn({ file: cfg.logKeyFile }, 'demo mode: created a records-log signing key');
      }
      logSigner = overrides.logSigner ?? parseSignerKey(readLogSignerKey(cfg.logKeyFile));
      sessionSecret =
        overrides.sessionSecret ??
        ensureSessionSecret(cfg.sessionKeyFile, (file) =>
          logger.warn(
            { file },
            'created the session-cookie key (session.key); anyone signed in before must sign in again',
          ),
        );
    } catch (err) {
      if (!overrides.db) await database.close();
      throw err;
    }
    const records = new RecordsService(clock, cipher);
    const identity = new IdentityService(database.db, records, clock, cfg.inviteTtlMs);
    const auth = new AuthService(database.db, records, clock, {
      rpId: cfg.rpId,
      rpName: 'Hotline',
      origin: cfg.publicUrl,
      sessionTtlMs: cfg.sessionTtlMs,
      demo: cfg.demo,
    });
    const log = new LogService(
      database.db,
      {
        origin: cfg.logOrigin,
        signer: logSigner,
        cosigners: overrides.logSigner ? undefined : transitionCosigners(readLogTransition(cfg.logKeyFile)),
      },
      clock,
      logger.child({ component: 'log' }),
    );
    const calls = createCalls(database.db, records, clock, cfg.callPolicy, cfg.publicUrl);
    const capture = new CaptureService(database.db, records, clock, calls.requests);
    const ctx = new AppContext(
      cfg,
      logger,
      clock,
      database,
      records,
      identity,
      new IdentityQueries(database.db),
      auth,
      log,
      calls,
      capture,
      new CaptureQueries(database.db, clock, records),
      cipher,
      sessionSecret,
    );
    ctx.disposers.push(async () => void securePrivateTree(cfg.dataDir));
    if (!overrides.db) ctx.disposers.push(() => database.close());
    return ctx;
  }

  /** Migrate, then seed the demo world if demo mode is on. */
  async prepare(): Promise<void> {
    const applied = await migrateToLatest(this.db);
    if (applied.length) this.logger.info({ applied }, 'applied migrations');
    if (this.cfg.demo) {
      await seedDemo(this.db, this.identity, this.logger, [
        () => seedDemoCalls(this.db, this.records, this.clock.now(), this.calls.policy),
        () => seedDemoCapture(this.db, this.capture, this.captureQueries, this.clock.now()),
      ]);
    }
  }

  /** Start background work (the log integrator). Stopped by close(). */
  startBackground(): void {
    const ac = new AbortController();
    const running = this.log.run(ac.signal);
    this.onDispose(async () => {
      ac.abort();
      await running;
    });
  }

  onDispose(fn: () => Promise<void>): void {
    this.disposers.push(fn);
  }

  /** Dispose in reverse order of creation. */
  async close(): Promise<void> {
    for (const d of this.disposers.reverse()) {
      try {
        await d();
      } catch (err) {
        this.logger.error({ err }, 'error while shutting down');
      }
    }
    this.disposers.length = 0;
  }
}
