import { describe, expect, it } from 'vitest';
import {
  inlineForwards,
  normaliseBody,
  normalisedBodyHash,
  parseForwardDate,
} from '../../src/capture/importers/forwards.js';

const BODY = 'Can we talk before the summit?\nThe draft is attached.\n';

describe('forwarded originals in a plain-text body', () => {
  it('reads Gmail dates with no zone as a wall-clock time, and zoned dates as instants', () => {
    expect(parseForwardDate('Sat, Mar 1, 2025 at 9:00 PM')).toEqual({ dateLocal: '2025-03-01T21:00:00' });
    expect(parseForwardDate('Saturday, March 1, 2025 9:00 PM')).toEqual({ dateLocal: '2025-03-01T21:00:00' });
    expect(parseForwardDate('3/1/2025 9:00 PM')).toEqual({ dateLocal: '2025-03-01T21:00:00' });
    expect(parseForwardDate('March 1, 2025 at 9:00:00 PM EST')?.date?.toISOString()).toBe(
      '2025-03-02T02:00:00.000Z',
    );
    expect(parseForwardDate('1 March 2025 at 21:00:00 GMT+1')?.date?.toISOString()).toBe(
      '2025-03-01T20:00:00.000Z',
    );
    expect(parseForwardDate('Sat, 01 Mar 2025 21:00:00 -0500')?.date?.toISOString()).toBe(
      '2025-03-02T02:00:00.000Z',
    );
    expect(parseForwardDate('sometime last week')).toBeNull();
  });

  it('reads the Gmail, Outlook and Apple Mail forward blocks', () => {
    const gmail = inlineForwards(
      `FYI\n\n---------- Forwarded message ---------\nFrom: Leader Test <leader.test@personal.example.com>\nDate: Sat, Mar 1, 2025 at 9:00 PM\nSubject: Summit\nTo: <aide@personal.example.com>\n\n${BODY}`,
    );
    const outlook = inlineForwards(
      `\n-----Original Message-----\nFrom: Leader Test [mailto:leader.test@personal.example.com]\nSent: Saturday, March 1, 2025 9:00 PM\nTo: aide@personal.example.com\nSubject: Summit\n\n${BODY}`,
    );
    const apple = inlineForwards(
      `Begin forwarded message:\n\nFrom: Leader Test <leader.test@personal.example.com>\nSubject: Summit\nDate: March 1, 2025 at 9:00:00 PM EST\nTo: aide@personal.example.com\n\n${BODY}`,
    );
    const common = {
      from: 'leader.test@personal.example.com',
      subject: 'Summit',
      bodyHash: normalisedBodyHash(BODY),
    };
    expect(gmail).toEqual([{ via: 'gmail', ...common, dateLocal: '2025-03-01T21:00:00' }]);
    expect(outlook).toEqual([{ via: 'outlook', ...common, dateLocal: '2025-03-01T21:00:00' }]);
    expect(apple).toEqual([{ via: 'apple', ...common, date: '2025-03-02T02:00:00.000Z' }]);
  });

  it('normalises away quoting, the signature and forward separators', () => {
    expect(normaliseBody('Yes.\r\n\r\n> old text\n>> older\n-- \nThe President\n')).toBe('Yes.');
    expect(normaliseBody('---------- Forwarded message ---------\nHello\n   world')).toBe('Hello world');
    expect(normalisedBodyHash(BODY)).toBe(
      normalisedBodyHash(`${BODY.replace(/\n/g, '\r\n')}\n-- \nsent from my phone`),
    );
  });
});
