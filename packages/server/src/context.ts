import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Clock, createLogger, type Logger, systemClock } from '@hotline/common';
import { parseSignerKey, type Signer } from '@hotline/ledger';
import { sql } from 'kysely';
import { AccessRequestService } from './archive/access-requests.js';
import { ArchiveService } from './archive/archive-service.js';
import { DisposalService } from './archive/disposal-service.js';
import { ArchiveQueries } from './archive/queries.js';
import { RedactionService } from './archive/redaction-service.js';
import { type Calls, createCalls } from './calls/domain.js';
import { CaptureService } from './capture/capture-service.js';
import { CaptureQueries } from './capture/queries.js';
import type { ServerConfig } from './config/config.js';
import { findBaseline } from './db/baseline-file.js';
import { restrictUmask, securePrivateTree } from './db/data-dir.js';
import { type DatabaseHandle, openDatabase } from './db/database.js';
import { embeddedDatabaseDir } from './db/embedded.js';

// For serve.ts, which starts the embedded database's thread before it builds the context.
export { startEmbeddedDatabase } from './db/embedded.js';
export type { PGliteThread } from './db/pglite-thread.js';

import { migrateToLatest, pendingMigrations } from './db/migrate.js';
import type { PGliteThread } from './db/pglite-thread.js';
import { assertDemoAllowed, assertDemoMayCreateKey } from './demo/guard.js';
import { seedDemo } from './demo/seed.js';
import { seedDemoCalls } from './demo/seed-calls.js';
import { seedDemoCapture } from './demo/seed-capture.js';
import { AuthService } from './identity/auth-service.js';
import { IdentityService } from './identity/identity-service.js';
import { IdentityQueries } from './identity/queries.js';
import { ensureSessionSecret } from './identity/session-key.js';
import { SessionsService } from './identity/sessions-service.js';
import { loadOrCreateAuthority, type MessagingAuthority } from './messaging/authority.js';
import { CredentialsService } from './messaging/credentials-service.js';
import { MessagingService } from './messaging/messaging-service.js';
import { MessagingQueries } from './messaging/queries.js';
import { RecordsArchiveService } from './messaging/records-archive-service.js';
import { smtpMailer } from './notifications/mailer.js';
import { NotificationsService } from './notifications/notifications-service.js';
import { NotificationQueries } from './notifications/queries.js';
import type { ArchiveKeyring } from './records/archive-key.js';
import { ArchiveKeyCustody } from './records/key-custody.js';
import { loadArchiveKeyring, readLogTransition, transitionCosigners } from './records/key-rotation.js';
import {
  archivePublicKeyFile,
  createArchiveKeyFile,
  createLogKeyFile,
  readLogSignerKey,
} from './records/keys.js';
import { LogService } from './records/log-service.js';
import { RecordsService } from './records/records-service.js';
import { traceStartup } from './startup-trace.js';
import { SealTransferredService } from './transfer/seal-transferred.js';
import { TransferJobs } from './transfer/transfer-jobs.js';
import { TransferService } from './transfer/transfer-service.js';
import { WitnessCollector } from './witness/collector.js';
import { type DemoWitness, loadWitnessPolicy, startDemoWitness } from './witness/demo-witness.js';

export interface ContextOverrides {
  db?: DatabaseHandle;
  /**
   * The embedded database already opening on its thread (`serve` starts it first thing); the
   * context owns it (closes it on failure and at close). Ignored with `db` or a PostgreSQL URL.
   */
  pgliteThread?: PGliteThread;
  /**
   * With `pgliteThread`: return the context while the database is still opening (its queries
   * wait on the thread), so `serve` builds its routes meanwhile. The demo guard's look into the
   * database then runs in the background, and prepare() waits for it before anything else.
   */
  whileOpening?: boolean;
  clock?: Clock;
  logger?: Logger;
  cipher?: ArchiveKeyring;
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
    readonly cipher: ArchiveKeyring,
    /** Signs session cookies; its own key file (session.key), not derived from the archive key. */
    readonly sessionSecret: string,
  ) {
    this.sessions = new SessionsService(database.db, records, clock, auth.sessionEvents);
    this.archiveQueries = new ArchiveQueries(database.db, captureQueries, clock);
    this.archive = new ArchiveService(database.db, records, clock, this.archiveQueries);
    this.custody = new ArchiveKeyCustody(database.db, records);
    this.messaging = new MessagingService(database.db, records, clock);
    this.messagingQueries = new MessagingQueries(database.db);
    this.recordsArchive = new RecordsArchiveService(database.db, records, clock, this.messaging.events);
    let authority: Promise<MessagingAuthority> | undefined;
    this.messagingCredentials = new CredentialsService(
      database.db,
      records,
      clock,
      () => {
        authority ??= loadOrCreateAuthority(join(cfg.dataDir, 'keys', 'messaging-authority.key'));
        authority.catch(() => {
          authority = undefined;
        });
        return authority;
      },
      cfg.demo,
    );
    this.accessRequests = new AccessRequestService(database.db, records, clock);
    this.redactions = new RedactionService(database.db, records, clock);
    this.disposals = new DisposalService(database.db, records, clock, cfg.disposalWaitingDays);
    this.transfer = new TransferService(
      database.db,
      records,
      log,
      this.archiveQueries,
      clock,
      () => this.servedCheckpoint(),
      () => this.witnesses?.policy ?? null,
      this.custody,
    );
    this.sealTransferred = new SealTransferredService(database.db, records, log, clock);
    this.transferJobs = new TransferJobs(this.transfer, this.sealTransferred, cfg.dataDir, clock);
    const mailer = cfg.smtpUrl ? smtpMailer(cfg.smtpUrl) : null;
    if (mailer) this.disposers.push(async () => mailer.close());
    this.notifications = new NotificationsService(database.db, records, clock, {
      publicUrl: cfg.publicUrl,
      mailer,
      from: cfg.smtpFrom,
      logger: logger.child({ component: 'notifications' }),
    });
    this.notificationQueries = new NotificationQueries(database.db, mailer !== null);
    calls.notifyWith(this.notifications);
  }

  /** Opening the archive with k of n custodians' key shares, for one act (records/key-custody). */
  readonly custody: ArchiveKeyCustody;

  /** Where an office's records member hands in each message sealed to the archive key (messaging/). */
  readonly recordsArchive: RecordsArchiveService;

  /** Messaging's delivery service (messaging/): MLS key packages, conversations, ciphertext. */
  readonly messaging: MessagingService;
  readonly messagingQueries: MessagingQueries;
  /** Messaging's authentication service: credentials signed by the authority key in the data dir. */
  readonly messagingCredentials: CredentialsService;

  /** Transfer to the national archive: BagIt bags with proofs (transfer/). */
  readonly transfer: TransferService;
  /** Transfers started from the records screen, running in this process. */
  readonly transferJobs: TransferJobs;
  /** Dropping the plaintext of what a verified transfer holds (transfer/seal-transferred.ts). */
  readonly sealTransferred: SealTransferredService;

  /** Notifications: written with the change that makes work for someone, sent live and by email. */
  readonly notifications: NotificationsService;
  readonly notificationQueries: NotificationQueries;

  /** The archive at work: search, legal holds, access history (archive/). */
  readonly archive: ArchiveService;
  readonly archiveQueries: ArchiveQueries;
  /** Access requests (44 U.S.C. 2205, FOIA) and the 2208 notice clock (archive/access-requests.ts). */
  readonly accessRequests: AccessRequestService;
  /** Redacted copies and the exports answering access requests (archive/redaction-service.ts). */
  readonly redactions: RedactionService;
  /** Disposal requests and purges of personal records and non-record copies (archive/disposal-service.ts). */
  readonly disposals: DisposalService;

  /** Sessions, deactivation and pending invitations under the administrator's hand. */
  readonly sessions: SessionsService;

  /** Migrations not yet applied; throws when the database does not answer (readiness). */
  async pendingMigrations(): Promise<string[]> {
    await sql`select 1`.execute(this.db);
    return pendingMigrations(this.db);
  }

  get db() {
    return this.database.db;
  }

  /** Collects witness cosignatures when a witness policy is configured (or the demo's witness runs). */
  witnesses: WitnessCollector | null = null;

  /** What /log/checkpoint serves: with witnesses, the latest checkpoint carrying its quorum. */
  servedCheckpoint() {
    return this.witnesses ? this.witnesses.served() : this.log.latestCheckpoint();
  }

  /** Resolves once the demo's witness process answers (at once without a demo witness). */
  witnessReady: Promise<void> = Promise.resolve();

  /** The demo's witness process, when demo mode started one. */
  demoWitness: DemoWitness | null = null;

  /**
   * Set up witnessing: the policy of HOTLINE_WITNESS_POLICY, or in demo mode (without a policy) a
   * witness standing for the national archive, as a process of its own: `started` (serve starts
   * it before opening the database) or started here. `witnessReady` says when it answers.
   */
  async startWitnessing(started?: DemoWitness): Promise<void> {
    const logger = this.logger.child({ component: 'witnesses' });
    let policy = this.cfg.witnessPolicyFile ? loadWitnessPolicy(this.cfg.witnessPolicyFile) : null;
    if (!policy && this.cfg.demo) {
      const demo =
        started ??
        (await startDemoWitness(
          { dataDir: this.cfg.dataDir, port: this.cfg.demoWitnessPort, log: this.log },
          logger,
        ));
      this.onDispose(demo.close);
      this.demoWitness = demo;
      this.witnessReady = demo.ready;
      policy = demo.policy;
    }
    if (!policy) return;
    this.witnesses = new WitnessCollector(this.db, this.log, policy, this.clock, logger);
  }

  static async fromConfig(cfg: ServerConfig, overrides: ContextOverrides = {}): Promise<AppContext> {
    const logger = overrides.logger ?? createLogger({ level: cfg.logLevel });
    const clock = overrides.clock ?? systemClock;
    // Everything Hotline writes (database, keys) is private to its user, whatever the umask.
    restrictUmask();
    // Looser modes found at start are tightened with a warning; PGlite's own files (0666 whatever
    // the umask) are made private again by openDatabase after every open and close.
    try {
      securePrivateTree(cfg.dataDir, logger);
      await assertDemoAllowed(cfg, undefined);
    } catch (err) {
      await overrides.pgliteThread?.close();
      throw err;
    }
    traceStartup('opening the database');
    const whileOpening =
      !!overrides.whileOpening && !!overrides.pgliteThread && !overrides.db && !cfg.databaseUrl;
    const database =
      overrides.db ??
      (await openDatabase(
        cfg.databaseUrl
          ? { url: cfg.databaseUrl }
          : {
              pgliteDir: embeddedDatabaseDir(cfg),
              baseline: findBaseline(),
              ...(overrides.pgliteThread
                ? { thread: overrides.pgliteThread, waitForOpen: !whileOpening }
                : {}),
            },
      ));
    let cipher: ArchiveKeyring;
    let logSigner: Signer;
    let sessionSecret: string;
    let demoAllowed: Promise<void>;
    try {
      if (whileOpening) {
        // What needs no database is refused at once; the look into it runs as it opens.
        await assertDemoAllowed(cfg, undefined);
        demoAllowed = assertDemoAllowed(cfg, database.db);
        demoAllowed.catch(() => {});
      } else {
        await assertDemoAllowed(cfg, database.db);
        demoAllowed = Promise.resolve();
      }
      if (
        cfg.demo &&
        !overrides.cipher &&
        !existsSync(cfg.archiveKeyFile) &&
        // a split archive key: only archive.pub is left, by design
        !existsSync(archivePublicKeyFile(cfg.archiveKeyFile))
      ) {
        await demoAllowed;
        await assertDemoMayCreateKey(database.db, cfg.archiveKeyFile, 'HOTLINE_ARCHIVE_KEY_FILE');
        createArchiveKeyFile(cfg.archiveKeyFile);
        logger.warn({ file: cfg.archiveKeyFile }, 'demo mode: created an archive key');
      }
      cipher = overrides.cipher ?? loadArchiveKeyring(cfg.archiveKeyFile);
      if (cfg.demo && !overrides.logSigner && !existsSync(cfg.logKeyFile)) {
        await demoAllowed;
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
    const auth = new AuthService(database.db, records, clock, {
      rpId: cfg.rpId,
      rpName: 'Hotline',
      origin: cfg.publicUrl,
      sessionTtlMs: cfg.sessionTtlMs,
      demo: cfg.demo,
      devicePolicy: cfg.devicePolicy,
    });
    const identity = new IdentityService(
      database.db,
      records,
      clock,
      cfg.inviteTtlMs,
      cfg.roleGrantConfirmation,
      auth.sessionEvents,
    );
    const log = new LogService(
      database.db,
      {
        origin: cfg.logOrigin,
        signer: logSigner,
        intervalMs: cfg.checkpointIntervalMs,
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
      new IdentityQueries(database.db, cfg.devicePolicy),
      auth,
      log,
      calls,
      capture,
      new CaptureQueries(database.db, clock, records),
      cipher,
      sessionSecret,
    );
    if (!overrides.db) ctx.disposers.push(() => database.close());
    ctx.opened = demoAllowed;
    return ctx;
  }

  /** The demo guard's look into the database, when the context was made while it opened. */
  private opened: Promise<void> = Promise.resolve();

  /** Migrate, then seed the demo world if demo mode is on. */
  async prepare(): Promise<void> {
    await this.opened;
    const applied = await migrateToLatest(this.db);
    traceStartup(`migrations checked (${applied.length} applied)`);
    if (applied.length) this.logger.info({ applied }, 'applied migrations');
    // A log of v1 entries (each one a record's envelope, in public) is refused until it is rebuilt.
    await this.log.assertV2();
    // Imports a crash interrupted: sealed ones are published, abandoned ones dropped.
    const leftover = await this.capture.finishLeftoverImports();
    if (leftover.published || leftover.dropped) this.logger.info(leftover, 'finished interrupted imports');
    traceStartup('log and imports checked');
    if (this.cfg.demo) {
      await seedDemo(this.db, this.identity, this.logger, [
        () => seedDemoCalls(this.db, this.records, this.clock.now(), this.calls.policy, this.cfg.publicUrl),
        () => seedDemoCapture(this.db, this.capture, this.captureQueries, this.clock.now()),
      ]);
      traceStartup('demo seeded (or found)');
    }
  }

  /** Start background work (the log integrator). Stopped by close(). */
  startBackground(): void {
    const ac = new AbortController();
    const running = this.log.run(ac.signal);
    const collecting = this.witnesses?.run(ac.signal, this.cfg.demo ? 250 : 1000);
    const mailing = this.notifications.run(ac.signal);
    this.onDispose(async () => {
      ac.abort();
      await running;
      await collecting;
      await mailing;
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
