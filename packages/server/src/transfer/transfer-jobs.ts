import { join } from 'node:path';
import { type Clock, ConflictError, HotlineError, NotFoundError, newId } from '@hotline/common';
import type { ArchiveSearch, TransferJob } from '@hotline/contract';
import { type Actor, authorize } from '../policy/policy.js';
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
    private readonly dataDir: string,
    private readonly clock: Clock,
  ) {}

  start(actor: Actor, search: ArchiveSearch, bagBytes = DEFAULT_BAG_BYTES): TransferJob {
    authorize(actor, 'archive.search', 'transfer records to the national archive');
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
      verifyCommand: `npm run hotline -- archive verify-bag ${dir} --key "$(npm run -s hotline -- log key)" --complete --as <your email>`,
      error: null,
    };
    this.jobs.set(id, job);
    void this.transfer
      .transfer(actor, {
        to: dir,
        search,
        maxBagBytes: bagBytes,
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
          });
        },
        (err: unknown) => {
          job.status = 'failed';
          job.error =
            err instanceof HotlineError
              ? err.detail
              : `The transfer stopped: ${err instanceof Error ? err.message : String(err)}. To resume it where it stopped, run on the server: ${cliTransfer(search, dir)}`;
        },
      );
    return this.view(job);
  }

  get(actor: Actor, id: string): TransferJob {
    authorize(actor, 'archive.search', 'see a transfer');
    const j = this.jobs.get(id);
    if (!j || j.office !== actor.officeId) throw new NotFoundError('transfer', id);
    return this.view(j);
  }

  /** Resolves when no transfer of this process is running (tests, shutdown). */
  async idle(): Promise<void> {
    while ([...this.jobs.values()].some((j) => j.status === 'running'))
      await new Promise((r) => setTimeout(r, 50));
  }

  private view(j: Job): TransferJob {
    const { office: _office, ...rest } = j;
    return { ...rest, bags: [...rest.bags] };
  }
}
