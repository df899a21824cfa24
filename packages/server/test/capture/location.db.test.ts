import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error piexifjs ships no type declarations; it is used only to build a test fixture.
import piexif from 'piexifjs';
import { describe, expect, it } from 'vitest';
import { readPhotoGps } from '../../src/capture/importers/exif.js';
import { importTestContext } from '../helpers/import-context.js';

/** A JPEG whose EXIF holds the GPS position of the White House, written with piexifjs. */
function jpegWithGps(lat: number, lon: number): Buffer {
  const gps = {
    [piexif.GPSIFD.GPSLatitudeRef]: lat >= 0 ? 'N' : 'S',
    [piexif.GPSIFD.GPSLatitude]: piexif.GPSHelper.degToDmsRational(Math.abs(lat)),
    [piexif.GPSIFD.GPSLongitudeRef]: lon >= 0 ? 'E' : 'W',
    [piexif.GPSIFD.GPSLongitude]: piexif.GPSHelper.degToDmsRational(Math.abs(lon)),
  };
  const exif = piexif.dump({ '0th': {}, Exif: {}, GPS: gps });
  // SOI, a quantization table, a start-of-scan header, one byte of scan data, EOI.
  const bare =
    '\xff\xd8\xff\xdb\x00\x43\x00' +
    '\x01'.repeat(64) +
    '\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x00\xff\xd9';
  return Buffer.from(piexif.insert(exif, bare), 'binary');
}

describe('location leaks and device sources', () => {
  const t = importTestContext('geo');

  it('reads GPS from photo EXIF with exifr', async () => {
    const g = await readPhotoGps(jpegWithGps(38.8977, -77.0365));
    expect(g!.lat).toBeCloseTo(38.8977, 3);
    expect(g!.lon).toBeCloseTo(-77.0365, 3);
    expect(await readPhotoGps(Buffer.from('not a photo'))).toBeNull();
  });

  it('flags tweets with geo, place or a photo carrying GPS, and counts posts per device', async () => {
    const arch = join(t.dir, 'x');
    mkdirSync(join(arch, 'data', 'tweets_media'), { recursive: true });
    writeFileSync(join(arch, 'data', 'tweets_media', '3-photo.jpg'), jpegWithGps(38.8977, -77.0365));
    const iphone = '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>';
    const android = '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>';
    const tweets = [
      {
        id_str: '1',
        created_at: 'Mon Jan 05 12:00:00 +0000 2026',
        full_text: 'from the iPhone',
        source: iphone,
      },
      {
        id_str: '2',
        created_at: 'Tue Jan 06 12:00:00 +0000 2026',
        full_text: 'at home',
        source: android,
        place: { full_name: 'Palm Beach, FL' },
      },
      {
        id_str: '3',
        created_at: 'Mon Feb 02 12:00:00 +0000 2026',
        full_text: 'a photo',
        source: android,
        extended_entities: {
          media: [{ media_url_https: 'https://pbs.twimg.example/media/photo.jpg', type: 'photo' }],
        },
      },
      { id_str: '4', created_at: 'Tue Feb 03 12:00:00 +0000 2026', full_text: 'plain', source: android },
    ].map((tweet) => ({ tweet }));
    writeFileSync(join(arch, 'data', 'tweets.js'), `window.YTD.tweets.part0 = ${JSON.stringify(tweets)}`);
    await t.ctx.capture.importFile(null, 'x', arch, {
      identifier: '@leader_private',
      ownerEmail: 'potus@us.example.gov',
    });
    const records = await t.ctx.db
      .selectFrom('users')
      .select(['id', 'office_id'])
      .where('email', '=', 't.brennan@us.example.gov')
      .executeTakeFirstOrThrow();
    const actor = {
      userId: records.id,
      officeId: records.office_id,
      roles: ['records' as const],
      displayName: 'Thomas Brennan',
    };
    const leaks = await t.ctx.captureQueries.locationLeaks(actor);
    expect(leaks.map((l) => l.place ?? l.points.length)).toEqual(
      expect.arrayContaining(['Palm Beach, FL', 1]),
    );
    const photo = leaks.find((l) => l.points.length === 1)!;
    expect(photo.points[0]!.lat).toBeCloseTo(38.8977, 3);
    const sources = await t.ctx.captureQueries.deviceSources(actor);
    const acct = sources.find((s) => s.account === '@leader_private')!;
    expect(acct.sources.find((s) => s.source === 'Twitter for Android')).toMatchObject({
      posts: 3,
      flagged: 2,
      byMonth: { '2026-01': 1, '2026-02': 2 },
    });
    expect(acct.sources.find((s) => s.source === 'Twitter for iPhone')).toMatchObject({
      posts: 1,
      flagged: 0,
    });
  });
});
