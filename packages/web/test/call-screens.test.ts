import { describe, expect, it } from 'vitest';
import { groupListErrors, humanize, sentence, withLabel } from '../src/calls/form-errors.js';
import { channelLabel, memconDateTimePlace, when } from '../src/calls/format.js';
import { deadlineStatus, wrap } from '../src/calls/timeline.js';

describe('field error messages', () => {
  it("rewrites zod's defaults as predicates that follow the field's label", () => {
    expect(humanize('Too small: expected string to have >=5 characters')).toBe(
      'must be at least 5 characters long',
    );
    expect(humanize('Too small: expected string to have >=1 characters')).toBe('is required');
    expect(humanize('Too big: expected string to have <=200 characters')).toBe(
      'must be at most 200 characters long',
    );
    expect(humanize('Too small: expected number to be >=5')).toBe('must be at least 5');
    expect(humanize('Too small: expected array to have >=1 items')).toBe('needs at least one entry');
    expect(humanize('Invalid input: expected string, received undefined')).toBe('is required');
    expect(humanize('The call cannot be scheduled in the past.')).toBe(
      'The call cannot be scheduled in the past.',
    );
  });

  it('keeps predicates lowercase and makes instructions sentences', () => {
    expect(sentence('must be an ISO 3166-1 alpha-2 code such as CA')).toBe(
      'must be an ISO 3166-1 alpha-2 code such as CA',
    );
    expect(sentence('say in a sentence why the call is needed')).toBe(
      'Say in a sentence why the call is needed.',
    );
    expect(withLabel('Purpose', 'must be at least 10 characters long')).toBe(
      'Purpose must be at least 10 characters long',
    );
    expect(withLabel('Started (Europe/Paris)', 'Enter a date and a time.')).toBe(
      'Started (Europe/Paris): Enter a date and a time.',
    );
  });

  it("puts errors about a list's entries on the list's field, naming each entry", () => {
    expect(
      groupListErrors(
        { 'paragraphs.1.speaker': 'is required', 'paragraphs.3.text': 'Too long.', subject: 'is required' },
        { paragraphs: 'Paragraph' },
      ),
    ).toEqual({
      paragraphs: 'Paragraph 2 (speaker) is required. Paragraph 4 (text): Too long.',
      subject: 'is required',
    });
  });
});

describe('times and channels in words', () => {
  it("shows an instant in the person's zone with the zone's usual abbreviation", () => {
    expect(when('2026-03-10T13:00:00Z', 'America/New_York')).toBe('Tue 10 Mar 2026, 9:00 a.m. EDT');
    expect(when('2026-01-10T23:30:00Z', 'America/New_York')).toBe('Sat 10 Jan 2026, 6:30 p.m. EST');
    expect(when('2026-01-10T12:05:00Z', 'Europe/Paris')).toBe('Sat 10 Jan 2026, 1:05 p.m. GMT+1');
    expect(when(null, 'UTC')).toBe('—');
  });

  it('names each channel', () => {
    expect(channelLabel('hotline')).toBe('Hotline (in-app)');
    expect(channelLabel('secure_line')).toBe('Secure line');
    expect(channelLabel('off_channel')).toBe('Off-channel');
    expect(channelLabel(null)).toBe('Not yet chosen');
  });
});

describe('the timeline drawing', () => {
  it('wraps long labels at word boundaries and cuts words longer than a line', () => {
    expect(wrap('Approve → approved · Dr. Samuel Okafor · log #106', 20)).toEqual([
      'Approve → approved ·',
      'Dr. Samuel Okafor ·',
      'log #106',
    ]);
    const lines = wrap(`x ${'a'.repeat(45)}`, 20);
    expect(lines.every((l) => l.length <= 20)).toBe(true);
    expect(lines.join('').replace(/-/g, '')).toBe(`x${'a'.repeat(45)}`);
  });

  it('tells overdue, due and met deadlines apart', () => {
    const memcon = { label: 'Memcon due', future: false };
    expect(deadlineStatus(memcon, { overdue: ['memcon'], state: 'memcon_draft' })).toBe('overdue');
    expect(deadlineStatus({ ...memcon, future: true }, { overdue: [], state: 'completed' })).toBe('due');
    expect(deadlineStatus({ ...memcon, future: true }, { overdue: [], state: 'memcon_final' })).toBe('met');
    expect(
      deadlineStatus({ label: 'Readout due', future: true }, { overdue: [], state: 'memcon_final' }),
    ).toBe('due');
    expect(deadlineStatus({ label: 'Readout due', future: false }, { overdue: [], state: 'closed' })).toBe(
      'met',
    );
  });
});

describe("the memcon's date, time and place", () => {
  it('comes from the call log in the host zone, with the channel as the place', () => {
    expect(
      memconDateTimePlace('2026-11-25T15:14:00Z', '2026-11-25T15:42:00Z', 'America/New_York', 'hotline'),
    ).toBe('Wed 25 Nov 2026, 10:14 a.m. EST – 10:42 a.m. EST, Hotline (in-app)');
    expect(memconDateTimePlace('2026-07-01T08:05:00Z', null, 'Europe/Paris', 'secure_line')).toBe(
      'Wed 1 Jul 2026, 10:05 a.m. GMT+2, Secure line',
    );
    expect(memconDateTimePlace(null, null, 'Europe/Paris', 'hotline')).toBe('');
  });
});
