import { describe, expect, it } from 'vitest';
import { multipart } from '../helpers/http.js';
import { captureRoutes } from './matrix/capture.js';
import { expectProblem, runMatrix, setupMatrix } from './matrix/harness.js';

/** The route × role matrix (matrix/harness.ts) for personal-account capture. */
describe('route × role matrix: capture', () => {
  const w = setupMatrix();
  runMatrix(w, captureRoutes(w));

  describe('office scoping', () => {
    it("the records officer of Canada cannot classify a US item, set a US person's coverage or register a US official account (404)", async () => {
      const item = await w.t.ctx.db
        .selectFrom('captured_items')
        .select('category')
        .where('id', '=', w.ids.capturedItem)
        .executeTakeFirstOrThrow();
      expectProblem(
        await w.send('records', 'ca-pmo', {
          method: 'POST',
          url: `/api/v1/capture/items/${w.ids.capturedItem}/classify`,
          payload: { category: 'personal', reason: 'Not ours to say, but trying.' },
        }),
        404,
      );
      expect(
        (
          await w.t.ctx.db
            .selectFrom('captured_items')
            .select('category')
            .where('id', '=', w.ids.capturedItem)
            .executeTakeFirstOrThrow()
        ).category,
      ).toBe(item.category);
      expectProblem(
        await w.send('records', 'ca-pmo', {
          method: 'PUT',
          url: `/api/v1/capture/covered/${w.ids.staff}`,
          payload: { covered: 'not_covered' },
        }),
        404,
      );
      expectProblem(
        await w.send('records', 'ca-pmo', {
          method: 'POST',
          url: '/api/v1/capture/official-accounts',
          payload: { kind: 'email', identifier: 'ca-tries@us.example.gov', ownerId: w.ids.staff },
        }),
        404,
      );
    });

    /** importFile finds the owner only in the importer's own office, like every other capture write. */
    it("the records officer of Canada may not import into a US person's account (404, nothing kept)", async () => {
      const n = w.next();
      const mp = await multipart(
        { kind: 'eml', account: 'potus.private@personal.example.com', owner: 'potus@us.example.gov' },
        {
          name: 'message.eml',
          content: `From: a@personal.example.com\r\nTo: b@personal.example.com\r\nSubject: From Ottawa\r\nDate: Mon, 02 Feb 2026 10:00:00 +0000\r\nMessage-ID: <ca-${n}@personal.example.com>\r\n\r\nHi\r\n`,
        },
      );
      const before = await w.t.ctx.db
        .selectFrom('captured_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const res = await w.send('records', 'ca-pmo', {
        method: 'POST',
        url: '/api/v1/capture/imports',
        headers: mp.headers,
        payload: mp.payload,
      });
      expectProblem(res, 404);
      const after = await w.t.ctx.db
        .selectFrom('captured_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });

    it("the records officer of Canada sees none of the US office's captured items", async () => {
      const q = await w.send('records', 'ca-pmo', { method: 'GET', url: '/api/v1/capture/queue' });
      expect(q.statusCode).toBe(200);
      expect(q.json().map((i: { id: string }) => i.id)).not.toContain(w.ids.capturedItem);
    });
  });
});
