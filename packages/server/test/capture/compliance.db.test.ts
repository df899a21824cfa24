import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { personaFor, personas, sameOrigin, signInAs } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

async function mbox(path: string, msgs: ConstructorParameters<typeof MailComposer>[0][]): Promise<void> {
  const parts: string[] = [];
  for (const m of msgs) {
    const node = new MailComposer(m).compile();
    node.keepBcc = true;
    const raw: Buffer = await new Promise((res, rej) => node.build((e, b) => (e ? rej(e) : res(b))));
    parts.push(
      `From sender Sun Feb  1 12:00:00 2026\n${raw
        .toString()
        .replace(/\r\n/g, '\n')
        .replace(/^(>*From )/gm, '>$1')}\n`,
    );
  }
  writeFileSync(path, parts.join('\n'));
}

describe('20-day compliance for the records officer', () => {
  let t: TestContext;
  let app: App;
  let dir: string;
  let records = '';
  let press = '';
  beforeAll(async () => {
    t = await newTestContext({ demo: '1', authRateLimit: '1000' });
    await t.ctx.prepare();
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    const list = await personas(app);
    records = await signInAs(app, personaFor(list, 'records').userId);
    press = await signInAs(app, personaFor(list, 'press').userId);
    dir = mkdtempSync(join(tmpdir(), 'hotline-compliance-'));
    const from = 'leader.test@personal.example.com';
    await mbox(join(dir, 'personal.mbox'), [
      {
        from,
        to: 'a@personal.example.com',
        bcc: 'potus@us.example.gov',
        subject: 'Copied',
        text: 'copied',
        date: new Date('2026-02-01T15:00:00Z'),
        messageId: '<copied@p>',
      },
      {
        from,
        to: 'b@personal.example.com',
        subject: 'Forwarded',
        text: 'forwarded',
        date: new Date('2026-02-01T15:00:00Z'),
        messageId: '<fwd@p>',
      },
      {
        from,
        to: 'c@personal.example.com',
        subject: 'Missing',
        text: 'missing',
        date: new Date('2026-02-01T15:00:00Z'),
        messageId: '<missing@p>',
      },
      {
        from,
        to: 'd@personal.example.com',
        subject: 'Birthday',
        text: 'happy birthday',
        date: new Date('2026-02-02T15:00:00Z'),
        messageId: '<personal@p>',
      },
    ]);
    // The official mailbox holds a complete copy of the second message, forwarded on day 10.
    await mbox(join(dir, 'official.mbox'), [
      {
        from,
        to: 'potus@us.example.gov',
        subject: 'Forwarded',
        text: 'forwarded',
        date: new Date('2026-02-11T15:00:00Z'),
        messageId: '<fwd@p>',
      },
    ]);
    await t.ctx.capture.importFile(null, 'mbox', join(dir, 'personal.mbox'), {
      identifier: from,
      ownerEmail: 'potus@us.example.gov',
    });
    await t.ctx.capture.importFile(null, 'mbox', join(dir, 'official.mbox'), {
      identifier: 'potus@us.example.gov',
      ownerEmail: 'potus@us.example.gov',
      official: true,
    });
  });
  afterAll(async () => {
    await app.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('queues unknown items and records each classification decision', async () => {
    const mine = (q: { identifier: string }) => q.identifier === 'leader.test@personal.example.com';
    const queue = (await app.inject({ url: '/api/v1/capture/queue', headers: { cookie: records } }))
      .json()
      .filter(mine);
    expect(queue).toHaveLength(4);
    expect((await app.inject({ url: '/api/v1/capture/queue', headers: { cookie: press } })).statusCode).toBe(
      403,
    );
    for (const q of queue) {
      const category = q.summary.subject === 'Birthday' ? 'personal' : 'presidential';
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/capture/items/${q.id}/classify`,
        headers: { cookie: records },
        payload: { category, reason: 'Reviewed by the records officer.' },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    for (const q of queue) {
      const decisions = await t.ctx.db
        .selectFrom('records')
        .select('kind')
        .where('kind', '=', 'capture.classified')
        .where('subject', '=', q.id)
        .execute();
      expect(decisions).toHaveLength(1);
    }
    expect(
      (await app.inject({ url: '/api/v1/capture/queue', headers: { cookie: records } })).json().filter(mine),
    ).toHaveLength(0);
  });

  it('shows copied, forwarded (with the matching method), overdue and not-applicable items', async () => {
    const s = (await app.inject({ url: '/api/v1/capture/compliance', headers: { cookie: records } })).json();
    expect(Object.keys(s.byPerson)).toEqual(['Donald J. Trump']);
    const csv = (await app.inject({ url: '/api/v1/capture/compliance.csv', headers: { cookie: records } }))
      .body;
    const ours = csv.split('\r\n').filter((l) => l.includes('leader.test@personal.example.com'));
    const statusOf = (subject: string) => ours.find((l) => l.includes(`,${subject},`))?.split(',')[7];
    expect([statusOf('Copied'), statusOf('Forwarded'), statusOf('Missing'), statusOf('Birthday')]).toEqual([
      'compliant-copied',
      'compliant-forwarded',
      'overdue',
      'not-applicable',
    ]);
    expect(csv.split('\r\n')[0]).toBe(
      'item_id,kind,owner,account,occurred_at,subject,category,status,detail,trail',
    );
    expect(csv).toMatch(
      /,Forwarded,presidential,compliant-forwarded,message-id at 2026-02-11T15:00:00.000Z to potus@us.example.gov \(same message\),/,
    );
    expect(csv).toMatch(/,Missing,presidential,overdue,\d+ days overdue; deadline 2026-02-22T04:59:59.999Z/);
    expect(
      (await app.inject({ url: '/api/v1/capture/compliance', headers: { cookie: press } })).statusCode,
    ).toBe(403);
  });
});
