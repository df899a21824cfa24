import { createHash, generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '@hotline/common';
import { ArchiveCipher } from './archive-key.js';

/**
 * Key files live outside the database, mode 0600, created by `hotline keys init` (or by demo
 * mode on first start). The server never generates a production key silently.
 */
export function writeKeyFile(path: string, contents: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, contents, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
}

export function readKeyFile(path: string, variable: string): string {
  if (!existsSync(path)) {
    throw new ConfigError(
      variable,
      `no key file at ${path}. Create the keys with "npm run hotline -- keys init" (or set ${variable} to an existing key file).`,
    );
  }
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) {
    throw new ConfigError(
      variable,
      `${path} is readable by other users (mode ${mode.toString(8)}); run "chmod 600 ${path}".`,
    );
  }
  return readFileSync(path, 'utf8').trim();
}

export function createArchiveKeyFile(path: string): void {
  writeKeyFile(path, `${Buffer.from(ArchiveCipher.generateKey()).toString('base64')}\n`);
}

/** The 32 bytes of the archive key file (for `hotline keys split`; the caller zeroes them). */
export function readArchiveKeyBytes(path: string): Uint8Array {
  const raw = readKeyFile(path, 'HOTLINE_ARCHIVE_KEY_FILE');
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(
      'HOTLINE_ARCHIVE_KEY_FILE',
      `${path} does not hold a 32-byte base64 key; recreate it with "hotline keys init".`,
    );
  }
  return new Uint8Array(key);
}

export function loadArchiveCipher(path: string): ArchiveCipher {
  return new ArchiveCipher(readArchiveKeyBytes(path));
}

/**
 * The records log's Ed25519 signing key, stored as a signed-note signer key string
 * (`PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ seed)>`, as golang.org/x/mod/sumdb/note).
 */
export function createLogKeyFile(path: string, name: string): string {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const keyId = createHash('sha256')
    .update(Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0x0a, 0x01]), pub]))
    .digest()
    .subarray(0, 4)
    .toString('hex');
  const signer = `PRIVATE+KEY+${name}+${keyId}+${Buffer.concat([Buffer.from([0x01]), seed]).toString('base64')}`;
  writeKeyFile(path, `${signer}\n`);
  return signer;
}

export function readLogSignerKey(path: string): string {
  const raw = readKeyFile(path, 'HOTLINE_LOG_KEY_FILE');
  if (!raw.startsWith('PRIVATE+KEY+')) {
    throw new ConfigError(
      'HOTLINE_LOG_KEY_FILE',
      `${path} is not a signed-note signer key; recreate it with "hotline keys init".`,
    );
  }
  return raw;
}
