import { describe, expect, it } from 'vitest';
import { draftReadout, isPublicMarking } from '../../src/calls/readout-draft.js';

const base = {
  leaderTitle: 'President',
  leaderName: 'Donald J. Trump',
  counterpartLeader: 'Prime Minister Mark Carney',
  counterpartCountry: 'CA',
  at: new Date('2026-03-11T02:30:00Z'),
  zone: 'America/New_York',
};

describe('drafting a readout from a memcon', () => {
  it('takes only paragraphs marked plainly unclassified', () => {
    expect(['(U)', 'U', 'UNCLASSIFIED', ' (u) '].map(isPublicMarking)).toEqual([true, true, true, true]);
    expect(['(U//FOUO)', '(C)', '(S/NF)', '(TS)', 'SECRET'].map(isPublicMarking)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('writes in readout style: the principal by name, the date in the host zone, the topics in their case, the (U) paragraphs retold', () => {
    const d = draftReadout({
      ...base,
      topics: ['G7 agenda', 'NATO', 'Arctic security'],
      memcon: {
        subject: '(S) Telephone Conversation about the secret channel',
        participants: ['The President', 'Prime Minister Carney'],
        paragraphs: [
          { speaker: 'The President', marking: '(U)', text: 'Thanked the Prime Minister for the call.' },
          {
            speaker: 'Prime Minister Carney',
            marking: '(U//FOUO)',
            text: 'Mentioned the internal schedule.',
          },
          { speaker: 'Prime Minister Carney', marking: '(S)', text: 'Discussed the secret channel.' },
          { speaker: 'Prime Minister Carney', marking: '(U)', text: 'Agreed to stay in close touch' },
        ],
      },
    });
    expect(d.title).toBe("Readout of the President's Call with Prime Minister Mark Carney of Canada");
    // 02:30 UTC on 11 March is still 10 March in New York.
    expect(d.bodyMd).toBe(
      [
        'On Tuesday 10 March 2026, President Donald J. Trump spoke with Prime Minister Mark Carney of Canada.',
        '',
        'The leaders discussed G7 agenda, NATO and Arctic security.',
        '',
        'The President thanked the Prime Minister for the call. Prime Minister Carney agreed to stay in close touch.',
      ].join('\n'),
    );
    // No header line, no speaker label, nothing classified or controlled.
    expect(d.bodyMd).not.toMatch(/secret|internal schedule|Subject|Participants|\*\*|:\s/);
  });

  it('names the country once when the leader is already named with it', () => {
    const d = draftReadout({
      ...base,
      counterpartLeader: 'Prime Minister Mark Carney of Canada',
      memcon: {
        subject: '(U) Telephone Conversation',
        participants: ['The President'],
        paragraphs: [{ speaker: 'The President', marking: '(U)', text: 'Thanked him.' }],
      },
    });
    expect(d.title).toBe("Readout of the President's Call with Prime Minister Mark Carney of Canada");
    expect(d.bodyMd).not.toContain('of Canada of Canada');
  });

  it('retells a paragraph that does not start with its verb as what the speaker said, and says when no paragraph may be used', () => {
    const said = draftReadout({
      ...base,
      memcon: {
        paragraphs: [{ speaker: 'President Macron', marking: '(U)', text: 'The G7 must act together.' }],
      },
    });
    expect(said.bodyMd).toContain('President Macron said that the G7 must act together.');
    const d = draftReadout({
      ...base,
      memcon: {
        subject: '(U) Telephone Conversation with Prime Minister Carney',
        participants: ['The President'],
        paragraphs: [{ speaker: 'The President', marking: '(C)', text: 'Confidential words.' }],
      },
    });
    expect(d.bodyMd).not.toContain('Telephone Conversation');
    expect(d.bodyMd).toContain('No paragraph of the final memcon is marked unclassified');
    expect(d.bodyMd).not.toContain('Confidential words');
  });
});
