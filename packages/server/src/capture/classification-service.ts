import { ConflictError, NotFoundError, newId, ValidationError } from '@hotline/common';
import type { Actor } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import { decide } from './classification-rules.js';
import type { ImportDeps } from './import-publish.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/** What a rule covers and decides (44 U.S.C. 2203(b)). */
export interface RuleInput {
  account?: string | null;
  correspondents?: string[];
  from?: string | null;
  to?: string | null;
  category: 'presidential' | 'personal';
  reason: string;
}

/** One decision a rule made: the item, its category before and after, and the decision's record. */
export interface RuleDecision {
  itemId: string;
  from: string;
  to: 'presidential' | 'personal';
  recordSeq: number;
}

const STATUTE = '44 U.S.C. 2203(b)';
const cleanAccount = (a: string | null | undefined) => a?.trim().toLowerCase() || null;
const cleanCorrespondents = (list: string[] | undefined) => [
  ...new Set((list ?? []).map((c) => c.trim().toLowerCase()).filter(Boolean)),
];
const iso = (d: Date | null) => d?.toISOString() ?? null;

function checkRange(from: Date | string | null, to: Date | string | null): void {
  if (from && to && new Date(to).getTime() < new Date(from).getTime())
    throw new ValidationError('The date range ends before it starts.', { field: 'to' });
}

/**
 * Write a rule. One transaction: the rule and its record, then every unclassified item of the
 * office it matches decided, each decision a record naming the rule.
 */
export async function addRule(
  deps: ImportDeps,
  actor: Actor,
  input: RuleInput,
): Promise<{ ruleId: string; applied: RuleDecision[] }> {
  const now = deps.clock.now();
  const id = newId(now.getTime());
  const from = input.from ? new Date(input.from) : null;
  const to = input.to ? new Date(input.to) : null;
  checkRange(from, to);
  const correspondents = cleanCorrespondents(input.correspondents);
  const account = cleanAccount(input.account);
  return repo.transaction(deps.db, async (tx) => {
    await repo.insertClassificationRule(tx, {
      id,
      office_id: actor.officeId,
      account,
      correspondents: JSON.stringify(correspondents),
      from_date: from,
      to_date: to,
      category: input.category,
      reason: input.reason,
      created_by: actor.userId,
      created_at: now,
    });
    await writeAudit(tx, deps.records, {
      action: 'capture.rule_added',
      actor,
      office: actor.officeId,
      subject: id,
      details: {
        rule: id,
        account,
        correspondents,
        from: iso(from),
        to: iso(to),
        category: input.category,
        reason: input.reason,
        statute: STATUTE,
      },
    });
    return { ruleId: id, applied: await decideByRules(deps, tx, actor, actor.officeId) };
  });
}

/** The office's rule, locked for a change; retired ones cannot change. */
async function ruleForChange(tx: Db, actor: Actor, id: string) {
  const r = await repo.findClassificationRuleForUpdate(tx, id);
  if (!r || r.office_id !== actor.officeId) throw new NotFoundError('classification rule', id);
  if (r.retired_at)
    throw new ConflictError('This rule is retired and cannot change; write a new rule instead.');
  return r;
}

/**
 * Change a rule (any of what it covers, what it decides, its reason), saying why. One
 * transaction: the change and its record (before, after, why), then the unclassified items the
 * rules now match decided. Decisions the rule made before stay as made: each is its own record.
 */
export async function editRule(
  deps: ImportDeps,
  actor: Actor,
  id: string,
  input: Partial<RuleInput> & { change: string },
): Promise<{ ruleId: string; applied: RuleDecision[] }> {
  return repo.transaction(deps.db, async (tx) => {
    const r = await ruleForChange(tx, actor, id);
    const set = {
      ...(input.account !== undefined ? { account: cleanAccount(input.account) } : {}),
      ...(input.correspondents !== undefined
        ? { correspondents: cleanCorrespondents(input.correspondents) }
        : {}),
      ...(input.from !== undefined ? { from_date: input.from ? new Date(input.from) : null } : {}),
      ...(input.to !== undefined ? { to_date: input.to ? new Date(input.to) : null } : {}),
      ...(input.category !== undefined ? { category: input.category } : {}),
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
    };
    checkRange(
      'from_date' in set ? (set.from_date ?? null) : r.from_date,
      'to_date' in set ? (set.to_date ?? null) : r.to_date,
    );
    const shown = (k: string, v: unknown) =>
      (k === 'from_date' || k === 'to_date') && v ? new Date(v as Date).toISOString() : (v ?? null);
    const before = Object.fromEntries(Object.keys(set).map((k) => [k, shown(k, r[k as keyof typeof r])]));
    const after = Object.fromEntries(Object.entries(set).map(([k, v]) => [k, shown(k, v)]));
    const { correspondents, ...rest } = set;
    await repo.updateClassificationRule(tx, id, {
      ...rest,
      ...(correspondents ? { correspondents: JSON.stringify(correspondents) } : {}),
    });
    await writeAudit(tx, deps.records, {
      action: 'capture.rule_changed',
      actor,
      office: actor.officeId,
      subject: id,
      details: { rule: id, before, after, why: input.change, statute: STATUTE },
    });
    return { ruleId: id, applied: await decideByRules(deps, tx, actor, actor.officeId) };
  });
}

/** Retire a rule: it decides nothing from now on; what it decided stays. One transaction with its record. */
export async function retireRule(deps: ImportDeps, actor: Actor, id: string, why: string) {
  return repo.transaction(deps.db, async (tx) => {
    const r = await ruleForChange(tx, actor, id);
    const now = deps.clock.now();
    await repo.updateClassificationRule(tx, id, { retired_at: now });
    await writeAudit(tx, deps.records, {
      action: 'capture.rule_retired',
      actor,
      office: actor.officeId,
      subject: id,
      details: { rule: id, category: r.category, reason: r.reason, why, at: now.toISOString() },
    });
    return { ruleId: id };
  });
}

/**
 * The office's rules over its unclassified items (after an import: that import's only). The
 * oldest matching rule decides; each decision is a record naming the rule.
 */
export async function decideByRules(
  deps: ImportDeps,
  tx: Db,
  actor: Actor | null,
  officeId: string,
  importId?: string,
): Promise<RuleDecision[]> {
  const rules = (await repo.allClassificationRules(tx, officeId)).filter((r) => !r.retired_at);
  if (rules.length === 0) return [];
  const applied: RuleDecision[] = [];
  for (const item of await repo.unclassifiedForRules(tx, officeId, importId)) {
    const rule = decide(rules, item);
    if (!rule) continue;
    const rec = await deps.records.append(tx, {
      kind: 'capture.classified',
      office: officeId,
      actor: actor?.userId ?? null,
      subject: item.id,
      prev: item.record_id,
      content: {
        itemId: item.id,
        from: 'unknown',
        to: rule.category,
        rule: rule.id,
        reason: `By rule ${rule.id}: ${rule.reason}`,
        statute: STATUTE,
      },
    });
    await repo.setItemCategory(tx, item.id, rule.category);
    applied.push({ itemId: item.id, from: 'unknown', to: rule.category, recordSeq: rec.seq });
  }
  return applied;
}
