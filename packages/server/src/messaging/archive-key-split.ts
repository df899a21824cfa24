import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { equalBytes } from '@hotline/e2ee';
import type { AppContext } from '../context.js';
import { type ArchiveKeyring, ArchiveSealedError } from '../records/archive-key.js';
import { x25519KeyId, x25519PublicOf } from '../records/archive-key-x25519.js';
import type { KeyShare } from '../records/key-shares.js';
import type { RecordsService } from '../records/records-service.js';
import { type OpenedMessage, openMessagingArchive } from './archive-reader.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/**
 * An office's messaging archive key under the split of the archive key (issue 19 item 4).
 *
 * The records member seals each message to the office's messaging archive public key; its
 * private key was a file the records custodians kept whole. `hotline keys split` takes it under
 * the split: it seals the private key to the archive's X25519 public key (whose private key
 * exists only as custodians' shares), stores it in `messaging_archive_keys_sealed` with a
 * `messaging.archive-key-sealed` record, and removes the file. Opening the messaging archive then
 * needs k of n shares: the archive key is rebuilt in memory for that act (an `archive.key-opened`
 * record names the custodians), opens the messaging key, which opens the messages, and all of it
 * is zeroed afterwards. New messages are still archived: the records member needs only the
 * messaging archive public key.
 */
export const MESSAGING_ARCHIVE_KEY_SEALED = 'messaging.archive-key-sealed';

const SEALED_KIND = 'hotline-messaging-archive-key-sealed/1';
const FILE_KIND = 'hotline-messaging-archive/1';

/** A messaging archive private key read from its file, and the office it names (if any). */
export interface MessagingArchiveKeyFile {
  file: string;
  officeId: string | null;
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/**
 * Read a messaging archive private key file: the demo's JSON (`kind: hotline-messaging-archive/1`)
 * or the 32-byte X25519 private key alone in base64. The caller zeroes `privateKey`.
 */
export function readMessagingArchiveKeyFile(file: string): MessagingArchiveKeyFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(`${file}: cannot be read (${(err as Error).message})`);
  }
  let b64 = text;
  let officeId: string | null = null;
  if (text.startsWith('{')) {
    let o: { kind?: string; officeId?: string; privateKey?: string };
    try {
      o = JSON.parse(text) as typeof o;
    } catch {
      throw new Error(`${file}: not a messaging archive key file (damaged JSON)`);
    }
    if (o.kind !== FILE_KIND || typeof o.privateKey !== 'string')
      throw new Error(`${file}: not a messaging archive key file (kind ${FILE_KIND})`);
    b64 = o.privateKey;
    officeId = typeof o.officeId === 'string' ? o.officeId : null;
  }
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32 || key.toString('base64') !== b64)
    throw new Error(`${file}: expected a 32-byte X25519 private key in base64`);
  const privateKey = new Uint8Array(key);
  key.fill(0);
  return { file, officeId, privateKey, publicKey: x25519PublicOf(privateKey) };
}

/** The demo's messaging archive key files (<data>/demo-records-custodians/<office>/archive.key). */
export function demoMessagingArchiveKeyFiles(dataDir: string): string[] {
  const dir = join(dataDir, 'demo-records-custodians');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((office) => join(dir, office, 'archive.key'))
    .filter((f) => existsSync(f));
}

/** What sealing one key file did. */
export interface SealedMessagingKey {
  file: string;
  officeId: string;
  /** The messaging archive public key's fingerprint. */
  keyId: string;
  /** False: it was sealed before (a re-run); the file was only removed. */
  sealed: boolean;
}

/**
 * Take messaging archive private key files under the split: each sealed to `archiveKey` (the
 * archive's X25519 public key), stored with its record, all in one transaction; then the files
 * are removed. Every file is read and matched to its office before anything is written: a file
 * no office's records member published (nor names an office) is refused and nothing is sealed.
 * A key already sealed (a re-run after a crash) is not sealed again; its file is removed.
 */
export async function sealMessagingArchiveKeys(
  db: Db,
  records: RecordsService,
  archiveKey: ArchiveKeyring,
  files: readonly string[],
  by: string,
): Promise<SealedMessagingKey[]> {
  if (!files.length) return [];
  if (!(archiveKey as { publicKey?: Uint8Array }).publicKey)
    throw new Error(
      'the archive key is not split (no archive public key): a messaging archive key is taken under the split by "hotline keys split"',
    );
  const keys = files.map(readMessagingArchiveKeyFile);
  try {
    const published = await repo.recordsKeysWithArchive(db);
    const plan = await Promise.all(
      keys.map(async (k) => {
        const match = published.find((p) => equalBytes(new Uint8Array(p.archive_public_key), k.publicKey));
        if (match && k.officeId && match.office_id !== k.officeId)
          throw new Error(
            `${k.file} names office ${k.officeId}, but its key is office ${match.office_id}'s messaging archive key; nothing was sealed`,
          );
        const officeId = match?.office_id ?? k.officeId;
        if (!officeId)
          throw new Error(
            `${k.file}: no office's records member publishes this messaging archive key; give it as a JSON key file naming its office ({"kind":"${FILE_KIND}","officeId":…,"privateKey":…}). Nothing was sealed.`,
          );
        if (!match && !(await repo.officeExists(db, officeId)))
          throw new Error(
            `${k.file} names office ${officeId}, which is not on this server; nothing was sealed`,
          );
        return { ...k, officeId };
      }),
    );
    const now = new Date();
    const out = await repo.transaction(db, async (tx) => {
      const done: SealedMessagingKey[] = [];
      for (const k of plan) {
        const keyId = x25519KeyId(k.publicKey);
        if (await repo.sealedArchiveKeyOf(tx, k.officeId, k.publicKey)) {
          done.push({ file: k.file, officeId: k.officeId, keyId, sealed: false });
          continue;
        }
        const plain = new TextEncoder().encode(
          JSON.stringify({
            kind: SEALED_KIND,
            officeId: k.officeId,
            publicKey: Buffer.from(k.publicKey).toString('base64'),
            privateKey: Buffer.from(k.privateKey).toString('base64'),
          }),
        );
        const [sealed] = await archiveKey.sealBatch([plain]);
        plain.fill(0);
        const rec = await records.append(tx, {
          kind: MESSAGING_ARCHIVE_KEY_SEALED,
          office: k.officeId,
          actor: null,
          subject: `messaging-archive-key:${keyId}`,
          content: {
            officeId: k.officeId,
            messagingKeyId: keyId,
            archiveKeyId: archiveKey.keyId,
            by,
          },
        });
        await repo.insertSealedArchiveKey(tx, {
          office_id: k.officeId,
          public_key: k.publicKey,
          archive_key_id: archiveKey.keyId,
          sealed: sealed!,
          sealed_at: now,
          record_seq: String(rec.seq),
        });
        done.push({ file: k.file, officeId: k.officeId, keyId, sealed: true });
      }
      return done;
    });
    for (const k of out) rmSync(k.file, { force: true });
    return out;
  } finally {
    for (const k of keys) k.privateKey.fill(0);
  }
}

/** The messaging archive keys of an office sealed under the split (none: not under it). */
export function sealedMessagingKeys(db: Db, officeId: string) {
  return repo.sealedArchiveKeys(db, officeId);
}

/** The refusal of an opening without shares, when the office's messaging key is under the split. */
export function messagingArchiveSealedError(ctx: AppContext, officeId: string): ArchiveSealedError {
  const key = ctx.records.archiveKey;
  return new ArchiveSealedError(
    `Office ${officeId}'s messaging archive key is under the split of archive key ${key.keyId}: opening its archive needs ${
      key.split ? `${key.split.threshold} of the ${key.split.of}` : 'k of the n'
    } custodians' shares. Bring their share files: --shares FILE… (the opening is recorded with who took part).`,
    { keyId: key.keyId, ...(key.split ? { threshold: key.split.threshold, of: key.split.of } : {}) },
  );
}

/**
 * Open an office's messaging archive with k of n custodians' shares: the archive key is rebuilt
 * for this act only (an `archive.key-opened` record names the custodians and the act, written
 * before anything is opened), opens the office's sealed messaging archive key(s) and the records'
 * content, and the messages are opened; every key is zeroed afterwards. Too few, mixed or altered
 * shares are refused before anything is written or opened.
 */
export async function openMessagingArchiveWithShares(
  ctx: AppContext,
  officeId: string,
  shares: KeyShare[],
  act: {
    by: string;
    groupId?: string /** A messaging key not under the split (its file), the caller zeroes it. */;
    key?: Uint8Array;
  },
): Promise<OpenedMessage[]> {
  const rows = await sealedMessagingKeys(ctx.db, officeId);
  if (!rows.length && !act.key)
    throw new Error(
      `office ${officeId}'s messaging archive key is not under the split (it was never sealed by "hotline keys split"): give its key file too (--key FILE), and take it under the split with "hotline keys split --messaging-keys FILE"`,
    );
  ctx.custody.assertShares(shares);
  return ctx.custody.withArchiveKey(
    shares,
    {
      purpose: 'messaging-archive',
      detail: `messaging archive of office ${officeId}${act.groupId ? `, conversation ${act.groupId}` : ''}`,
      by: act.by,
      office: officeId,
    },
    async (cipher) => {
      const keys: Uint8Array[] = [];
      try {
        for (const r of rows) {
          const plain = await cipher.openSealed(new Uint8Array(r.sealed), r.archive_key_id);
          let o: { kind?: string; officeId?: string; privateKey?: string };
          try {
            o = JSON.parse(new TextDecoder().decode(plain)) as typeof o;
          } finally {
            plain.fill(0);
          }
          const key = new Uint8Array(Buffer.from(o.privateKey ?? '', 'base64'));
          o.privateKey = '';
          if (
            o.kind !== SEALED_KIND ||
            o.officeId !== officeId ||
            key.length !== 32 ||
            !equalBytes(x25519PublicOf(key), new Uint8Array(r.public_key))
          ) {
            key.fill(0);
            throw new Error(
              `the sealed messaging archive key ${x25519KeyId(new Uint8Array(r.public_key))} of office ${officeId} is not the one its row names (moved or altered); no message was opened`,
            );
          }
          keys.push(key);
        }
        return await openMessagingArchive(ctx, officeId, act.key ? [...keys, act.key] : keys, {
          records: ctx.records.withCipher(cipher),
          ...(act.groupId ? { groupId: act.groupId } : {}),
        });
      } finally {
        for (const k of keys) k.fill(0);
      }
    },
  );
}
