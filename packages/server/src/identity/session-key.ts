import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { ConfigError } from '@hotline/common';
import { readKeyFile, writeKeyFile } from '../records/keys.js';

/**
 * The cookie-signing secret has its own key file (session.key), so it is not derived from the
 * archive key: it can be rotated (everyone is signed out) without touching sealed content.
 */
export function createSessionKeyFile(path: string): void {
  writeKeyFile(path, `${randomBytes(32).toString('base64')}\n`);
}

export function loadSessionSecret(path: string): string {
  const raw = readKeyFile(path, 'HOTLINE_SESSION_KEY_FILE');
  if (Buffer.from(raw, 'base64').length < 32) {
    throw new ConfigError(
      'HOTLINE_SESSION_KEY_FILE',
      `${path} does not hold a 32-byte base64 key; delete it and run "hotline keys init" (everyone is signed out).`,
    );
  }
  return raw;
}

/** Load the session key, creating it when missing (a new one only signs people out). */
export function ensureSessionSecret(path: string, onCreate: (path: string) => void): string {
  if (!existsSync(path)) {
    createSessionKeyFile(path);
    onCreate(path);
  }
  return loadSessionSecret(path);
}
