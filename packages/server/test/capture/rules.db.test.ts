import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/policy/policy.js';
import { newActor } from '../helpers/builders.js';
import { importTestContext } from '../helpers/import-context.js';

const ACCOUNT = 'rules.test@personal.example.com';
const eml = (n: number, to: string, date: string) =>
  `From ${ACCOUNT} Sun Feb  1 12:00:00 2026\nFrom: ${ACCOUNT}\nTo: ${to}\nSubject: m${n}\nDate: ${date}\nMessage-ID: <rule-${n}@x>\n\nbody ${n}\n`;

describe('classification rules and the whole queue', () => {
  const t = importTestContext('rules');
  let actor: Actor;
  const owner = { identifier: ACCOUNT, ownerEmail: 'potus@us.example.gov' };
  beforeAll(async () => {
    const o = await t.ctx.db
      .selectFrom('users')
      .select('office_id')
      .where('email', '=', owner.ownerEmail)
      .executeTakeFirstOrThrow();
    actor = await newActor(t.ctx, o.office_id, ['records']);
    writeFileSync(
      join(t.dir, 'a.mbox'),
      [
        eml(1, 'sister@family.example.com', 'Mon, 05 Jan 2026 12:00:00 +0000'),
        eml(2, 'sister@family.example.com', 'Mon, 05 Jan 2027 12:00:00 +0000'),
        eml(3, 'minister@gov.example.org', 'Tue, 06 Jan 2026 12:00:00 +0000'),
      ].join('\n'),
    );
    await t.ctx.capture.importFile(null, 'mbox', join(t.dir, 'a.mbox'), owner);
  });

  const mine = async () =>
    (
      await t.ctx.db
        .selectFrom('captured_items')
        .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
        .select(['captured_items.id', 'captured_items.source_id', 'captured_items.category'])
        .where('capture_accounts.identifier', '=', ACCOUNT)
        .orderBy('captured_items.source_id')
        .execute()
    ).map((r) => [r.source_id, r.category]);

  it('pages through the whole queue, with no cap', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await t.ctx.captureQueries.queue(actor, { limit: 2, ...(after ? { after } : {}) });
      seen.push(...page.items.map((i) => i.id));
      if (!page.next) break;
      after = page.next;
    }
    const all = await t.ctx.db
      .selectFrom('captured_items')
      .select('id')
      .where('category', '=', 'unknown')
      .execute();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.length).toBe((await t.ctx.captureQueries.queue(actor, { limit: 1000 })).items.length);
    expect(all.length).toBeGreaterThanOrEqual(seen.length);
  });

  it('decides existing and future items by rule, each decision a record naming the rule', async () => {
    const r = await t.ctx.capture.addClassificationRule(actor, {
      account: ACCOUNT,
      correspondents: ['Sister@family.example.com'],
      from: '2026-01-01T00:00:00Z',
      to: '2026-12-31T23:59:59Z',
      category: 'personal',
      reason: 'Family correspondence in 2026.',
    });
    expect(r.applied).toHaveLength(1);
    expect(r.applied[0]).toMatchObject({ from: 'unknown', to: 'personal' });
    expect(await mine()).toEqual([
      ['<rule-1@x>', 'personal'],
      ['<rule-2@x>', 'unknown'], // 2027: outside the range
      ['<rule-3@x>', 'unknown'], // another correspondent
    ]);
    const rec = await t.ctx.db
      .selectFrom('records')
      .select(['kind', 'subject'])
      .where('kind', 'in', ['capture.classified', 'audit.capture.rule_added'])
      .where('subject', 'in', [r.applied[0]!.itemId, r.ruleId])
      .execute();
    expect(rec.filter((x) => x.subject === r.applied[0]!.itemId).map((x) => x.kind)).toEqual([
      'capture.classified',
    ]);
    // a future import: its matching items are decided as they arrive
    writeFileSync(
      join(t.dir, 'b.mbox'),
      eml(4, 'sister@family.example.com', 'Wed, 07 Jan 2026 12:00:00 +0000'),
    );
    const imp = await t.ctx.capture.importFile(null, 'mbox', join(t.dir, 'b.mbox'), owner);
    expect(imp.classified).toBe(1);
    expect((await mine()).find(([id]) => id === '<rule-4@x>')).toEqual(['<rule-4@x>', 'personal']);
    // a manual decision says what it changed
    const item3 = (
      await t.ctx.db
        .selectFrom('captured_items')
        .select('id')
        .where('source_id', '=', '<rule-3@x>')
        .executeTakeFirstOrThrow()
    ).id;
    expect(await t.ctx.capture.classify(actor, item3, 'presidential', 'A minister.')).toMatchObject({
      previous: 'unknown',
    });
  });
});
