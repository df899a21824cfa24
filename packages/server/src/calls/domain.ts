import type { Clock } from '@hotline/common';
import type { CallPolicy } from '../config/call-policy.js';
import type { RecordsService } from '../records/records-service.js';
import { BriefingService } from './briefing-service.js';
import { CallLogService } from './call-log-service.js';
import { MemconService } from './memcon-service.js';
import { NotesService } from './notes-service.js';
import type { WorkNotifier } from './notices.js';
import { CallQueries } from './queries.js';
import { ReadoutService } from './readout-service.js';
import type { Tx } from './repository.js';
import { RequestsService } from './requests-service.js';
import { SchedulingService } from './scheduling-service.js';
import { CallTransactor } from './transactor.js';

/**
 * The leader-call domain: a service per concern (each write runs one transaction, appends its
 * records and returns ids) and the queries that answer with what the writes did.
 */
export interface Calls {
  readonly policy: CallPolicy;
  readonly queries: CallQueries;
  readonly requests: RequestsService;
  readonly scheduling: SchedulingService;
  readonly briefings: BriefingService;
  readonly memcons: MemconService;
  readonly readouts: ReadoutService;
  readonly callLog: CallLogService;
  readonly notes: NotesService;
  /** Where the steps a change makes wait for people are written and sent (notifications/). */
  notifyWith(notifier: WorkNotifier): void;
}

export function createCalls(
  db: Tx,
  records: RecordsService,
  clock: Clock,
  policy: CallPolicy,
  publicUrl: string,
): Calls {
  const tx = new CallTransactor(db, records, clock, policy);
  const briefings = new BriefingService(tx);
  const memcons = new MemconService(tx);
  const readouts = new ReadoutService(tx, db);
  return {
    policy,
    queries: new CallQueries(db, clock, policy),
    requests: new RequestsService(tx, { briefings, memcons, readouts }),
    scheduling: new SchedulingService(tx, db, publicUrl),
    briefings,
    memcons,
    readouts,
    callLog: new CallLogService(tx),
    notes: new NotesService(tx, db),
    notifyWith: (notifier) => tx.setNotifier(notifier),
  };
}
