import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/policy/policy.js';
import { newActor, newOfficeInput } from '../helpers/builders.js';
import { importTestContext } from '../helpers/import-context.js';

const ACCOUNT = 'rule.changes@personal.example.com';
const eml = (n: number, to: string, date: string) =>
  `From ${ACCOUNT} Sun Feb  1 12:00:00 2026\nFrom: ${ACCOUNT}\nTo: ${to}\nSubject: c${n}\nDate: ${date}\nMessage-ID: <change-${n}@x>\n\nbody ${n}\n`;

describe('classification rules are listed, changed and retired, each change a record naming the rule', () => {
  const t = importTestContext('rule_changes');
  let actor: Actor;
  let stranger: Actor;
  const owner = { identifier: ACCOUNT, ownerEmail: 'potus@us.example.gov' };
  beforeAll(async () => {
    const o = await t.ctx.db
      .selectFrom('users')
      .select('office_id')
      .where('email', '=', owner.ownerEmail)
      .executeTakeFirstOrThrow();
    actor = await newActor(t.ctx, o.office_id, ['records']);
    const other = await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput());
    stranger = await newActor(t.ctx, other.id, ['records']);
    writeFileSync(
      join(t.dir, 'a.mbox'),
      [
        eml(1, 'sister@family.example.com', 'Mon, 05 Jan 2026 12:00:00 +0000'),
        eml(2, 'friend@family.example.com', 'Tue, 06 Jan 2026 12:00:00 +0000'),
        eml(3, 'minister@gov.example.org', 'Wed, 07 Jan 2026 12:00:00 +0000'),
      ].join('\n'),
    );
    await t.ctx.capture.importFile(null, 'mbox', join(t.dir, 'a.mbox'), owner);
  });

  const categories = async () =>
    Object.fromEntries(
      (
        await t.ctx.db
          .selectFrom('captured_items')
          .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
          .select(['captured_items.source_id', 'captured_items.category'])
          .where('capture_accounts.identifier', '=', ACCOUNT)
          .execute()
      ).map((r) => [r.source_id, r.category]),
    );
  /** The rule's own records (added, changed, retired), oldest first, with their decrypted content. */
  const ruleRecords = async (ruleId: string) => {
    const rows = await t.ctx.db
      .selectFrom('records')
      .select(['kind', 'digest'])
      .where('subject', '=', ruleId)
      .orderBy('seq')
      .execute();
    return Promise.all(
      rows.map(async (r) => ({
        kind: r.kind,
        content: JSON.parse(new TextDecoder().decode((await t.ctx.records.content(t.ctx.db, r.digest))!)),
      })),
    );
  };

  it('a change applies to what is still unclassified and keeps what the rule decided before', async () => {
    const added = await t.ctx.capture.addClassificationRule(actor, {
      account: ACCOUNT,
      correspondents: ['sister@family.example.com'],
      category: 'personal',
      reason: 'Family correspondence.',
    });
    expect(added.applied).toHaveLength(1);
    const changed = await t.ctx.capture.editClassificationRule(actor, added.ruleId, {
      correspondents: ['sister@family.example.com', 'Friend@family.example.com'],
      change: 'Family friends write too.',
    });
    expect(changed.applied).toHaveLength(1);
    expect(await categories()).toEqual({
      '<change-1@x>': 'personal',
      '<change-2@x>': 'personal',
      '<change-3@x>': 'unknown',
    });
    // the decision made after the change names the rule
    const decision = await t.ctx.db
      .selectFrom('records')
      .select('digest')
      .where('seq', '=', String(changed.applied[0]!.recordSeq))
      .executeTakeFirstOrThrow();
    const content = JSON.parse(
      new TextDecoder().decode((await t.ctx.records.content(t.ctx.db, decision.digest))!),
    );
    expect(content).toMatchObject({ rule: added.ruleId, to: 'personal', from: 'unknown' });

    const recs = await ruleRecords(added.ruleId);
    expect(recs.map((r) => r.kind)).toEqual(['audit.capture.rule_added', 'audit.capture.rule_changed']);
    expect(recs[1]!.content).toMatchObject({
      rule: added.ruleId,
      before: { correspondents: ['sister@family.example.com'] },
      after: { correspondents: ['sister@family.example.com', 'friend@family.example.com'] },
      why: 'Family friends write too.',
    });
    const [listed] = await t.ctx.captureQueries.classificationRules(actor);
    expect(listed).toMatchObject({
      id: added.ruleId,
      account: ACCOUNT,
      correspondents: ['sister@family.example.com', 'friend@family.example.com'],
      category: 'personal',
      reason: 'Family correspondence.',
      retiredAt: null,
    });
  });

  it('a bad change, or another office, leaves the rule and the log as they were', async () => {
    const [rule] = await t.ctx.captureQueries.classificationRules(actor);
    const before = await ruleRecords(rule!.id);
    await expect(
      t.ctx.capture.editClassificationRule(actor, rule!.id, {
        from: '2026-06-01T00:00:00Z',
        to: '2026-01-01T00:00:00Z',
        change: 'A wrong range.',
      }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      t.ctx.capture.editClassificationRule(stranger, rule!.id, { category: 'presidential', change: 'Mine.' }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      t.ctx.capture.retireClassificationRule(stranger, rule!.id, 'Not mine.'),
    ).rejects.toMatchObject({
      status: 404,
    });
    expect(await t.ctx.captureQueries.classificationRules(actor)).toEqual([rule]);
    expect(await ruleRecords(rule!.id)).toEqual(before);
    expect(await t.ctx.captureQueries.classificationRules(stranger)).toEqual([]);
  });

  it('a retired rule decides nothing more, cannot change, and keeps what it decided', async () => {
    const [rule] = await t.ctx.captureQueries.classificationRules(actor);
    await t.ctx.capture.retireClassificationRule(actor, rule!.id, 'The family now writes to the office.');
    const recs = await ruleRecords(rule!.id);
    expect(recs.at(-1)).toMatchObject({
      kind: 'audit.capture.rule_retired',
      content: { rule: rule!.id, why: 'The family now writes to the office.' },
    });
    const [listed] = await t.ctx.captureQueries.classificationRules(actor);
    expect(listed!.retiredAt).toBe(t.clock.now().toISOString());
    await expect(t.ctx.capture.retireClassificationRule(actor, rule!.id, 'Again.')).rejects.toMatchObject({
      status: 409,
    });
    await expect(
      t.ctx.capture.editClassificationRule(actor, rule!.id, { reason: 'Later.', change: 'Later.' }),
    ).rejects.toMatchObject({ status: 409 });
    // a later import: the retired rule leaves its matches for the records officer
    writeFileSync(
      join(t.dir, 'b.mbox'),
      eml(4, 'sister@family.example.com', 'Thu, 08 Jan 2026 12:00:00 +0000'),
    );
    const imp = await t.ctx.capture.importFile(null, 'mbox', join(t.dir, 'b.mbox'), owner);
    expect(imp.classified).toBe(0);
    expect(await categories()).toEqual({
      '<change-1@x>': 'personal',
      '<change-2@x>': 'personal',
      '<change-3@x>': 'unknown',
      '<change-4@x>': 'unknown',
    });
  });
});
