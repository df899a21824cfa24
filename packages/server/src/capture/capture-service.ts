import { type Clock, ConflictError, NotFoundError, newId, ValidationError } from '@hotline/common';
import type { RequestsService } from '../calls/requests-service.js';
import { type Actor, authorize } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import { addRule, decideByRules, editRule, type RuleInput, retireRule } from './classification-service.js';
import {
  dropStaged,
  type ImportAccount,
  type ImportFormat,
  type ImportResult,
  runImport,
} from './import-pipeline.js';
import { finishLeftoverImports } from './import-publish.js';
import { toE164 } from './importers/phone.js';
import type { ImportProgress } from './importers/types.js';
import { detectOffChannel } from './off-channel.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';
import type { CoveredStatus } from './twenty-day-rule.js';

export type { ImportFormat, ImportResult } from './import-pipeline.js';

export interface ForeignContactInput {
  kind: 'number' | 'handle' | 'email';
  value: string;
  leader: string;
  country: string;
  officeId?: string | null;
  source: string;
  validFrom?: string | null;
  validTo?: string | null;
}

/** A directory value as captures hold it: E.164 numbers, lowercased emails, "@handle". */
export function normaliseContact(kind: ForeignContactInput['kind'], value: string): string {
  const v = value.trim();
  if (kind === 'number') {
    const n = toE164(v);
    if (!/^\+\d{6,15}$/.test(n))
      throw new ValidationError(
        `"${v}" is not a phone number (give it with its country code, e.g. +52 55 5000 0101).`,
        {
          field: 'value',
        },
      );
    return n;
  }
  if (kind === 'email') {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v))
      throw new ValidationError(`"${v}" is not an email address.`, { field: 'value' });
    return v.toLowerCase();
  }
  const h = v.replace(/^@/, '');
  if (!/^\w{1,50}$/.test(h))
    throw new ValidationError(`"${v}" is not a handle (letters, digits, _).`, { field: 'value' });
  return `@${h.toLowerCase()}`;
}

function checkValidity(from: Date | null | undefined, to: Date | null | undefined): void {
  if (from && to && to.getTime() < from.getTime())
    throw new ValidationError('The entry cannot stop being valid before it starts.', { field: 'validTo' });
}

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
    // Classification rules decide the new items they match, each decision its own record.
    result.classified = (await this.applyRules(actor, owner.office_id, result.importId)).length;
    const found = await detectOffChannel(this.db, this.calls, result.importId);
    result.offChannel = found.offChannel;
    result.attempted = found.attempted;
    return result;
  }

  /**
   * At start: finish the imports a crash or restart left behind. A sealed import (its file fully
   * parsed) is published; one still parsing and untouched for ten minutes is dropped.
   */
  async finishLeftoverImports(): Promise<{ published: number; dropped: number }> {
    const deps = { db: this.db, records: this.records, clock: this.clock };
    const staleBefore = new Date(this.clock.now().getTime() - 10 * 60_000);
    return finishLeftoverImports(deps, staleBefore, (id) => dropStaged(deps, id));
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
      return { itemId, previous: item.category, recordSeq: rec.seq };
    });
  }

  /** Write a classification rule and apply it to the unclassified items it matches (classification-service). */
  async addClassificationRule(actor: Actor, input: RuleInput) {
    authorize(actor, 'capture.review', 'set classification rules');
    return addRule(this.deps, actor, input);
  }

  /** Change a rule, saying why, and apply the rules to what is still unclassified. */
  async editClassificationRule(actor: Actor, id: string, input: Partial<RuleInput> & { change: string }) {
    authorize(actor, 'capture.review', 'set classification rules');
    return editRule(this.deps, actor, id, input);
  }

  /** Retire a rule: it decides nothing more; what it decided stays. */
  async retireClassificationRule(actor: Actor, id: string, why: string) {
    authorize(actor, 'capture.review', 'set classification rules');
    return retireRule(this.deps, actor, id, why);
  }

  /** The office's rules over one import's unclassified items. */
  private async applyRules(actor: Actor | null, officeId: string, importId: string) {
    return repo.transaction(this.db, (tx) => decideByRules(this.deps, tx, actor, officeId, importId));
  }

  private get deps() {
    return { db: this.db, records: this.records, clock: this.clock };
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

  /**
   * Add a foreign leader's known number, handle or email to the directory (its record appended),
   * then re-scan everything captured: the alerts the entry would have raised are raised, once.
   */
  async addForeignContact(actor: Actor | null, input: ForeignContactInput) {
    if (actor) authorize(actor, 'capture.contacts', 'keep the foreign contacts directory');
    const value = normaliseContact(input.kind, input.value);
    const now = this.clock.now();
    const id = newId(now.getTime());
    await repo.transaction(this.db, async (tx) => {
      const existing = await repo.findForeignContactByValue(tx, value);
      if (existing)
        throw new ConflictError(
          `${value} is already in the directory for ${existing.leader}${existing.retired_at ? ' (retired)' : ''}; edit that entry instead.`,
          { field: 'value' },
        );
      const row = {
        id,
        kind: input.kind,
        number: value,
        leader: input.leader.trim(),
        country: input.country.trim(),
        office_id: input.officeId ?? null,
        source: input.source.trim(),
        valid_from: input.validFrom ? new Date(input.validFrom) : null,
        valid_to: input.validTo ? new Date(input.validTo) : null,
      };
      checkValidity(row.valid_from, row.valid_to);
      await repo.insertForeignContact(tx, row);
      await writeAudit(tx, this.records, {
        action: 'capture.contact_added',
        actor,
        office: actor?.officeId ?? null,
        subject: id,
        details: {
          ...row,
          valid_from: row.valid_from?.toISOString() ?? null,
          valid_to: row.valid_to?.toISOString() ?? null,
        },
      });
    });
    return { id, rescan: await detectOffChannel(this.db, this.calls) };
  }

  /** Change a directory entry (its record names what changed and why), then re-scan. */
  async editForeignContact(
    actor: Actor | null,
    id: string,
    input: Partial<ForeignContactInput> & { reason: string },
  ) {
    if (actor) authorize(actor, 'capture.contacts', 'keep the foreign contacts directory');
    await repo.transaction(this.db, async (tx) => {
      const c = await repo.findForeignContact(tx, id);
      if (!c) throw new NotFoundError('foreign contact', id);
      if (c.retired_at) throw new ConflictError('This entry is retired; add a new one instead.');
      const kind = input.kind ?? c.kind;
      const set = {
        ...(input.value !== undefined || input.kind !== undefined
          ? { number: normaliseContact(kind, input.value ?? c.number), kind }
          : {}),
        ...(input.leader !== undefined ? { leader: input.leader.trim() } : {}),
        ...(input.country !== undefined ? { country: input.country.trim() } : {}),
        ...(input.officeId !== undefined ? { office_id: input.officeId ?? null } : {}),
        ...(input.source !== undefined ? { source: input.source.trim() } : {}),
        ...(input.validFrom !== undefined
          ? { valid_from: input.validFrom ? new Date(input.validFrom) : null }
          : {}),
        ...(input.validTo !== undefined ? { valid_to: input.validTo ? new Date(input.validTo) : null } : {}),
      };
      checkValidity(
        'valid_from' in set ? set.valid_from : c.valid_from,
        'valid_to' in set ? set.valid_to : c.valid_to,
      );
      if (set.number && set.number !== c.number && (await repo.findForeignContactByValue(tx, set.number)))
        throw new ConflictError(`${set.number} is already in the directory.`, { field: 'value' });
      await repo.updateForeignContact(tx, id, set);
      const before = Object.fromEntries(Object.keys(set).map((k) => [k, c[k as keyof typeof c] ?? null]));
      await writeAudit(tx, this.records, {
        action: 'capture.contact_changed',
        actor,
        office: actor?.officeId ?? null,
        subject: id,
        details: { before, after: set, reason: input.reason },
      });
    });
    return { id, rescan: await detectOffChannel(this.db, this.calls) };
  }

  /** Retire a directory entry: it stops matching after now; what it matched before stays. */
  async retireForeignContact(actor: Actor | null, id: string, reason: string) {
    if (actor) authorize(actor, 'capture.contacts', 'keep the foreign contacts directory');
    return repo.transaction(this.db, async (tx) => {
      const c = await repo.findForeignContact(tx, id);
      if (!c) throw new NotFoundError('foreign contact', id);
      if (c.retired_at) throw new ConflictError('This entry is already retired.');
      const now = this.clock.now();
      await repo.updateForeignContact(tx, id, { retired_at: now });
      await writeAudit(tx, this.records, {
        action: 'capture.contact_retired',
        actor,
        office: actor?.officeId ?? null,
        subject: id,
        details: { value: c.number, leader: c.leader, reason, at: now.toISOString() },
      });
      return { id, rescan: { offChannel: [], attempted: [] } };
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
