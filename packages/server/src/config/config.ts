import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { ConfigError, type LogLevel, parseBoolVar, parseEnumVar, parseIntVar } from '@hotline/common';
import { type CallPolicy, DEFAULT_CALL_POLICY } from './call-policy.js';
import { type DevicePolicy, parseDeviceBoundRoles } from './device-policy.js';
import type { ServerEnv } from './env.js';
import { parseTrustProxy } from './trust-proxy.js';
import { parseUploadLimits, type UploadLimits } from './upload-limits.js';

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Step two: typed, defaulted, validated configuration. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Set for PostgreSQL; undefined means PGlite under dataDir/db. */
  databaseUrl: string | undefined;
  demo: boolean;
  /** HOTLINE_DEMO_ALLOW_PUBLIC_URL_AND_REAL_DATA: run demo mode on a public URL or real data. */
  demoForce: boolean;
  logLevel: LogLevel;
  /** The origin people use in their browsers; WebAuthn binds passkeys to its host (RP ID). */
  publicUrl: string;
  rpId: string;
  sessionTtlMs: number;
  inviteTtlMs: number;
  logOrigin: string;
  /**
   * HOTLINE_CHECKPOINT_INTERVAL_SECONDS: integrate and publish the records log only on this fixed
   * cadence (aligned to the clock), so the public sees the log grow once per interval rather than
   * as each record is written. 0 (the default): as soon as records are written.
   */
  checkpointIntervalMs: number;
  logKeyFile: string;
  archiveKeyFile: string;
  sessionKeyFile: string;
  authRateLimitPerMinute: number;
  publicRateLimitPerMinute: number;
  iceServers: IceServer[];
  /** The built web app (a folder with index.html); undefined: look for packages/web/dist. */
  webDir: string | undefined;
  /** Leader-call policy: approvals for flash requests, memcon and readout deadlines. */
  callPolicy: CallPolicy;
  /** Reverse proxies (addresses, CIDRs) whose X-Forwarded-For is believed; empty: none. */
  trustProxy: string[];
  /** The largest upload of each export kind, in bytes (HOTLINE_UPLOAD_LIMITS). */
  uploadLimits: UploadLimits;
  /** Uploads one person may run at once, and the server at once. */
  uploadsPerPerson: number;
  uploadsTotal: number;
  /** Which roles need a device-bound passkey (HOTLINE_DEVICE_BOUND_ROLES). */
  devicePolicy: DevicePolicy;
  /** HOTLINE_WITNESS_POLICY: the witness policy file; checkpoints are served only with its quorum. */
  witnessPolicyFile: string | undefined;
  /** HOTLINE_DEMO_WITNESS_PORT: the demo's in-process witness (0: any free port). */
  demoWitnessPort: number;
  /**
   * HOTLINE_ROLE_GRANT_CONFIRMATION: granting principal, administrator or reviewer waits for a
   * second administrator's confirmation. On by default, off by default in demo mode.
   */
  roleGrantConfirmation: boolean;
  /**
   * HOTLINE_DISPOSAL_WAITING_DAYS: calendar days between a disposal request (with the
   * Archivist's views, 44 U.S.C. 2203(c)–(e)) and the earliest day its item may be purged.
   */
  disposalWaitingDays: number;
  /**
   * HOTLINE_SMTP_URL: where notification emails go (smtp://host:port, smtps://user:pass@host:465);
   * undefined: notifications stay in the app.
   */
  smtpUrl: string | undefined;
  /** HOTLINE_SMTP_FROM: the sender of notification emails (default hotline@ the public host). */
  smtpFrom: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function envToConfig(env: ServerEnv): ServerConfig {
  const host = env.host?.trim() || '127.0.0.1';
  if (host !== 'localhost' && isIP(host) === 0) {
    throw new ConfigError(
      'HOTLINE_HOST',
      `"${host}" is not an IP address; use e.g. 127.0.0.1, 0.0.0.0 or ::1.`,
    );
  }
  const port = parseIntVar('HOTLINE_PORT', env.port, 8080, 0, 65535);
  const dataDir = resolve(env.dataDir?.trim() || './data');

  let databaseUrl: string | undefined;
  if (env.databaseUrl?.trim()) {
    const raw = env.databaseUrl.trim();
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new ConfigError(
        'DATABASE_URL',
        'is not a URL; use postgres://user:password@host:5432/dbname, or unset it for the embedded PGlite database.',
      );
    }
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
      throw new ConfigError(
        'DATABASE_URL',
        `scheme "${u.protocol}" is not supported; use postgres:// or postgresql://.`,
      );
    }
    databaseUrl = raw;
  }

  const publicUrlRaw = env.publicUrl?.trim() || `http://localhost:${port === 0 ? 8080 : port}`;
  let publicUrl: URL;
  try {
    publicUrl = new URL(publicUrlRaw);
  } catch {
    throw new ConfigError(
      'HOTLINE_PUBLIC_URL',
      `"${publicUrlRaw}" is not a URL; use e.g. https://hotline.example.gov.`,
    );
  }
  if (publicUrl.protocol !== 'https:' && publicUrl.hostname !== 'localhost') {
    throw new ConfigError(
      'HOTLINE_PUBLIC_URL',
      'must be https:// (passkeys need a secure context), except for http://localhost.',
    );
  }

  let iceServers: IceServer[] = [];
  if (env.iceServers?.trim()) {
    try {
      const parsed: unknown = JSON.parse(env.iceServers);
      if (
        !Array.isArray(parsed) ||
        !parsed.every((s) => typeof s === 'object' && s !== null && 'urls' in s)
      ) {
        throw new Error('shape');
      }
      iceServers = parsed as IceServer[];
    } catch {
      throw new ConfigError(
        'HOTLINE_ICE_SERVERS',
        'must be a JSON array like [{"urls":"stun:stun.example.gov:3478"},{"urls":"turn:turn.example.gov","username":"u","credential":"p"}].',
      );
    }
  }

  let webDir: string | undefined;
  if (env.webDir?.trim()) {
    webDir = resolve(env.webDir.trim());
    if (!existsSync(join(webDir, 'index.html'))) {
      throw new ConfigError(
        'HOTLINE_WEB_DIR',
        `${webDir} has no index.html; point it at the built web app (packages/web/dist after "npm run build"), or unset it to use that folder.`,
      );
    }
  }

  let smtpUrl: string | undefined;
  if (env.smtpUrl?.trim()) {
    smtpUrl = env.smtpUrl.trim();
    let u: URL | null = null;
    try {
      u = new URL(smtpUrl);
    } catch {
      u = null;
    }
    if (!u || (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') || !u.hostname) {
      throw new ConfigError(
        'HOTLINE_SMTP_URL',
        'is not an SMTP URL; use smtp://host:25, smtp://user:password@host:587 or smtps://host:465, or unset it to keep notifications in the app.',
      );
    }
  }

  const demo = parseBoolVar('HOTLINE_DEMO', env.demo, false);
  return {
    host,
    port,
    dataDir,
    databaseUrl,
    demo,
    demoForce: parseBoolVar('HOTLINE_DEMO_ALLOW_PUBLIC_URL_AND_REAL_DATA', env.demoForce, false),
    logLevel: parseEnumVar('HOTLINE_LOG_LEVEL', env.logLevel, LOG_LEVELS, 'info'),
    publicUrl: publicUrl.origin,
    rpId: publicUrl.hostname,
    sessionTtlMs: parseIntVar('HOTLINE_SESSION_TTL_HOURS', env.sessionTtlHours, 12, 1, 24 * 30) * 3_600_000,
    inviteTtlMs: parseIntVar('HOTLINE_INVITE_TTL_HOURS', env.inviteTtlHours, 72, 1, 24 * 30) * 3_600_000,
    // The origin names the log for good: it must not change with the port.
    logOrigin: env.logOrigin?.trim() || `${publicUrl.hostname}/hotline/records`,
    checkpointIntervalMs:
      parseIntVar('HOTLINE_CHECKPOINT_INTERVAL_SECONDS', env.checkpointIntervalSeconds, 0, 0, 86_400) * 1000,
    logKeyFile: resolve(env.logKeyFile?.trim() || `${dataDir}/keys/log.key`),
    archiveKeyFile: resolve(env.archiveKeyFile?.trim() || `${dataDir}/keys/archive.key`),
    sessionKeyFile: resolve(env.sessionKeyFile?.trim() || `${dataDir}/keys/session.key`),
    authRateLimitPerMinute: parseIntVar('HOTLINE_AUTH_RATE_LIMIT', env.authRateLimit, 30, 1, 100_000),
    publicRateLimitPerMinute: parseIntVar(
      'HOTLINE_PUBLIC_RATE_LIMIT',
      env.publicRateLimit,
      600,
      1,
      1_000_000,
    ),
    iceServers,
    webDir,
    callPolicy: {
      ...DEFAULT_CALL_POLICY,
      flashRequiresReviewers: parseIntVar(
        'HOTLINE_FLASH_REVIEWERS',
        env.flashReviewers,
        DEFAULT_CALL_POLICY.flashRequiresReviewers,
        1,
        10,
      ),
      memconDeadlineDays: parseIntVar(
        'HOTLINE_MEMCON_DEADLINE_DAYS',
        env.memconDeadlineDays,
        DEFAULT_CALL_POLICY.memconDeadlineDays,
        1,
        90,
      ),
      readoutDeadlineDays: parseIntVar(
        'HOTLINE_READOUT_DEADLINE_DAYS',
        env.readoutDeadlineDays,
        DEFAULT_CALL_POLICY.readoutDeadlineDays,
        1,
        90,
      ),
      readoutSeparateApprover: parseBoolVar(
        'HOTLINE_READOUT_SEPARATE_APPROVER',
        env.readoutSeparateApprover,
        DEFAULT_CALL_POLICY.readoutSeparateApprover,
      ),
    },
    trustProxy: parseTrustProxy(env.trustProxy),
    uploadLimits: parseUploadLimits(env.uploadLimits),
    uploadsPerPerson: parseIntVar('HOTLINE_UPLOADS_PER_PERSON', env.uploadsPerPerson, 2, 1, 100),
    uploadsTotal: parseIntVar('HOTLINE_UPLOADS_TOTAL', env.uploadsTotal, 4, 1, 1000),
    devicePolicy: { deviceBoundRoles: parseDeviceBoundRoles(env.deviceBoundRoles) },
    witnessPolicyFile: witnessPolicyFile(env.witnessPolicy),
    demoWitnessPort: parseIntVar('HOTLINE_DEMO_WITNESS_PORT', env.demoWitnessPort, 0, 0, 65535),
    roleGrantConfirmation: parseBoolVar('HOTLINE_ROLE_GRANT_CONFIRMATION', env.roleGrantConfirmation, !demo),
    disposalWaitingDays: parseIntVar('HOTLINE_DISPOSAL_WAITING_DAYS', env.disposalWaitingDays, 60, 0, 3650),
    smtpUrl,
    smtpFrom: env.smtpFrom?.trim() || `Hotline <hotline@${publicUrl.hostname}>`,
  };
}

function witnessPolicyFile(raw: string | undefined): string | undefined {
  if (!raw?.trim()) return undefined;
  const file = resolve(raw.trim());
  if (!existsSync(file))
    throw new ConfigError(
      'HOTLINE_WITNESS_POLICY',
      `no witness policy at ${file}; see the README section "Witnesses" for the format, or unset the variable.`,
    );
  return file;
}
