import { readFileSync } from 'node:fs';
import {
  httpFetcher,
  keyFingerprint,
  LogClient,
  parseSignerKey,
  parseWitnessPolicy,
  toBase64,
  toHex,
  verifierKeyString,
  verifyConsistency,
  verifyInclusion,
  type WitnessPolicy,
} from '@hotline/ledger';
import type { AppContext } from '@hotline/server';
import { readLogSignerKey } from '@hotline/server/light';
import type { Command } from 'commander';
import { fail, loadConfig } from '../config.js';
import { server } from '../lazy.js';
import { progressBar } from '../progress.js';
import { usingContext, withContext } from './admin.js';
import { verifyReplicaCommand } from './archive-replicate.js';
import { operatorName, readShares } from './keys-split.js';

function int(name: string, v: string): number {
  if (!/^\d+$/.test(v)) fail(new Error(`${name} must be a non-negative whole number, got "${v}"`), 2);
  return Number(v);
}

async function latest(ctx: AppContext) {
  await ctx.log.integrateAll();
  const cp = await ctx.log.latestCheckpoint();
  if (!cp)
    throw new Error(
      'the log has no checkpoint yet; start the server once (hotline serve) or append a record',
    );
  return cp;
}

/** "published sizes: …" (the last ten) for an error naming a size that was never published. */
async function publishedSizes(ctx: AppContext): Promise<string> {
  const sizes = (await ctx.log.checkpointSizes()).map((c) => c.size);
  if (!sizes.length) return 'the log has no checkpoint yet';
  return `published sizes: ${sizes.length > 10 ? '…, ' : ''}${sizes.slice(-10).join(', ')} (hotline log checkpoints lists them all)`;
}

export function logCommands(program: Command): void {
  const log = program.command('log').description('Inspect the verifiable records log.');

  log
    .command('checkpoint')
    .description('Print the latest signed checkpoint (C2SP tlog-checkpoint as a signed note).')
    .action(() => withContext(async (ctx) => void process.stdout.write((await latest(ctx)).note)));

  log
    .command('checkpoints')
    .description(
      'List the tree sizes at which a checkpoint was published (what --size, consistency and prove accept).',
    )
    .action(() =>
      withContext(async (ctx) => {
        await ctx.log.integrateAll();
        const sizes = await ctx.log.checkpointSizes();
        if (!sizes.length) throw new Error('the log has no checkpoint yet');
        for (const c of sizes)
          process.stdout.write(`${String(c.size).padStart(8)}  ${c.createdAt.toISOString()}\n`);
      }),
    );

  log
    .command('key')
    .description("Print the log's verifier key (name+keyid+base64 key; the name is the log's origin).")
    .addHelpText('after', '\nRead from the log key file (HOTLINE_LOG_KEY_FILE); needs no database.')
    .action(() => {
      try {
        const s = parseSignerKey(readLogSignerKey(loadConfig().logKeyFile));
        process.stdout.write(`${verifierKeyString(s.name, s.publicKey)}\n`);
      } catch (err) {
        fail(err);
      }
    });

  log
    .command('prove <index>')
    .description('Print and check the inclusion proof of entry <index>.')
    .option('--size <n>', 'tree size of a published checkpoint (default: the latest)')
    .action((index: string, opts: { size?: string }) =>
      withContext(async (ctx) => {
        const cp = opts.size ? await ctx.log.checkpointAt(int('--size', opts.size)) : await latest(ctx);
        if (!cp)
          throw new Error(`no checkpoint was published at size ${opts.size}; ${await publishedSizes(ctx)}`);
        const i = int('index', index);
        if (i >= cp.size) throw new Error(`entry ${i} is not in the tree of size ${cp.size}`);
        const p = await ctx.log.inclusionProof(i, cp.size);
        const ok = verifyInclusion(ctx.log.hasher, i, cp.size, p.leafHash, p.proof, cp.root);
        process.stdout.write(
          `entry ${i} in tree of size ${cp.size}\nleaf hash ${toHex(p.leafHash)}\nroot      ${toHex(cp.root)}\nproof (${p.proof.length} hashes):\n${p.proof.map((x) => `  ${toBase64(x)}`).join('\n')}\n${ok ? 'verified' : 'DOES NOT VERIFY'}\n`,
        );
        if (!ok) process.exitCode = 1;
      }),
    );

  log
    .command('migrate-v2')
    .description(
      "Rebuild a v1 records log (public entries that show each record's envelope) as v2 (salted commitments), in one transaction; the old log's final checkpoint becomes a record of the new log.",
    )
    .addHelpText(
      'after',
      '\nStop the server and back up the data folder (or database) first. A failure part-way leaves the v1 log as it was.\n' +
        'The new log is a new tree under the same origin and key: it is not consistent with checkpoints of the old one.\n' +
        'Tell anyone who monitors or witnesses the log; the `log.migrated-v2` record carries the old final checkpoint.',
    )
    .action(() =>
      withContext(async (ctx) => {
        const { migrateLogToV2 } = await server();
        const r = await migrateLogToV2(ctx.db, ctx.log, ctx.records);
        if (!r.migrated) {
          process.stdout.write(`The records log already has v2 entries (${r.entries}); nothing to do.\n`);
          return;
        }
        process.stdout.write(
          `Migrated: ${r.entries} records re-committed as v2 entries; the v1 log's final checkpoint is recorded as entry ${r.entries}.\n` +
            `v1 final checkpoint:\n${r.v1Checkpoint}\nnew checkpoint:\n${r.checkpoint}`,
        );
      }),
    );

  log
    .command('consistency <old> <new>')
    .description('Print and check the consistency proof between two published tree sizes.')
    .action((a: string, b: string) =>
      withContext(async (ctx) => {
        const older = await ctx.log.checkpointAt(int('old', a));
        const newer = await ctx.log.checkpointAt(int('new', b));
        if (!older || !newer)
          throw new Error(`both sizes must be published checkpoints; ${await publishedSizes(ctx)}`);
        const proof = await ctx.log.consistencyProof(older.size, newer.size);
        const ok = verifyConsistency(ctx.log.hasher, older.size, newer.size, older.root, newer.root, proof);
        process.stdout.write(
          `${older.size} → ${newer.size}: ${proof.length} hashes\n${proof.map((x) => `  ${toBase64(x)}`).join('\n')}\n${ok ? 'consistent' : 'NOT CONSISTENT'}\n`,
        );
        if (!ok) process.exitCode = 1;
      }),
    );
}

export function readPolicy(file: string): WitnessPolicy {
  try {
    return parseWitnessPolicy(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(new Error(`${file}: ${(err as Error).message}`), 2);
  }
}

export function verifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'Verify the whole records log: signature, every entry and tile, every content digest, and consistency with an older checkpoint.',
    )
    .option('--checkpoint <file>', 'an older signed checkpoint to check consistency with')
    .option(
      '--url <url>',
      'verify a remote log from its tiles alone, like an outside auditor (e.g. https://host/log)',
    )
    .option(
      '--key <verifier>',
      'with --url or --replica: the verifier key (default: fetched from <host>/api/v1/log/key — pin it for real audits)',
    )
    .option('--origin <origin>', 'with --url or --replica: the expected origin line')
    .option(
      '--replica <place>',
      'verify a second copy alone (folder, file:// or s3://bucket/prefix) from its tiles and checkpoints',
    )
    .option(
      '--shares <files...>',
      "custodians' archive key share files: open sealed content with k of n shares (recorded in the log) instead of the key file",
    )
    .option(
      '--policy <file>',
      'with --url: a witness policy (witness/group/quorum lines); the checkpoint must carry its quorum of cosignatures. A "log <vkey>" line in it pins the log key.',
    )
    .action(
      async (opts: {
        checkpoint?: string;
        url?: string;
        key?: string;
        origin?: string;
        policy?: string;
        replica?: string;
        shares?: string[];
      }) => {
        const older = opts.checkpoint ? readFileSync(opts.checkpoint, 'utf8') : undefined;
        const bar = progressBar('verify');
        const onProgress = (p: { phase: string; done: number; total: number }) =>
          bar.update(p.done, p.total, p.phase);
        const started = performance.now();
        try {
          if (opts.replica) {
            bar.stop();
            await verifyReplicaCommand({ ...opts, replica: opts.replica });
            return;
          }
          if (opts.url) {
            const policy = opts.policy ? readPolicy(opts.policy) : null;
            let key = opts.key ?? policy?.logs[0]?.vkey;
            let origin = opts.origin ?? policy?.logs[0]?.verifier.name;
            if (!key || !origin) {
              const meta = (await (await fetch(new URL('/api/v1/log/key', opts.url))).json()) as {
                verifierKey: string;
                origin: string;
              };
              key ??= meta.verifierKey;
              origin ??= meta.origin;
            }
            const client = new LogClient(httpFetcher(opts.url), key, origin);
            const { checkpoint, note } = await client.checkpoint();
            const witnessed = policy ? client.checkWitnesses(note, policy) : null;
            await client.audit(checkpoint, { onProgress });
            if (older) await client.proveConsistency(client.openCheckpoint(older), checkpoint);
            bar.stop();
            process.stdout.write(
              `OK: ${opts.url} — ${checkpoint.size} entries, root ${toHex(checkpoint.root)}${older ? ', consistent with the older checkpoint' : ''} (${Math.round(performance.now() - started)} ms)\n` +
                (witnessed
                  ? `witness quorum met: cosigned by ${witnessed.cosigners.map((c) => `${c.name} (key ${keyFingerprint(c.vkey)}${c.time !== null ? `, ${new Date(c.time * 1000).toISOString()}` : ''})`).join(', ')}\n`
                  : ''),
            );
            return;
          }
          await usingContext(async (ctx) => {
            await ctx.log.integrateAll();
            const { verifyLocal } = await server();
            const check = (records: Parameters<typeof verifyLocal>[2]) =>
              verifyLocal(ctx.db, ctx.log, records, { olderCheckpoint: older, onProgress });
            // With custodians' shares, sealed content is opened with the rebuilt key, for this act only.
            const r = opts.shares
              ? await ctx.custody.withArchiveKey(
                  readShares(opts.shares),
                  { purpose: 'verify', detail: 'hotline verify', by: operatorName() },
                  (cipher) => check(ctx.records.withCipher(cipher)),
                )
              : await check(ctx.records);
            bar.stop();
            process.stdout.write(
              r.contentOpened
                ? `OK: ${r.entries} entries, every tile, content digest and the signed checkpoint verify; root ${toHex(r.checkpoint.root)}${r.consistentWith !== undefined ? `; consistent with the checkpoint of size ${r.consistentWith}` : ''} (${Math.round(performance.now() - started)} ms)\n`
                : `OK: ${r.entries} entries, every tile and the signed checkpoint verify, every content is stored; root ${toHex(r.checkpoint.root)}${r.consistentWith !== undefined ? `; consistent with the checkpoint of size ${r.consistentWith}` : ''} (${Math.round(performance.now() - started)} ms)\n` +
                    `The archive key is split among custodians: sealed content was not opened. To check every content digest, run hotline verify --shares with ${ctx.records.archiveKey.split ? `${ctx.records.archiveKey.split.threshold} of the ${ctx.records.archiveKey.split.of}` : 'enough'} custodians' share files.\n`,
            );
          });
        } catch (err) {
          bar.stop();
          const where = (err as { where?: string }).where;
          fail(new Error(`verification FAILED${where ? ` at ${where}` : ''}: ${(err as Error).message}`));
        }
      },
    );
}
