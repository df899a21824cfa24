import { ForbiddenError } from '@hotline/common';
import { describe, expect, it } from 'vitest';
import {
  type Actor,
  allowedCallActions,
  authorizeCallAction,
  authorizeInvite,
  canSeeCall,
  permissionsOf,
} from '../../src/policy/policy.js';
import type { Role } from '../../src/policy/roles.js';

const HOST = 'host';
const FOREIGN = 'foreign';
const person = (roles: Role[], officeId = HOST, userId = 'me'): Actor => ({
  userId,
  officeId,
  roles,
  displayName: 'x',
});

describe('call authorization in the policy module', () => {
  it('lets the host secretariat download anyone’s invitation on the call, the counterpart’s only its own people’s, others only their own', () => {
    const call = { ownerOfficeId: HOST, participantIds: ['me', 'potus', 'pm'] };
    const potus = { userId: 'potus', officeId: HOST };
    const pm = { userId: 'pm', officeId: FOREIGN };
    expect(() => authorizeInvite(person(['secretariat']), call, pm)).not.toThrow();
    expect(() => authorizeInvite(person(['secretariat'], FOREIGN, 'sec'), call, pm)).not.toThrow();
    expect(() => authorizeInvite(person(['secretariat'], FOREIGN, 'sec'), call, potus)).toThrow(
      /only for your own office's people/,
    );
    // Nobody gets an invitation for a person who is not on the call.
    expect(() => authorizeInvite(person(['secretariat']), call, { userId: 'press', officeId: HOST })).toThrow(
      /not on this call/,
    );
    // The secretariat runs the call, so it may hold its own invitation without being on it.
    expect(() =>
      authorizeInvite(person(['secretariat'], HOST, 'sec'), call, { userId: 'sec', officeId: HOST }),
    ).not.toThrow();
    expect(() =>
      authorizeInvite(person(['principal']), call, { userId: 'me', officeId: HOST }),
    ).not.toThrow();
    expect(() => authorizeInvite(person(['principal']), call, potus)).toThrow(
      /Only the secretariat may download invitations for other people/,
    );
    expect(() =>
      authorizeInvite(person(['press'], HOST, 'press'), call, { userId: 'press', officeId: HOST }),
    ).toThrow(ForbiddenError);
    expect(permissionsOf(person(['secretariat']))).toContain('calls.invitations');
    expect(permissionsOf(person(['principal']))).not.toContain('calls.invitations');
  });

  it('shows a call to its host, its requester and its counterpart office only', () => {
    const call = {
      state: 'requested',
      owner_office_id: HOST,
      requesting_office_id: 'req',
      counterpart_office_id: FOREIGN,
    };
    expect([HOST, 'req', FOREIGN, 'other'].map((o) => canSeeCall(person(['staff'], o), call))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('keeps a step to the channels its rule names', () => {
    const base = { state: 'in_progress', owner_office_id: HOST, requesting_office_id: HOST };
    const sec = person(['secretariat']);
    expect(allowedCallActions(sec, { ...base, channel: 'secure_line' })).toContain('record_call_log');
    expect(allowedCallActions(sec, { ...base, channel: 'hotline' })).not.toContain('record_call_log');
    expect(authorizeCallAction(sec, { ...base, channel: 'secure_line' }, 'record_call_log')).toBe(
      'in_progress',
    );
    expect(() => authorizeCallAction(sec, { ...base, channel: 'hotline' }, 'record_call_log')).toThrow(
      /the call is on the hotline channel, and this step is only for secure line calls/,
    );
  });
});
