import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '@hotline/common';
import { ArchiveCipher } from './archive-key.js';
import { type SplitInfo, X25519ArchiveKey, x25519PublicOf } from './archive-key-x25519.js';

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

/** The archive key file's key: the symmetric AES-256 key, or (`x25519 <base64>`) an X25519 private key. */
export type ArchiveKeyBytes = { kind: 'aes' | 'x25519'; key: Uint8Array };

const X25519_PREFIX = 'x25519 ';
const X25519_PUBLIC_PREFIX = 'x25519-public ';

/** Read an archive key file of either kind (the caller zeroes the bytes). */
export function readArchiveKeyFile(path: string): ArchiveKeyBytes {
  const raw = readKeyFile(path, 'HOTLINE_ARCHIVE_KEY_FILE');
  if (raw.startsWith(X25519_PREFIX)) {
    const key = Buffer.from(raw.slice(X25519_PREFIX.length).trim(), 'base64');
    if (key.length !== 32)
      throw new ConfigError(
        'HOTLINE_ARCHIVE_KEY_FILE',
        `${path} does not hold a 32-byte X25519 private key.`,
      );
    return { kind: 'x25519', key: new Uint8Array(key) };
  }
  return { kind: 'aes', key: readArchiveKeyBytes(path) };
}

/** Write an X25519 archive private key file (mode 0600, never over an existing file). */
export function writeX25519KeyFile(path: string, privateKey: Uint8Array): void {
  writeKeyFile(path, `${X25519_PREFIX}${Buffer.from(privateKey).toString('base64')}\n`);
}

/** The keyring an archive key file holds: the symmetric cipher, or the X25519 pair. */
export function loadArchiveKeyFile(path: string): ArchiveCipher | X25519ArchiveKey {
  const k = readArchiveKeyFile(path);
  return k.kind === 'aes' ? new ArchiveCipher(k.key) : X25519ArchiveKey.fromPrivate(k.key);
}

/** Where the archive's public key sits: `archive.pub` next to `archive.key`. */
export function archivePublicKeyFile(archiveKeyFile: string): string {
  return archiveKeyFile.endsWith('.key') ? `${archiveKeyFile.slice(0, -4)}.pub` : `${archiveKeyFile}.pub`;
}

/** The archive public key and the split of its private key (public facts: no secret). */
export interface ArchivePublicFile {
  publicKey: Uint8Array;
  split: SplitInfo | null;
}

/** Write `archive.pub` (through a temporary file and a rename: it is there whole or not at all). */
export function writeArchivePublicFile(path: string, f: ArchivePublicFile): void {
  const tmp = `${path}.tmp`;
  rmSync(tmp, { force: true });
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const lines = [
    '# Hotline archive public key: new content is sealed to it. Its private key exists only as',
    "# custodians' shares (hotline keys split); opening sealed content needs k of them.",
    `${X25519_PUBLIC_PREFIX}${Buffer.from(f.publicKey).toString('base64')}`,
    ...(f.split
      ? [
          `threshold: ${f.split.threshold}`,
          `of: ${f.split.of}`,
          ...(f.split.split ? [`split: ${f.split.split}`] : []),
        ]
      : []),
  ];
  writeFileSync(tmp, `${lines.join('\n')}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, path);
}

export function readArchivePublicFile(path: string): ArchivePublicFile {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const keyLine = lines.find((l) => l.startsWith(X25519_PUBLIC_PREFIX));
  const publicKey = Buffer.from(keyLine?.slice(X25519_PUBLIC_PREFIX.length).trim() ?? '', 'base64');
  if (publicKey.length !== 32)
    throw new ConfigError('HOTLINE_ARCHIVE_KEY_FILE', `${path} does not hold an X25519 public key line.`);
  const field = (k: string) =>
    lines
      .find((l) => l.startsWith(`${k}: `))
      ?.slice(k.length + 2)
      .trim();
  const threshold = Number(field('threshold'));
  const of = Number(field('of'));
  const split = field('split');
  return {
    publicKey: new Uint8Array(publicKey),
    split:
      Number.isInteger(threshold) && Number.isInteger(of) && threshold > 0
        ? { threshold, of, ...(split ? { split } : {}) }
        : null,
  };
}

/** The public key of an X25519 archive key file's private key (for matching it to archive.pub). */
export function x25519FilePublicKey(path: string): Uint8Array | null {
  const k = readArchiveKeyFile(path);
  try {
    return k.kind === 'x25519' ? x25519PublicOf(k.key) : null;
  } finally {
    k.key.fill(0);
  }
}

/** The 32 bytes of a symmetric archive key file (the caller zeroes them). */
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
