import { describe, expect, it } from 'vitest';
import { describeImport } from '../src/commands/capture.js';

describe('hotline import: what it found', () => {
  it('prints the items by 20-day state, the alerts and the location leaks', () => {
    expect(
      describeImport(
        {
          offChannel: [{ leader: 'President of Mexico', at: '2026-03-01T02:10:00.000Z' }],
          attempted: [{ leader: 'President of France', at: '2026-03-01T03:00:00.000Z' }],
          classified: 2,
        },
        { official: false, byStatus: { overdue: 2, 'compliant-copied': 1, late: 1 }, locationLeaks: 3 },
      ),
    ).toBe(
      '20-day rule: 2 overdue (no copy yet), 1 late, 1 copied at creation.\n' +
        'Classified by rule: 2 item(s).\n' +
        'Off-channel contacts: 1, each a call that needs a memcon: President of Mexico at 2026-03-01T02:10:00.000Z.\n' +
        'Attempted contacts (no memcon needed): President of France at 2026-03-01T03:00:00.000Z.\n' +
        'Location leaks: 3 item(s).\n',
    );
  });
});
