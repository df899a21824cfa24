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

  it('dates the call in the host zone and leaves classified text and a classified subject out', () => {
    const d = draftReadout({
      ...base,
      memcon: {
        subject: '(S) Telephone Conversation about the secret channel',
        participants: ['The President', 'Prime Minister Carney'],
        paragraphs: [
          { speaker: 'The President', marking: '(U)', text: 'Thanked the Prime Minister.' },
          {
            speaker: 'Prime Minister Carney',
            marking: '(U//FOUO)',
            text: 'Mentioned the internal schedule.',
          },
          { speaker: 'Prime Minister Carney', marking: '(S)', text: 'Discussed the secret channel.' },
        ],
      },
    });
    expect(d.title).toBe("Readout of the President's Call with Prime Minister Mark Carney of Canada");
    // 02:30 UTC on 11 March is still 10 March in New York.
    expect(d.bodyMd).toContain('spoke on Tuesday 10 March 2026 with Prime Minister Mark Carney of Canada.');
    expect(d.bodyMd).toContain('**The President:** Thanked the Prime Minister.');
    expect(d.bodyMd).not.toMatch(/secret|internal schedule|Subject/);
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

  it('keeps an unclassified subject without its marking, and says when no paragraph may be used', () => {
    const d = draftReadout({
      ...base,
      memcon: {
        subject: '(U) Telephone Conversation with Prime Minister Carney',
        participants: ['The President'],
        paragraphs: [{ speaker: 'The President', marking: '(C)', text: 'Confidential words.' }],
      },
    });
    expect(d.bodyMd).toContain('**Subject:** Telephone Conversation with Prime Minister Carney');
    expect(d.bodyMd).toContain('No paragraph of the final memcon is marked unclassified');
    expect(d.bodyMd).not.toContain('Confidential words');
  });
});
