import { envToConfig, readEnv, type ServerConfig } from '@hotline/server/light';

/** Load config, turning a ConfigError into a one-line message and exit code 2. */
export function loadConfig(): ServerConfig {
  try {
    return envToConfig(readEnv());
  } catch (err) {
    fail(err);
  }
}

export function fail(err: unknown, code = 1): never {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`hotline: ${msg}\n`);
  process.exit(err instanceof Error && err.name === 'ConfigError' ? 2 : code);
}
