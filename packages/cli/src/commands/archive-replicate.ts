import { toHex } from '@hotline/ledger';
import type { AppContext } from '@hotline/server';
import type { Command } from 'commander';
import { server } from '../lazy.js';
import { progressBar } from '../progress.js';
import { usingContext, withContext } from './admin.js';
import { operatorName, readShares } from './keys-split.js';

/** The `archive` command group, shared with the other archive commands (transfer, …). */
export function archiveGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'archive') ??
    program
      .command('archive')
      .description('The archive: transfer to the national archive, check a transfer, keep a second copy.')
  );
}

export function archiveReplicateCommand(program: Command): void {
  archiveGroup(program)
    .command('replicate')
    .description(
      'Keep a second copy of the log (tiles, checkpoints) and the sealed content in a folder or an S3-compatible bucket; copies only what is new.',
    )
    .requiredOption('--to <place>', 'a folder, file:///path or s3://bucket/prefix')
    .addHelpText(
      'after',
      '\nFor S3 set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and, for a server other than AWS,\n' +
        'AWS_ENDPOINT_URL (path-style addressing is then used). Content stays sealed: the copy holds no key.\n' +
        'Run it on a schedule; check a copy alone with "hotline verify --replica <place>".',
    )
    .action((opts: { to: string }) =>
      withContext(async (ctx: AppContext) => {
        const { openReplicaStore, replicate } = await server();
        const store = openReplicaStore(opts.to);
        const bar = progressBar('replicate');
        try {
          await ctx.log.integrateAll();
          const r = await replicate(ctx.db, ctx.log, store, {
            onProgress: (phase, done, total) => bar.update(done, total, phase),
          });
          bar.stop();
          process.stdout.write(
            `Replicated to ${r.where}: tree ${r.previousSize} → ${r.size} entries; copied ${r.sealed} sealed content objects, ${r.tiles} tiles, ${r.entryBundles} entry bundles, ${r.checkpoints} checkpoints${r.removedPartials ? `; removed ${r.removedPartials} outgrown partial tiles` : ''}.\n`,
          );
        } finally {
          bar.stop();
          store.close();
        }
      }),
    );
}

/** `hotline verify --replica <place>`: the copy alone; with --shares also its sealed content. */
export async function verifyReplicaCommand(opts: {
  replica: string;
  key?: string;
  origin?: string;
  shares?: string[];
}): Promise<void> {
  const { openReplicaStore, verifyReplica } = await server();
  const store = openReplicaStore(opts.replica);
  const bar = progressBar('verify');
  const started = performance.now();
  try {
    const run = (cipher?: NonNullable<Parameters<typeof verifyReplica>[1]>['cipher']) =>
      verifyReplica(store, {
        verifierKey: opts.key,
        origin: opts.origin,
        cipher,
        onProgress: (p) => bar.update(p.done, p.total, p.phase),
      });
    let r: Awaited<ReturnType<typeof verifyReplica>> | undefined;
    if (opts.shares) {
      const shares = readShares(opts.shares);
      await usingContext(async (ctx) => {
        r = await ctx.custody.withArchiveKey(
          shares,
          { purpose: 'verify-replica', detail: store.where, by: operatorName() },
          (cipher) => run(cipher),
        );
      });
    } else r = await run();
    bar.stop();
    const v = r!;
    const sealed = Object.entries(v.sealed)
      .map(([k, n]) => `${n} under key ${k}`)
      .join(', ');
    process.stdout.write(
      `OK: replica ${v.where} — ${v.checkpoint.size} entries, every tile and entry bundle verify against the signed checkpoint; root ${toHex(v.checkpoint.root)}; ${v.checkpoints} older checkpoints signed and consistent with it; sealed content: ${sealed || 'none'}${opts.shares ? `; ${v.opened} objects opened with the custodians' key and match their digests` : ''} (${Math.round(performance.now() - started)} ms)\n` +
        (v.keyFromReplica
          ? 'Note: the verifier key was read from the replica itself; pin the published key with --key for a real audit.\n'
          : ''),
    );
  } finally {
    bar.stop();
    store.close();
  }
}
