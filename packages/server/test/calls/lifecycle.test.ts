import { ConflictError, ForbiddenError, ValidationError } from '@hotline/common';
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  formatForZone,
  type LifecycleCall,
  localToUtc,
  validateMemcon,
} from '../../src/calls/lifecycle.js';
import { renderMarkdown } from '../../src/calls/markdown.js';
import { type CallPolicy, DEFAULT_CALL_POLICY } from '../../src/config/call-policy.js';
import {
  type Actor,
  allowedCallActions,
  authorizeCallAction,
  type CallActionFacts,
} from '../../src/policy/policy.js';
import { ROLES, type Role } from '../../src/policy/roles.js';

/** The policy's decision, with the lifecycle test's argument order. */
function decide(
  call: LifecycleCall,
  action: string,
  actor: Actor,
  policy?: CallPolicy,
  facts?: CallActionFacts,
): string {
  return authorizeCallAction(actor, call, action, policy, facts);
}

const STATES = [
  null,
  'requested',
  'under_review',
  'approved',
  'scheduled',
  'briefed',
  'in_progress',
  'completed',
  'memcon_draft',
  'memcon_final',
  'readout_published',
  'readout_waived',
  'closed',
  'declined',
  'withdrawn',
  'cancelled',
] as const;

// The lifecycle, written out independently of the module: action → [from states, to, roles].
const SPEC: Record<string, [readonly (string | null)[], string | null, readonly Role[]]> = {
  request: [[null], 'requested', ['staff', 'liaison']],
  log_off_channel: [[null], 'completed', ['staff', 'secretariat']],
  begin_review: [['requested'], 'under_review', ['reviewer', 'secretariat']],
  recommend: [['under_review'], null, ['reviewer']],
  approve: [['under_review'], 'approved', ['reviewer']],
  decline: [['requested', 'under_review'], 'declined', ['reviewer']],
  withdraw: [['requested', 'under_review', 'approved'], 'withdrawn', ['staff', 'liaison']],
  schedule: [['approved'], 'scheduled', ['secretariat']],
  reschedule: [['scheduled', 'briefed'], 'scheduled', ['secretariat']],
  cancel: [['approved', 'scheduled', 'briefed'], 'cancelled', ['secretariat']],
  edit_briefing: [['approved', 'scheduled', 'briefed'], null, ['staff', 'reviewer']],
  brief: [['scheduled'], 'briefed', ['reviewer', 'secretariat']],
  connect: [['scheduled', 'briefed'], 'in_progress', ['secretariat']],
  end: [['in_progress'], 'completed', ['secretariat', 'principal']],
  draft_memcon: [['completed'], 'memcon_draft', ['notetaker']],
  edit_memcon: [['memcon_draft'], null, ['notetaker']],
  finalize_memcon: [['memcon_draft'], 'memcon_final', ['secretariat']],
  correct_memcon: [
    ['memcon_final', 'readout_published', 'readout_waived', 'closed'],
    null,
    ['notetaker', 'secretariat'],
  ],
  edit_readout: [['memcon_final'], null, ['press']],
  approve_readout: [['memcon_final'], null, ['press']],
  publish_readout: [['memcon_final'], 'readout_published', ['press']],
  waive_readout: [['memcon_final'], 'readout_waived', ['press', 'secretariat']],
  close: [['readout_published', 'readout_waived'], 'closed', ['secretariat']],
  // A published readout is corrected (a new version) or withdrawn (a tombstone); no state moves.
  correct_readout: [['readout_published', 'closed'], null, ['press']],
  withdraw_readout: [['readout_published', 'closed'], null, ['press']],
  // Secure-line calls only (the calls here are on a secure line; policy.test.ts checks the channel).
  record_call_log: [['in_progress', 'completed'], null, ['secretariat']],
};

const OWNER = '00000000-0000-7000-8000-000000000001';
const COUNTERPART = '00000000-0000-7000-8000-000000000002';

const AFTER_CALL = [
  'completed',
  'memcon_draft',
  'memcon_final',
  'readout_published',
  'readout_waived',
  'closed',
];
/** The counterpart office's own artifacts: no state moves, only an office on the call that is not the host. */
const COUNTERPART_SPEC: Record<string, [readonly (string | null)[], null, readonly Role[]]> = {
  edit_counterpart_briefing: [['approved', 'scheduled', 'briefed'], null, ['staff', 'reviewer']],
  approve_counterpart_briefing: [['approved', 'scheduled', 'briefed'], null, ['reviewer', 'secretariat']],
  edit_counterpart_memcon: [AFTER_CALL, null, ['notetaker']],
  finalize_counterpart_memcon: [AFTER_CALL, null, ['secretariat']],
  correct_counterpart_memcon: [AFTER_CALL, null, ['notetaker', 'secretariat']],
  // The counterpart office accepts the scheduled time or proposes another.
  answer_schedule: [['scheduled', 'briefed'], null, ['secretariat', 'liaison', 'staff']],
};

/** From the SPEC: what one role of the (owning and requesting) office may do in a state. */
function expectedAllowedIn(state: string | null, role: Role): string[] {
  return Object.entries(SPEC)
    .filter(([, [from, , roles]]) => from.includes(state) && roles.includes(role))
    .map(([a]) => a);
}

/** From the SPEC: the other states anyone's step reaches from a state. */
function expectedNextStates(state: string | null): string[] {
  const to = Object.values(SPEC)
    .filter(([from, t]) => from.includes(state) && t !== null && t !== state)
    .map(([, t]) => t as string);
  return [...new Set(to)].sort();
}

describe('the call lifecycle table, applied by the policy (authorizeCallAction)', () => {
  it('defines exactly the specified actions', () => {
    expect(Object.keys(ACTIONS).sort()).toEqual(
      [...Object.keys(SPEC), ...Object.keys(COUNTERPART_SPEC)].sort(),
    );
  });

  it("the counterpart office's own artifact steps: its roles, in their states, never the host's", () => {
    for (const state of STATES) {
      for (const role of ROLES) {
        const call = {
          state,
          owner_office_id: OWNER,
          requesting_office_id: OWNER,
          counterpart_office_id: COUNTERPART,
        };
        const theirs = { userId: 'u', officeId: COUNTERPART, roles: [role], displayName: 'x' };
        const host = { ...theirs, officeId: OWNER };
        const expected = Object.entries(COUNTERPART_SPEC)
          .filter(([, [from, , roles]]) => from.includes(state) && roles.includes(role))
          .map(([a]) => a);
        // Of the counterpart's steps, only these; it takes no host step (withdraw is the requester's).
        const theirSteps = allowedCallActions(theirs, call).filter((a) => a !== 'request');
        expect(theirSteps.sort(), `${role} in ${state}`).toEqual(expected.sort());
        for (const a of expected) expect(decide(call, a, theirs)).toBe(state);
        for (const a of Object.keys(COUNTERPART_SPEC))
          expect(allowedCallActions(host, call)).not.toContain(a);
      }
    }
    const call = { state: 'completed', owner_office_id: OWNER, requesting_office_id: OWNER };
    const hostNotetaker = { userId: 'u', officeId: OWNER, roles: ['notetaker'] as Role[], displayName: 'x' };
    expect(() => decide(call, 'edit_counterpart_memcon', hostNotetaker)).toThrow(/counterpart office's own/);
  });

  for (const state of STATES) {
    for (const role of ROLES) {
      it(`from ${state ?? 'new'} as ${role}`, () => {
        const call = { state, owner_office_id: OWNER, requesting_office_id: OWNER, channel: 'secure_line' };
        const actor = { userId: 'u', officeId: OWNER, roles: [role], displayName: 'x' };
        const expectedAllowed: string[] = [];
        for (const [action, [from, to, roles]] of Object.entries(SPEC)) {
          // (The counterpart office's own steps are the next test's.)
          const inState = from.includes(state);
          if (!inState) {
            const err = (() => {
              try {
                decide(call, action, actor);
              } catch (e) {
                return e;
              }
            })();
            expect(err, `${action} from ${state}`).toBeInstanceOf(ConflictError);
            expect((err as Error).message).toContain(
              `The call is ${state === null ? 'new' : state.replace(/_/g, ' ')}.`,
            );
            const extras = (err as ConflictError).extras as { allowed: string[]; nextStates: string[] };
            expect(extras).toMatchObject({ state, action });
            expect([...extras.allowed].sort()).toEqual(expectedAllowedIn(state, role).sort());
            expect([...extras.nextStates].sort()).toEqual(expectedNextStates(state));
          } else if (!roles.includes(role)) {
            expect(() => decide(call, action, actor), `${action} as ${role}`).toThrow(ForbiddenError);
            try {
              decide(call, action, actor);
            } catch (e) {
              const extras = (e as ForbiddenError).extras as { allowed: string[]; nextStates: string[] };
              expect([...extras.allowed].sort()).toEqual(expectedAllowedIn(state, role).sort());
              expect([...extras.nextStates].sort()).toEqual(expectedNextStates(state));
              expect((e as Error).message).toContain(`needs one of these roles`);
            }
          } else {
            expect(decide(call, action, actor)).toBe(to ?? state);
            expectedAllowed.push(action);
          }
        }
        expect(allowedCallActions(actor, call).sort()).toEqual(expectedAllowed.sort());
      });
    }
  }

  it('requires the owner office for owner actions and the requesting office to withdraw', () => {
    const call = { state: 'requested', owner_office_id: OWNER, requesting_office_id: 'foreign' };
    const foreignReviewer = {
      userId: 'u',
      officeId: 'foreign',
      roles: ['reviewer'] as Role[],
      displayName: 'x',
    };
    expect(() => decide(call, 'begin_review', foreignReviewer)).toThrow(
      /only the office whose leader takes the call/,
    );
    const hostLiaison = { userId: 'u', officeId: OWNER, roles: ['liaison'] as Role[], displayName: 'x' };
    expect(() => decide(call, 'withdraw', hostLiaison)).toThrow(/only the office that requested the call/);
    expect(decide(call, 'withdraw', { ...hostLiaison, officeId: 'foreign' })).toBe('withdrawn');
  });

  it('approves a request only with the approvals the policy asks for', () => {
    const call = {
      state: 'under_review',
      owner_office_id: OWNER,
      requesting_office_id: OWNER,
      urgency: 'flash',
    };
    const reviewer = { userId: 'u', officeId: OWNER, roles: ['reviewer'] as Role[], displayName: 'x' };
    const policy = { ...DEFAULT_CALL_POLICY, flashRequiresReviewers: 3 };
    expect(() => decide(call, 'approve', reviewer, policy, { approvals: 2 })).toThrow(
      /a flash request needs approvals from 3 different reviewers and has 2/,
    );
    expect(decide(call, 'approve', reviewer, policy, { approvals: 3 })).toBe('approved');
    expect(decide({ ...call, urgency: 'routine' }, 'approve', reviewer, policy, { approvals: 1 })).toBe(
      'approved',
    );
  });

  it('names unknown actions', () => {
    expect(() =>
      decide({ state: 'requested', owner_office_id: OWNER, requesting_office_id: OWNER }, 'teleport', {
        userId: 'u',
        officeId: OWNER,
        roles: ['admin'],
        displayName: 'x',
      }),
    ).toThrow(ValidationError);
  });
});

describe('time zones across clock changes', () => {
  it('Ottawa to Paris in the week North America has changed and Europe has not: 5 hours apart, not 6', () => {
    // North America springs forward on 2026-03-08; Europe on 2026-03-29.
    const utc = localToUtc('2026-03-10T09:00', 'America/Toronto');
    expect(utc.toISOString()).toBe('2026-03-10T13:00:00.000Z');
    expect(formatForZone(utc, 'Europe/Paris')).toBe('Tue 10 Mar 2026, 2:00 p.m. GMT+1');
    const after = localToUtc('2026-04-07T09:00', 'America/Toronto');
    expect(formatForZone(after, 'Europe/Paris')).toBe('Tue 7 Apr 2026, 3:00 p.m. GMT+2');
    const before = localToUtc('2026-03-03T09:00', 'America/Toronto');
    expect(formatForZone(before, 'Europe/Paris')).toBe('Tue 3 Mar 2026, 3:00 p.m. GMT+1');
  });

  it('refuses a local time inside the spring-forward gap, naming the next valid time', () => {
    expect(() => localToUtc('2026-03-08T02:30', 'America/New_York')).toThrow(
      /does not exist in America\/New_York.*next valid time is 2026-03-08 03:30/,
    );
  });

  it('takes the earlier instant for a time in the fall-back overlap', () => {
    // 2026-11-01 01:30 happens twice in New York: 05:30Z (EDT) then 06:30Z (EST).
    expect(localToUtc('2026-11-01T01:30', 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });
});

describe('memcons and markdown', () => {
  const base = {
    classification: 'CONFIDENTIAL',
    subject: 'Telephone Conversation with President X',
    participants: ['The President'],
    notetakers: [],
    dateTimePlace: 'March 10, 2026',
    distribution: [],
    classifiedBy: '',
    derivedFrom: '',
    declassifyOn: '',
  };
  it('rejects a paragraph marked above the banner and unknown markings', () => {
    expect(() =>
      validateMemcon({ ...base, paragraphs: [{ speaker: 'A', marking: '(C)', text: 'x' }] }),
    ).not.toThrow();
    expect(() =>
      validateMemcon({ ...base, paragraphs: [{ speaker: 'A', marking: '(TS)', text: 'x' }] }),
    ).toThrow(/above the document's classification/);
    expect(() =>
      validateMemcon({ ...base, paragraphs: [{ speaker: 'A', marking: '(Q)', text: 'x' }] }),
    ).toThrow(/not a classification marking/);
  });

  it('renders markdown without HTML injection', () => {
    const html = renderMarkdown(
      '**hi** <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) [ok](https://example.gov)',
    );
    expect(html).toContain('<strong>hi</strong>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('href="https://example.gov"');
  });
});
