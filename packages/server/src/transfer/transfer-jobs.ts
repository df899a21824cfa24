import { join } from 'node:path';
import { type Clock, ConflictError, HotlineError, NotFoundError, newId } from '@hotline/common';
import type { ArchiveSearch, TransferJob } from '@hotline/contract';
import { type Actor, authorize } from '../policy/policy.js';
import type { KeyShare } from '../records/key-shares.js';
import type { SealTransferredService } from './seal-transferred.js';
import type { TransferService } from './transfer-service.js';

/**
 * The command line that runs the same transfer (`hotline archive transfer` compares the scope
 * exactly, so a transfer the screen started and that stopped resumes with it).
 */
export function cliTransfer(search: ArchiveSearch, dir: string): string {
  const f = [`--scope ${search.q ? JSON.stringify(search.q) : 'office'}`];
  if (search.kind) f.push(`--kind ${search.kind}`);
  if (search.account) f.push(`--account ${search.account}`);
  if (search.person) f.push(`--person ${search.person}`);
  if (search.from) f.push(`--since ${search.from}`);
  if (search.to) f.push(`--until ${search.to}`);
  if (search.classification) f.push(`--classification ${JSON.stringify(search.classification)}`);
  return `npm run hotline -- archive transfer ${f.join(' ')} --to ${dir} --as <your email>`;
}

/** Payload bytes per bag when the records screen does not say (1 GB). */
export const DEFAULT_BAG_BYTES = 1024 ** 3;

interface Job extends TransferJob {
  office: string;
}

/**
 * Transfers started from the records screen: the server runs `TransferService.transfer` in
 * the background into `<data>/transfers/<id>/`, and the screen polls its progress here. The
 * transfer itself records its start and end in the log (audit archive.transfer_started /
 * archive.transferred); this only remembers, in this process, how far each one is. One
 * transfer at a time per office. On a cluster, the node that started it answers for it.
 */
export class TransferJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly transfer: TransferService,
    private readonly sealer: SealTransferredService,
    private readonly dataDir: string,
    private readonly clock: Clock,
  ) {}

  start(actor: Actor, search: ArchiveSearch, bagBytes = DEFAULT_BAG_BYTES, shares?: KeyShare[]): TransferJob {
    authorize(actor, 'archive.search', 'transfer records to the national archive');
    // On a split server: refused here, with its problem, without shares (or with a wrong set).
    this.transfer.assertCanOpen(shares);
    for (const j of this.jobs.values())
      if (j.office === actor.officeId && j.status === 'running')
        throw new ConflictError(
          `A transfer of your office (${j.id}) is still running (${j.done} of ${j.total}); wait for it to end, then start another.`,
          { transfer: j.id },
        );
    const id = newId(this.clock.now().getTime());
    const dir = join(this.dataDir, 'transfers', id);
    const job: Job = {
      id,
      office: actor.officeId,
      status: 'running',
      dir,
      search,
      startedAt: this.clock.now().toISOString(),
      startedBy: actor.displayName,
      done: 0,
      total: 0,
      bag: null,
      bags: [],
      items: 0,
      records: 0,
      checkpointSize: null,
      recordSeq: null,
      transferId: null,
      verifyCommand: `npm run hotline -- archive verify-bag ${dir} --key "$(npm run -s hotline -- log key)" --complete --as <your email>`,
      error: null,
      seal: null,
      sealCommand: `npm run hotline -- archive seal-transferred ${dir} --as <your email>`,
    };
    this.jobs.set(id, job);
    void this.transfer
      .transfer(actor, {
        to: dir,
        search,
        maxBagBytes: bagBytes,
        ...(shares?.length ? { shares } : {}),
        onProgress: (p) => {
          job.done = p.done;
          job.total = p.total;
          job.bag = p.bag;
        },
      })
      .then(
        (r) => {
          Object.assign(job, {
            status: 'done',
            bags: r.bags.map(({ name, items, records, octets, files }) => ({
              name,
              items,
              records,
              octets,
              files,
            })),
            items: r.items,
            records: r.records,
            done: r.items,
            total: Math.max(job.total, r.items),
            checkpointSize: r.checkpointSize,
            recordSeq: r.recordSeq,
            transferId: r.id,
          });
        },
        (err: unknown) => {
          job.status = 'failed';
          job.error =
            err instanceof HotlineError
              ? err.detail
              : `The transfer stopped: ${err instanceof Error ? err.message : String(err)}. To resume it where it stopped, run on the server: ${cliTransfer(search, dir)}${shares?.length ? ` --shares <${shares[0]!.threshold} custodians' share files>` : ''}`;
        },
      );
    return this.view(job);
  }

  /**
   * Seal what a finished transfer of this process wrote (`SealTransferredService.seal` on its
   * folder), in the background: the bags are verified against the log, then the office's index
   * entries they prove are sealed, batch by batch, each batch one transaction with its audit
   * record. Its refusals (a hold, bags that no longer verify or were moved) end the seal as
   * failed with the service's message; running it again resumes (sealed entries are skipped).
   */
  seal(actor: Actor, id: string): TransferJob {
    authorize(actor, 'archive.hold', 'seal transferred records');
    const job = this.own(actor, id);
    if (job.status !== 'done')
      throw new ConflictError(
        `Transfer ${id} is ${job.status === 'running' ? 'still running' : 'not complete (it failed)'}; only a finished transfer can be sealed.`,
        { transfer: id },
      );
    if (job.seal?.status === 'running')
      throw new ConflictError(`Transfer ${id} is already being sealed; wait for it to end.`, {
        transfer: id,
      });
    const seal: NonNullable<TransferJob['seal']> = {
      status: 'running',
      phase: 'verify',
      done: 0,
      total: job.bags.length,
      entries: 0,
      sealed: 0,
      already: 0,
      startedBy: actor.displayName,
      error: null,
    };
    job.seal = seal;
    void this.sealer
      .seal(actor, job.dir, {
        onProgress: (p) => {
          seal.phase = p.phase;
          seal.done = p.done;
          seal.total = p.total;
          if (p.phase === 'seal') seal.entries = p.total;
        },
      })
      .then(
        (r) =>
          Object.assign(seal, { status: 'done', entries: r.entries, sealed: r.sealed, already: r.already }),
        (err: unknown) => {
          seal.status = 'failed';
          seal.error =
            err instanceof HotlineError
              ? err.detail
              : `Sealing stopped: ${err instanceof Error ? err.message : String(err)}. What was sealed stays sealed; to go on, seal again here or run on the server: ${job.sealCommand}`;
        },
      );
    return this.view(job);
  }

  get(actor: Actor, id: string): TransferJob {
    authorize(actor, 'archive.search', 'see a transfer');
    return this.view(this.own(actor, id));
  }

  private own(actor: Actor, id: string): Job {
    const j = this.jobs.get(id);
    if (!j || j.office !== actor.officeId) throw new NotFoundError('transfer', id);
    return j;
  }

  /** Resolves when no transfer or seal of this process is running (tests, shutdown). */
  async idle(): Promise<void> {
    while ([...this.jobs.values()].some((j) => j.status === 'running' || j.seal?.status === 'running'))
      await new Promise((r) => setTimeout(r, 50));
  }

  private view(j: Job): TransferJob {
    const { office: _office, ...rest } = j;
    return { ...rest, bags: [...rest.bags], seal: rest.seal ? { ...rest.seal } : null };
  }
}
