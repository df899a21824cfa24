import { type Clock, NotFoundError, newId, ValidationError } from '@hotline/common';
import type { RequestsService } from '../calls/requests-service.js';
import { type Actor, authorize } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import { type ImportAccount, type ImportFormat, type ImportResult, runImport } from './import-pipeline.js';
import { toE164 } from './importers/phone.js';
import type { ImportProgress } from './importers/types.js';
import { detectOffChannel } from './off-channel.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';
import type { CoveredStatus } from './twenty-day-rule.js';

export type { ImportFormat, ImportResult } from './import-pipeline.js';

/**
 * The capture domain's writes: importing a file (the import pipeline, then off-channel
 * detection), the records officer's classification, and the registry of official accounts and
 * covered people. Each write runs one transaction and appends its record; reads are in
 * CaptureQueries.
 */
export class CaptureService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    private readonly calls?: Pick<RequestsService, 'logDetectedOffChannel'>,
  ) {}

  /**
   * Import one exported file, whole or not at all (see runImport). A phone's calls and texts
   * are then checked for off-channel contacts with foreign leaders.
   */
  async importFile(
    actor: Actor | null,
    format: ImportFormat,
    path: string,
    account: ImportAccount,
    onProgress?: (p: ImportProgress) => void,
  ): Promise<ImportResult> {
    const { result, owner } = await runImport(
      { db: this.db, records: this.records, clock: this.clock },
      actor,
      format,
      path,
      account,
      onProgress,
    );
    if (format === 'phone' || format === 'csv')
      result.offChannel = await detectOffChannel(
        this.db,
        this.calls,
        result.importId,
        owner.id,
        owner.office_id,
      );
    return result;
  }

  /** A records officer's classification decision: one record in the log, pointing at the item's record. */
  async classify(actor: Actor, itemId: string, category: 'presidential' | 'personal', reason: string) {
    authorize(actor, 'capture.review', 'classify captured records');
    return repo.transaction(this.db, async (tx) => {
      const item = await repo.findItemForUpdate(tx, itemId);
      if (!item || item.office_id !== actor.officeId) throw new NotFoundError('captured item', itemId);
      const rec = await this.records.append(tx, {
        kind: 'capture.classified',
        office: item.office_id,
        actor: actor.userId,
        subject: itemId,
        prev: item.record_id,
        content: { itemId, from: item.category, to: category, reason, statute: '44 U.S.C. 2203(b)' },
      });
      await repo.setItemCategory(tx, itemId, category);
      return { itemId, recordSeq: rec.seq };
    });
  }

  /** Register an official account (email, X handle or phone number) for a person of the office. */
  async addOfficialAccount(
    actor: Actor,
    input: { kind: 'email' | 'x' | 'phone'; identifier: string; ownerId: string },
  ): Promise<{ id: string }> {
    authorize(actor, 'capture.registry', 'register official accounts');
    const identifier =
      input.kind === 'phone' ? toE164(input.identifier) : input.identifier.trim().toLowerCase();
    return repo.transaction(this.db, async (tx) => {
      const owner = await repo.findUserOffice(tx, input.ownerId);
      if (!owner || owner.office_id !== actor.officeId) throw new NotFoundError('user', input.ownerId);
      const now = this.clock.now();
      const existing = await repo.findAccount(tx, input.kind, identifier);
      if (existing)
        throw new ValidationError(
          `${identifier} is already registered as ${existing.official ? 'an official' : 'a personal'} account.`,
          { field: 'identifier' },
        );
      const id = newId(now.getTime());
      await repo.insertAccount(tx, {
        id,
        owner_id: owner.id,
        kind: input.kind,
        identifier,
        official: true,
        created_at: now,
      });
      await writeAudit(tx, this.records, {
        action: 'capture.official_account_added',
        actor,
        office: owner.office_id,
        subject: id,
        details: { kind: input.kind, identifier },
      });
      return { id };
    });
  }

  /** Set who is covered by 44 U.S.C. 2209(c). */
  async setCovered(actor: Actor, userId: string, covered: CoveredStatus): Promise<{ userId: string }> {
    authorize(actor, 'capture.registry', 'set who is covered by 44 U.S.C. 2209');
    return repo.transaction(this.db, async (tx) => {
      const u = await repo.findUserCoverage(tx, userId);
      if (!u || u.office_id !== actor.officeId) throw new NotFoundError('user', userId);
      await repo.setUserCovered(tx, userId, covered);
      await writeAudit(tx, this.records, {
        action: 'capture.coverage_changed',
        actor,
        office: u.office_id,
        subject: userId,
        details: { from: u.covered, to: covered, statute: '44 U.S.C. 2209(c)' },
      });
      return { userId };
    });
  }
}
