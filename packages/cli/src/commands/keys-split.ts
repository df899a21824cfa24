import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { AppContext } from '@hotline/server';
import {
  checkSplitInput,
  formatShare,
  type KeyShare,
  parseShare,
  splitArchiveKey,
} from '@hotline/server/light';
import type { Command } from 'commander';
import { fail, loadConfig } from '../config.js';
import { server } from '../lazy.js';
import { progressBar } from '../progress.js';
import { usingContext } from './admin.js';

/** Who runs the command, as the records name them: OS user@host. */
export function operatorName(): string {
  let user = process.env.SUDO_USER || '';
  try {
    user ||= userInfo().username;
  } catch {
    user ||= process.env.USER || 'unknown';
  }
  return `${user}@${hostname()}`;
}

/** Read the share files custodians bring (`--shares a.txt b.txt …`). */
export function readShares(files: string[]): KeyShare[] {
  return files.map((f) => {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      throw new Error(`cannot read the share file ${f}`);
    }
    return parseShare(text, f);
  });
}

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[^\w]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase()
    .slice(0, 40) || 'custodian';

export function keysSplitCommand(keys: Command): void {
  keys
    .command('split')
    .description(
      "Take the archive key off the server: seal every content to an archive public key and split its private key among custodians (Shamir's secret sharing); any <k> of the <n> shares open the archive for reading, fewer reveal nothing.",
    )
    .option('--custodians <n>', 'number of custodians (shares), 2–255 (needed to make shares)')
    .option('--threshold <k>', 'shares needed to open the archive, 2–n (needed to make shares)')
    .option('--names <list>', "custodians' names, comma-separated (default: custodian-1 … custodian-n)")
    .option('--out <dir>', 'folder for the share files (default: the current folder)', '.')
    .option(
      '--shares <files...>',
      'to split again a key already split (new custodians): k share files of the current split',
    )
    .option(
      '--messaging-keys <files...>',
      "offices' messaging archive private key files to take under the split too (the demo's <data>/demo-records-custodians/*/archive.key are always taken)",
    )
    .addHelpText(
      'after',
      '\nStop every Hotline server first (and let imports finish). The first split makes the archive\n' +
        'X25519 key pair, re-seals every stored content to its public key (resumable: run it again\n' +
        'after a crash and it completes), writes the private key only as shares and the public key as\n' +
        'archive.pub, then removes archive.key and the retired keys. From then on reading sealed content\n' +
        "(a transfer, a sealed item's body, hotline verify --shares) needs k custodians, recorded.\n" +
        "The offices' messaging archive private keys (the demo's, and --messaging-keys) are sealed to the\n" +
        'archive public key and their files removed: hotline messages open-archive then needs k shares too.\n' +
        'Run it again with --messaging-keys on a split server to take another messaging key under the split.\n' +
        'Hand each file to its custodian and delete it here; the README says how custodians keep them.\n' +
        'The split is a record in the log (custodians and threshold, never a share).',
    )
    .action(
      async (opts: {
        custodians?: string;
        threshold?: string;
        names?: string;
        out: string;
        shares?: string[];
        messagingKeys?: string[];
      }) => {
        const cfg = loadConfig();
        try {
          const {
            beginSplit,
            finishSplit,
            splitState,
            resealArchive,
            loadArchiveKeyring,
            combineShares,
            keyIdOf,
            demoMessagingArchiveKeyFiles,
            sealMessagingArchiveKeys,
          } = await server();
          const state = splitState(cfg.archiveKeyFile);
          // The offices' messaging archive private keys to take under the split (sealed to the
          // archive public key, then their files removed).
          const messagingFiles = [
            ...new Set([
              ...demoMessagingArchiveKeyFiles(cfg.dataDir),
              ...(opts.messagingKeys ?? []).flatMap((f) => f.split(',')).map((f) => resolve(f.trim())),
            ]),
          ];
          const takeMessagingKeys = async (
            ctx: AppContext,
            keyring: Parameters<typeof resealArchive>[1],
          ): Promise<string> => {
            const done = await sealMessagingArchiveKeys(
              ctx.db,
              ctx.records.withCipher(keyring),
              keyring,
              messagingFiles,
              operatorName(),
            );
            if (done.length) await ctx.log.integrateAll();
            return done
              .map(
                (d) =>
                  `Office ${d.officeId}'s messaging archive key ${d.keyId} ${d.sealed ? 'is now sealed to the archive public key' : 'was already sealed'}; removed ${d.file}.\n`,
              )
              .join('');
          };
          const reseal = async (ctx: AppContext, keyring: Parameters<typeof resealArchive>[1]) => {
            const bar = progressBar('re-seal');
            try {
              return await resealArchive(ctx.db, keyring, (done, total) =>
                bar.update(done, total, 'content rows'),
              );
            } finally {
              bar.stop();
            }
          };
          if (state.state === 'finishing') {
            // archive.pub is written (the shares exist): a run stopped while removing the key files.
            const keyring = loadArchiveKeyring(cfg.archiveKeyFile);
            await usingContext(async (ctx) => {
              const n = await reseal(ctx, keyring);
              const messaging = await takeMessagingKeys(ctx, keyring);
              const removed = await finishSplit(
                ctx.db,
                cfg.archiveKeyFile,
                publicKeyOf(keyring),
                state.split!,
              );
              process.stdout.write(
                `Completed the split of archive key ${state.keyId} begun earlier (no new shares: the shares written then are the ones)` +
                  `${n ? `; re-sealed ${n} content rows` : ''}; removed ${removed.join(', ') || 'nothing more'}.\n${messaging}`,
              );
            });
            keyring.wipe();
            return;
          }
          if (state.state === 'split' && messagingFiles.length) {
            // Already split: take messaging archive keys under it (the public key suffices).
            const keyring = loadArchiveKeyring(cfg.archiveKeyFile);
            await usingContext(async (ctx) => {
              process.stdout.write(
                `The archive key ${state.keyId} is split (${state.split?.threshold} of ${state.split?.of}).\n${await takeMessagingKeys(ctx, keyring)}`,
              );
            });
            if (!opts.shares?.length) return;
          }
          if (opts.custodians === undefined || opts.threshold === undefined)
            throw new Error(
              state.state === 'split'
                ? `the archive key ${state.keyId} is already split (${state.split?.threshold} of ${state.split?.of}). To take a messaging archive key under it, give --messaging-keys FILE…; to split it again among other custodians, give --custodians <n> --threshold <k> and --shares FILE… of the current split`
                : 'say how to split the archive key: --custodians <n> --threshold <k> (e.g. --custodians 5 --threshold 3)',
            );
          const n = Number(opts.custodians);
          const k = Number(opts.threshold);
          if (!/^\d+$/.test(opts.custodians) || !/^\d+$/.test(opts.threshold))
            throw new Error('--custodians and --threshold must be whole numbers');
          const names = opts.names
            ? opts.names.split(',').map((x) => x.trim())
            : Array.from({ length: n }, (_, i) => `custodian-${i + 1}`);
          if (names.length !== n)
            throw new Error(`--names lists ${names.length} custodians, --custodians says ${n}`);
          checkSplitInput(names, k);
          const dir = resolve(opts.out);
          const write = (shares: KeyShare[]) => {
            const paths = shares.map((s) =>
              join(dir, `archive-key-share-${s.index}-${slug(s.custodian)}.txt`),
            );
            mkdirSync(dir, { recursive: true, mode: 0o700 });
            for (const [i, s] of shares.entries())
              writeFileSync(paths[i]!, formatShare(s), { mode: 0o600, flag: 'wx' });
            return paths;
          };
          const taken = (count: number) =>
            Array.from({ length: count }, (_, i) => i).flatMap((i) =>
              existsSync(dir)
                ? readdirSync(dir).filter((f) => f.startsWith(`archive-key-share-${i + 1}-`))
                : [],
            );
          const assertOutFree = () => {
            if (taken(n).length)
              throw new Error(`${join(dir, taken(n)[0]!)} exists; choose another --out folder`);
          };
          const say = (keyId: string, shares: KeyShare[], paths: string[], extra: string) =>
            process.stdout.write(
              `Split archive key ${keyId}: ${k} of ${n} shares open the archive.\n` +
                shares.map((s, i) => `  share ${s.index}: ${s.custodian} → ${paths[i]}\n`).join('') +
                extra +
                'Give each custodian their file, then delete the files here. The split is recorded in the log.\n',
            );

          if (state.state === 'split') {
            // A key already split, split again among (other) custodians: rebuilt from k shares.
            if (!opts.shares?.length)
              throw new Error(
                `the archive key ${state.keyId} is already split (${state.split?.threshold} of ${state.split?.of}): only archive.pub is on this server. To split it again among other custodians, bring ${state.split?.threshold ?? 'k'} share files of the current split: --shares FILE…`,
              );
            assertOutFree();
            const old = readShares(opts.shares);
            const key = await combineShares(old);
            let shares: KeyShare[];
            try {
              if (keyIdOf(old[0]!.kind, key) !== state.keyId || old[0]!.kind !== 'x25519')
                throw new Error(
                  `the shares rebuild archive key ${old[0]!.keyId}, not this server's ${state.keyId}`,
                );
              shares = await splitArchiveKey(key, names, k, new Date(), 'x25519');
            } finally {
              key.fill(0);
            }
            const paths = write(shares);
            const { writeArchivePublicFile, readArchivePublicFile, archivePublicKeyFile } = await server();
            await usingContext(async (ctx) => {
              await ctx.custody.recordSplit(shares, operatorName(), old);
              await ctx.log.integrateAll();
            });
            const pubFile = archivePublicKeyFile(cfg.archiveKeyFile);
            writeArchivePublicFile(pubFile, {
              publicKey: readArchivePublicFile(pubFile).publicKey,
              split: { threshold: k, of: n, split: shares[0]!.splitId },
            });
            say(
              state.keyId,
              shares,
              paths,
              `The shares of split ${old[0]!.splitId} still open the same key: have their custodians destroy them.\n`,
            );
            return;
          }

          // First split: the X25519 pair (pending, reused by a re-run), every content re-sealed
          // to it, the shares, the record, archive.pub, then the key files removed.
          assertOutFree();
          const pair = beginSplit(cfg.archiveKeyFile);
          try {
            await usingContext(async (ctx) => {
              const resealed = await reseal(ctx, pair);
              // Before any share is written, so a refused key file leaves no shares behind; a
              // re-run reuses the pending pair, whose private key is still on disk until then.
              const messaging = await takeMessagingKeys(ctx, pair);
              const privateKey = pair.exportPrivateKey();
              let shares: KeyShare[];
              try {
                shares = await splitArchiveKey(privateKey, names, k, new Date(), 'x25519');
              } finally {
                privateKey.fill(0);
              }
              const paths = write(shares);
              // Recorded sealed to the new key, so no row is left under the old one.
              const { ArchiveKeyCustody } = await server();
              await new ArchiveKeyCustody(ctx.db, ctx.records.withCipher(pair)).recordSplit(
                shares,
                operatorName(),
              );
              await ctx.log.integrateAll();
              const removed = await finishSplit(ctx.db, cfg.archiveKeyFile, pair.publicKey, {
                threshold: k,
                of: n,
                split: shares[0]!.splitId,
              });
              say(
                pair.keyId,
                shares,
                paths,
                `Re-sealed ${resealed} content rows to the archive public key (${archivePub(cfg.archiveKeyFile)}); removed ${removed.join(', ')}.\n` +
                  "This server now holds only the public key: reading sealed content needs the custodians' shares.\n" +
                  messaging,
              );
            });
          } finally {
            pair.wipe();
          }
        } catch (err) {
          fail(err);
        }
      },
    );
}

function archivePub(archiveKeyFile: string): string {
  return archiveKeyFile.endsWith('.key') ? `${archiveKeyFile.slice(0, -4)}.pub` : `${archiveKeyFile}.pub`;
}

/** The public key of a keyring loaded from archive.pub (an X25519 archive key). */
function publicKeyOf(keyring: object): Uint8Array {
  const pk = (keyring as { publicKey?: Uint8Array }).publicKey;
  if (!pk) throw new Error('the archive key is not an X25519 key; run hotline keys split from the start');
  return pk;
}
