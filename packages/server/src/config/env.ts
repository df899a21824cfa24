/** Step one of configuration: a flat read of every variable Hotline looks at. Nothing is parsed here. */
export interface ServerEnv {
  host?: string;
  port?: string;
  dataDir?: string;
  databaseUrl?: string;
  demo?: string;
  demoForce?: string;
  logLevel?: string;
  publicUrl?: string;
  sessionTtlHours?: string;
  inviteTtlHours?: string;
  logOrigin?: string;
  logKeyFile?: string;
  archiveKeyFile?: string;
  sessionKeyFile?: string;
  authRateLimit?: string;
  publicRateLimit?: string;
  iceServers?: string;
  webDir?: string;
  flashReviewers?: string;
  memconDeadlineDays?: string;
  readoutDeadlineDays?: string;
  readoutSeparateApprover?: string;
  trustProxy?: string;
  uploadLimits?: string;
  uploadsPerPerson?: string;
  uploadsTotal?: string;
  checkpointIntervalSeconds?: string;
  deviceBoundRoles?: string;
  witnessPolicy?: string;
  demoWitnessPort?: string;
  roleGrantConfirmation?: string;
  disposalWaitingDays?: string;
  smtpUrl?: string;
  smtpFrom?: string;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  return {
    host: env.HOTLINE_HOST,
    port: env.HOTLINE_PORT,
    dataDir: env.HOTLINE_DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    demo: env.HOTLINE_DEMO,
    demoForce: env.HOTLINE_DEMO_ALLOW_PUBLIC_URL_AND_REAL_DATA,
    logLevel: env.HOTLINE_LOG_LEVEL,
    publicUrl: env.HOTLINE_PUBLIC_URL,
    sessionTtlHours: env.HOTLINE_SESSION_TTL_HOURS,
    inviteTtlHours: env.HOTLINE_INVITE_TTL_HOURS,
    logOrigin: env.HOTLINE_LOG_ORIGIN,
    logKeyFile: env.HOTLINE_LOG_KEY_FILE,
    archiveKeyFile: env.HOTLINE_ARCHIVE_KEY_FILE,
    sessionKeyFile: env.HOTLINE_SESSION_KEY_FILE,
    authRateLimit: env.HOTLINE_AUTH_RATE_LIMIT,
    publicRateLimit: env.HOTLINE_PUBLIC_RATE_LIMIT,
    iceServers: env.HOTLINE_ICE_SERVERS,
    webDir: env.HOTLINE_WEB_DIR,
    flashReviewers: env.HOTLINE_FLASH_REVIEWERS,
    memconDeadlineDays: env.HOTLINE_MEMCON_DEADLINE_DAYS,
    readoutDeadlineDays: env.HOTLINE_READOUT_DEADLINE_DAYS,
    readoutSeparateApprover: env.HOTLINE_READOUT_SEPARATE_APPROVER,
    trustProxy: env.HOTLINE_TRUST_PROXY,
    smtpUrl: env.HOTLINE_SMTP_URL,
    smtpFrom: env.HOTLINE_SMTP_FROM,
    uploadLimits: env.HOTLINE_UPLOAD_LIMITS,
    uploadsPerPerson: env.HOTLINE_UPLOADS_PER_PERSON,
    uploadsTotal: env.HOTLINE_UPLOADS_TOTAL,
    checkpointIntervalSeconds: env.HOTLINE_CHECKPOINT_INTERVAL_SECONDS,
    deviceBoundRoles: env.HOTLINE_DEVICE_BOUND_ROLES,
    witnessPolicy: env.HOTLINE_WITNESS_POLICY,
    demoWitnessPort: env.HOTLINE_DEMO_WITNESS_PORT,
    roleGrantConfirmation: env.HOTLINE_ROLE_GRANT_CONFIRMATION,
    disposalWaitingDays: env.HOTLINE_DISPOSAL_WAITING_DAYS,
  };
}
