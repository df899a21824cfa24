import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallWorld, callThrough, http, newCallWorld } from './world.js';

/**
 * Issue 14 item 6: a published readout can be corrected (a new version at the same public
 * address; the page and the Atom feed say it was corrected, when and why) or withdrawn (a
 * tombstone that stays verifiable in the log). Each is one transaction with its record.
 */
function decode(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('correcting and withdrawing a published readout', () => {
  let w: CallWorld;
  let callId: string;
  let publicId: string;
  beforeAll(async () => {
    w = await newCallWorld({}, true);
    callId = await callThrough(w, 'memcon_final');
    const press = w.host.people.press!;
    const { readouts } = w.t.ctx.calls;
    await readouts.saveReadout(press, callId, {
      title: 'Readout of the Prime Minister’s call',
      bodyMd: 'The leaders discussed the G7 agenda in Evain.',
    });
    await readouts.approveReadout(press, callId);
    await readouts.publishReadout(press, callId);
    publicId = (
      await w.t.ctx.db
        .selectFrom('readouts')
        .select('id')
        .where('call_id', '=', callId)
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => w.close());

  /** The page's disclosed content hashes to its record's digest (what "Verify this readout" checks). */
  async function verifiable(url: string, kind: string) {
    const page = await w.app!.inject({ method: 'GET', url });
    expect(page.statusCode).toBe(200);
    const content = decode(/data-content="([^"]*)"/.exec(page.body)![1]!);
    const id = JSON.parse(content).readoutId as string;
    const rec = await w.t.ctx.db
      .selectFrom('readouts')
      .innerJoin('records', 'records.id', 'readouts.record_id')
      .select(['records.digest', 'records.kind'])
      .where('readouts.id', '=', id)
      .executeTakeFirstOrThrow();
    expect(rec.kind).toBe(kind);
    expect(createHash('sha256').update(content).digest('hex')).toBe(rec.digest);
    return { body: page.body, content: JSON.parse(content) as Record<string, unknown> };
  }

  it('refuses a correction without a reason and by anyone but the host’s press, leaving the readout as it was', async () => {
    const noReason = await http(w, w.host.people.press!, 'POST', `/api/v1/calls/${callId}/readouts/correct`, {
      title: 'Readout',
      bodyMd: 'Text.',
      reason: '',
    });
    expect(noReason.statusCode).toBe(400);
    const staff = await http(w, w.host.people.staff!, 'POST', `/api/v1/calls/${callId}/readouts/correct`, {
      title: 'Readout',
      bodyMd: 'Text.',
      reason: 'A typo.',
    });
    expect(staff.statusCode).toBe(403);
    const page = await w.app!.inject({ method: 'GET', url: `/readouts/${publicId}` });
    expect(page.body).toContain('Evain');
    expect(page.body).not.toContain('Corrected');
  });

  it('publishes a correction at the same address, saying when and why; the old version says it was replaced', async () => {
    const res = await http(w, w.host.people.press!, 'POST', `/api/v1/calls/${callId}/readouts/correct`, {
      title: 'Readout of the Prime Minister’s call',
      bodyMd: 'The leaders discussed the G7 agenda in Evian.',
      reason: 'The name of the town was misspelled',
    });
    expect(res.statusCode, res.body).toBe(200);
    const current = await verifiable(`/readouts/${publicId}`, 'readout.corrected');
    expect(current.body).toContain('Evian.');
    expect(current.body).toContain('<strong>Corrected</strong>');
    expect(current.body).toContain('The name of the town was misspelled');
    expect(current.content).toMatchObject({
      corrects: publicId,
      reason: 'The name of the town was misspelled',
    });
    // The page links back to the call, for the office's staff.
    expect(current.body).toContain(`href="/app/calls/${callId}"`);
    // A version replaced since stays at its own id, marked as replaced (the first one's id is the address).
    const second = await http(w, w.host.people.press!, 'POST', `/api/v1/calls/${callId}/readouts/correct`, {
      title: 'Readout of the Prime Minister’s call',
      bodyMd: 'The leaders discussed the G7 agenda in Evian, France.',
      reason: 'The country was added',
    });
    expect(second.statusCode).toBe(200);
    const old = await verifiable(`/readouts/${current.content.readoutId as string}`, 'readout.corrected');
    expect(old.body).toMatch(/This version was replaced/);
    expect(old.body).toContain(`href="/readouts/${publicId}"`);
    // The feed has one entry for the readout, updated, saying it was corrected.
    const feed = await w.app!.inject({ method: 'GET', url: '/readouts.atom' });
    const entries = feed.body
      .split('<entry>')
      .slice(1)
      .filter((e) => e.includes(publicId));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toContain('Corrected');
    expect(entries[0]).toContain('The country was added');
    expect(entries[0]).toContain('Evian, France');
    // The list shows the readout once.
    const list = await w.app!.inject({ method: 'GET', url: '/readouts' });
    expect(list.body.split(`/readouts/${publicId}"`).length - 1).toBe(1);
  });

  it('withdraws it: the address becomes a verifiable tombstone, gone from the list and the feed', async () => {
    const res = await http(w, w.host.people.press!, 'POST', `/api/v1/calls/${callId}/readouts/withdraw`, {
      reason: 'Published by mistake before the other government agreed',
    });
    expect(res.statusCode, res.body).toBe(200);
    const tomb = await verifiable(`/readouts/${publicId}`, 'readout.withdrawn');
    expect(tomb.body).toContain('<strong>Withdrawn</strong>');
    expect(tomb.body).toContain('Published by mistake before the other government agreed');
    expect(tomb.body).not.toContain('Evian.');
    expect(tomb.content).toMatchObject({ title: 'Readout of the Prime Minister’s call' });
    const list = await w.app!.inject({ method: 'GET', url: '/readouts' });
    expect(list.body).not.toContain(publicId);
    const feed = await w.app!.inject({ method: 'GET', url: '/readouts.atom' });
    expect(feed.body).not.toContain(publicId);
    // Nothing left to correct or withdraw.
    const again = await http(w, w.host.people.press!, 'POST', `/api/v1/calls/${callId}/readouts/withdraw`, {
      reason: 'Once more',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/withdrawn/);
    // Each act is a record, chained to the version before it, and a step on the call's timeline.
    const kinds = await w.t.ctx.db
      .selectFrom('records')
      .select('kind')
      .where('subject', '=', callId)
      .where('kind', 'in', [
        'readout.published',
        'readout.corrected',
        'readout.withdrawn',
        'call.correct_readout',
        'call.withdraw_readout',
      ])
      .orderBy('seq')
      .execute();
    expect(kinds.map((k) => k.kind)).toEqual([
      'readout.published',
      'readout.corrected',
      'call.correct_readout',
      'readout.corrected',
      'call.correct_readout',
      'readout.withdrawn',
      'call.withdraw_readout',
    ]);
  });
});
