import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY, HOUR } from '@hotline/common';
import type { CaptureService } from '../capture/capture-service.js';
import type { CaptureQueries } from '../capture/queries.js';
import { isRole } from '../policy/roles.js';
import type { Db } from './repository.js';
import { findRecordsOfficer } from './repository.js';

function rfc822(i: number, date: Date, to: string, subject: string, body: string, bcc?: string): string {
  return [
    `From: "D. Trump" <potus.private@personal.example.com>`,
    `To: ${to}`,
    ...(bcc ? [`Bcc: ${bcc}`] : []),
    `Subject: ${subject}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <demo-${i}@personal.example.com>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\n');
}

/**
 * Demo captures through the real importers: a personal mailbox (some copied to the official
 * account, some not, one personal), the official mailbox with a forwarded copy, and a personal
 * phone's call log with a call from a foreign leader's number (an off-channel contact).
 */
export async function seedDemoCapture(
  db: Db,
  capture: CaptureService,
  queries: CaptureQueries,
  now: Date,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-demo-capture-'));
  try {
    const T = now.getTime();
    const mails = [
      [
        T - 30 * DAY,
        'ambassador@personal.example.com',
        'Re: tariffs on steel',
        'Tell him we will talk next week.',
        'potus@us.example.gov',
      ],
      [
        T - 25 * DAY,
        'friend@personal.example.com',
        'Mexico border',
        'I spoke to her last night. Good call.',
        undefined,
      ],
      [
        T - 18 * DAY,
        'donor@personal.example.com',
        'The G7 statement',
        'Send me the draft before it goes out.',
        undefined,
      ],
      [T - 17 * DAY, 'aide@personal.example.com', 'Call with Macron', 'Set it up for Thursday.', undefined],
      [
        T - 6 * DAY,
        'son@personal.example.com',
        'Happy birthday',
        'Happy birthday! Dinner on Sunday.',
        undefined,
      ],
      [
        T - 3 * DAY,
        'senator@personal.example.com',
        'Infrastructure bill',
        'We need your vote on Tuesday.',
        undefined,
      ],
      [
        T - 1 * DAY,
        'governor@personal.example.com',
        'Wildfire aid',
        'Approved. Tell FEMA.',
        'potus@us.example.gov',
      ],
    ] as const;
    const mbox = mails
      .map(
        ([t, to, subject, body, bcc], i) =>
          `From potus.private@personal.example.com ${new Date(t).toUTCString()}\n${rfc822(i, new Date(t), to, subject, body, bcc)}`,
      )
      .join('\n');
    writeFileSync(join(dir, 'personal.mbox'), mbox);
    // The aide forwarded "The G7 statement" to the official account on day 4.
    writeFileSync(
      join(dir, 'official.mbox'),
      `From potus@us.example.gov ${new Date(T - 14 * DAY).toUTCString()}\n${rfc822(2, new Date(T - 14 * DAY), 'potus@us.example.gov', 'The G7 statement', 'Send me the draft before it goes out.')}`,
    );
    writeFileSync(
      join(dir, 'calls.xml'),
      `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count="2">\n<call number="+52 55 5000 0101" duration="540" date="${T - 4 * DAY + 3 * HOUR}" type="1" presentation="1" contact_name="C.S." />\n<call number="(202) 555-0188" duration="120" date="${T - 2 * DAY}" type="2" presentation="1" />\n</calls>\n`,
    );
    // A personal X account: posts from two devices over three months, a few leaking a location.
    mkdirSync(join(dir, 'x', 'data'), { recursive: true });
    const devices = [
      '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>',
      '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
    ];
    const tweets = Array.from({ length: 24 }, (_, i) => ({
      tweet: {
        id_str: String(1_990_000_000_000_000_000n + BigInt(i)),
        created_at: new Date(T - (90 - i * 3.5) * DAY).toUTCString(),
        full_text:
          i % 5 === 0 ? 'Great rally tonight!' : `Statement ${i}: working hard for the American people.`,
        source: devices[i % 3 === 0 ? 1 : 0],
        ...(i % 7 === 0 ? { place: { full_name: 'Palm Beach, FL' } } : {}),
      },
    }));
    writeFileSync(join(dir, 'x', 'data', 'tweets.js'), `window.YTD.tweets.part0 = ${JSON.stringify(tweets)}`);
    const owner = { ownerEmail: 'potus@us.example.gov' };
    await capture.importFile(null, 'x', join(dir, 'x'), { ...owner, identifier: '@leader_personal' });
    await capture.importFile(null, 'mbox', join(dir, 'personal.mbox'), {
      ...owner,
      identifier: 'potus.private@personal.example.com',
    });
    await capture.importFile(null, 'mbox', join(dir, 'official.mbox'), {
      ...owner,
      identifier: 'potus@us.example.gov',
      official: true,
    });
    await capture.importFile(null, 'phone', join(dir, 'calls.xml'), { ...owner, identifier: '+12025550142' });
    // The records officer has classified all but two items.
    const officer = await findRecordsOfficer(db, 'us-potus');
    const actor = {
      userId: officer.id,
      officeId: officer.office_id,
      roles: officer.roles.filter(isRole),
      displayName: officer.display_name,
    };
    const queue = (await queries.queue(actor, { limit: 1000 })).items;
    for (const q of queue) {
      const subject = (q.summary as { subject?: string }).subject;
      if (subject === 'Infrastructure bill' || q.kind === 'call') continue;
      // Campaign posts and family mail are personal (2203(b)); statements are presidential.
      const tweetId = (q.summary as { tweetId?: string }).tweetId;
      const rally = tweetId !== undefined && (BigInt(tweetId) - 1_990_000_000_000_000_000n) % 5n === 0n;
      const personal = subject === 'Happy birthday' || rally;
      await capture.classify(
        actor,
        q.id,
        personal ? 'personal' : 'presidential',
        'Reviewed against the PRA categories.',
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
