import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import type { Actor } from '../../src/policy/policy.js';
import { newActor } from '../helpers/builders.js';
import { personaFor, personas, sameOrigin, signInAs } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * Redacted copies and the export answering an access request, on PGlite and PostgreSQL: the
 * redacted words are gone from the exported text and PDF (text extracted with pdfjs-dist), the
 * original record still holds them, and each act is in the records log.
 */
let t: TestContext;
let app: App;
let cookie = '';
let us: Actor;
let ca: Actor;

beforeAll(async () => {
  t = await newTestContext({ demo: '1', authRateLimit: '1000' });
  await t.ctx.prepare();
  app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
  const officer = personaFor(await personas(app), 'records');
  cookie = await signInAs(app, officer.userId);
  const office = async (slug: string) =>
    (await t.ctx.db.selectFrom('offices').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
  us = await newActor(t.ctx, await office('us-potus'), ['records']);
  ca = await newActor(t.ctx, await office('ca-pmo'), ['records']);
}, 180_000);
afterAll(async () => {
  await app?.close();
  await t?.close();
});

async function pdfText(bytes: Uint8Array): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: true }).promise;
  const out: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const c = await (await doc.getPage(n)).getTextContent();
    out.push(c.items.map((i) => ('str' in i ? i.str : '')).join(' '));
  }
  await doc.destroy();
  return out.join('\n');
}

const memcon = async () => {
  const r = await t.ctx.archive.search(us, { q: 'arctic security', kind: 'memcon' }, 1, 5);
  const h = r.hits[0]!;
  return { refKind: h.refKind, refId: h.refId };
};

const fileRequest = async (ref: { refKind: 'memcon' | string; refId: string }) =>
  t.ctx.accessRequests.file(us, {
    requesterKind: 'congress',
    requester: 'House Committee on Oversight',
    legalBasis: '44 U.S.C. 2205(2)(C)',
    scope: { kind: 'records', records: [ref as never] },
    receivedOn: '2026-03-02',
    dueOn: '2026-06-30',
  });

describe('redacted copies', () => {
  it('burns each redaction into a new derived version, with its reason; the original is untouched', async () => {
    const ref = await memcon();
    const before = await t.ctx.archive.view(us, ref as never);
    expect(before.body).toMatch(/arctic/i);
    const copy = await t.ctx.redactions.redact(us, ref as never, [
      { text: 'Arctic', reason: '(b)(1)' },
      { start: 0, end: 4, reason: '(a)(5)' },
    ]);
    expect(copy.body).not.toMatch(/arctic/i);
    expect(copy.body).toContain('[REDACTED (b)(1)]');
    expect(copy.body.startsWith('[REDACTED (a)(5)]')).toBe(true);
    expect(copy.body.slice('[REDACTED (a)(5)]'.length)).toBe(
      before.body.slice(4).replace(/arctic/gi, '[REDACTED (b)(1)]'),
    );
    expect(copy.title).not.toMatch(/arctic/i);
    expect(copy.redactions.map((r) => r.reason)).toContain('(b)(1)');
    // The record itself still holds the words.
    const after = await t.ctx.archive.view(us, ref as never);
    expect(after.body).toBe(before.body);
    expect(after.title).toBe(before.title);
    // The act is a record; the log says which spans and why, not the words.
    const rec = await t.ctx.db
      .selectFrom('records')
      .select(['kind', 'subject'])
      .where('seq', '=', String(copy.recordSeq))
      .executeTakeFirstOrThrow();
    expect(rec.subject).toBe(`${ref.refKind}:${ref.refId}`);
    const history = await t.ctx.archiveQueries.accessHistory(us, ref.refKind, ref.refId);
    expect(history.some((h) => h.action === 'redacted' && h.recordSeq === copy.recordSeq)).toBe(true);
    const listed = await t.ctx.redactions.copiesOf(us, ref as never);
    expect(listed.map((c) => c.id)).toContain(copy.id);
  });

  it('refuses bad redactions and leaves nothing written', async () => {
    const ref = await memcon();
    const count = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom('archive_redacted_copies')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const n = await count();
    await expect(
      t.ctx.redactions.redact(us, ref as never, [{ text: 'zebra-quokka', reason: '(b)(6)' }]),
    ).rejects.toThrow(/does not occur/);
    await expect(
      t.ctx.redactions.redact(us, ref as never, [{ start: 5, end: 1_000_000, reason: '(b)(6)' }]),
    ).rejects.toThrow(/not inside/);
    // Another office cannot see the record, so cannot copy it.
    await expect(
      t.ctx.redactions.redact(ca, ref as never, [{ text: 'Arctic', reason: '(b)(1)' }]),
    ).rejects.toThrow(/exists, or you may not see it/);
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/archive/records/${ref.refKind}/${ref.refId}/redactions`,
      headers: { cookie },
      payload: { redactions: [{ text: 'Arctic', reason: '(c)(1)' }] },
    });
    expect(res.statusCode).toBe(400);
    expect(await count()).toBe(n);
  });
});

describe('answering an access request with a redacted export', () => {
  it('exports only redacted copies (text and PDF) and a report; the words are gone, the original keeps them', async () => {
    const ref = await memcon();
    const req = await fileRequest(ref);
    const made = await app.inject({
      method: 'POST',
      url: `/api/v1/archive/records/${ref.refKind}/${ref.refId}/redactions`,
      headers: { cookie },
      payload: {
        requestId: req.id,
        redactions: [
          { text: 'Arctic', reason: '(b)(1)' },
          { text: 'security', reason: '(a)(1)' },
        ],
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    const copyId = made.json().id as string;

    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/archive/requests/${req.id}/export`,
      headers: { cookie },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(res.rawPayload));
    const names = Object.keys(files).sort();
    const txt = names.filter((n) => n.endsWith('.txt') && n.startsWith('records/'));
    const pdf = names.filter((n) => n.endsWith('.pdf'));
    expect(txt).toHaveLength(1);
    expect(pdf).toHaveLength(1);
    expect(names).toEqual([...pdf, ...txt, 'redaction-report.json', 'redaction-report.txt'].sort());

    const text = strFromU8(files[txt[0]!]!);
    const fromPdf = await pdfText(files[pdf[0]!]!);
    for (const got of [text, fromPdf]) {
      expect(got).not.toMatch(/arctic/i);
      expect(got).not.toMatch(/security/i);
      expect(got).toContain('[REDACTED (b)(1)]');
      expect(got).toContain('[REDACTED (a)(1)]');
    }
    // The PDF carries the redacted text itself (no overlay hides words still in the file).
    expect(strFromU8(files[pdf[0]!]!, true)).not.toMatch(/arctic/i);

    const report = JSON.parse(strFromU8(files['redaction-report.json']!));
    expect(report.requestId).toBe(req.id);
    expect(report.copies).toHaveLength(1);
    expect(report.copies[0]).toMatchObject({ copyId, refKind: ref.refKind, refId: ref.refId });
    expect(new Set(report.copies[0].redactions.map((r: { reason: string }) => r.reason))).toEqual(
      new Set(['(b)(1)', '(a)(1)']),
    );
    expect(strFromU8(files['redaction-report.txt']!)).toContain('5 U.S.C. 552(b)(1)');
    expect(strFromU8(files['redaction-report.txt']!)).toContain('44 U.S.C. 2204(a)(1)');

    // The original record still holds the words.
    const original = await t.ctx.archive.view(us, ref as never);
    expect(`${original.title} ${original.body}`).toMatch(/arctic/i);
    expect(`${original.title} ${original.body}`).toMatch(/security/i);

    // The export is a record: what, by whom, under which request; the request is answered.
    const seq = res.headers['x-hotline-record-seq'] as string;
    const exp = await t.ctx.db
      .selectFrom('archive_exports')
      .selectAll()
      .where('id', '=', res.headers['x-hotline-export'] as string)
      .executeTakeFirstOrThrow();
    expect(exp.request_id).toBe(req.id);
    expect(exp.copies).toEqual([copyId]);
    expect(String(exp.record_seq)).toBe(seq);
    const rec = await t.ctx.db
      .selectFrom('records')
      .select(['subject', 'kind'])
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    expect(rec.subject).toBe(`access_request:${req.id}`);
    expect(exp.files.map((f) => f.name).sort()).toEqual(names);
    const queue = await t.ctx.accessRequests.queue(us);
    expect(queue.some((q) => q.id === req.id)).toBe(false);
    const again = await app.inject({
      method: 'POST',
      url: `/api/v1/archive/requests/${req.id}/export`,
      headers: { cookie },
    });
    expect(again.statusCode).toBe(409);
  });

  it('refuses an export with no redacted copies made under the request', async () => {
    const req = await fileRequest(await memcon());
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/archive/requests/${req.id}/export`,
      headers: { cookie },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail ?? res.json().title).toMatch(/redacted copies/);
  });
});
