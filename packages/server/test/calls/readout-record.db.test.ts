import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CallWorld, callThrough, newCallWorld } from './world.js';

// One definition of a published readout's record content, used both when publishing and by the
// public page. Change it here (a field added) and both sides must change together: the record the
// log commits to and the content the page gives the browser to verify.
vi.mock('../../src/calls/readout-record.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/calls/readout-record.js')>();
  return {
    ...original,
    publishedReadoutContent: (r: Parameters<typeof original.publishedReadoutContent>[0]) => ({
      ...original.publishedReadoutContent(r),
      changedInOnePlace: 'yes',
    }),
  };
});

function decodeAttribute(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('a published readout’s record content has one definition', () => {
  let w: CallWorld;
  beforeAll(async () => {
    w = await newCallWorld({}, true);
  });
  afterAll(() => w.close());

  it('publishing and the public page both follow it, so "Verify this readout" still matches', async () => {
    const callId = await callThrough(w, 'memcon_final');
    const press = w.host.people.press!;
    const { readouts } = w.t.ctx.calls;
    await readouts.saveReadout(press, callId, { title: 'Readout of the call', bodyMd: 'The leaders spoke.' });
    await readouts.approveReadout(press, callId);
    await readouts.publishReadout(press, callId);

    const published = await w.t.ctx.db
      .selectFrom('readouts')
      .innerJoin('records', 'records.id', 'readouts.record_id')
      .select(['readouts.id', 'records.digest', 'records.kind'])
      .where('readouts.call_id', '=', callId)
      .where('readouts.status', '=', 'published')
      .executeTakeFirstOrThrow();
    expect(published.kind).toBe('readout.published');

    const page = await w.app!.inject({ method: 'GET', url: `/readouts/${published.id}` });
    expect(page.statusCode).toBe(200);
    const content = decodeAttribute(/data-content="([^"]*)"/.exec(page.body)![1]!);
    expect(JSON.parse(content)).toMatchObject({
      callId,
      readoutId: published.id,
      title: 'Readout of the call',
      bodyMd: 'The leaders spoke.',
      changedInOnePlace: 'yes',
    });
    expect(createHash('sha256').update(content).digest('hex')).toBe(published.digest);
  });
});
