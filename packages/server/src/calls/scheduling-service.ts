import { ConflictError, NotFoundError, newId, ValidationError } from '@hotline/common';
import type { ScheduleAnswerBody, ScheduleBody } from '@hotline/contract';
import type { z } from 'zod';
import { findOffice } from '../identity/repository.js';
import { type Actor, authorize, authorizeCallAction, authorizeInvite } from '../policy/policy.js';
import { buildInvite, inviteSummary } from './icalendar.js';
import { clashesFor, visibleCall } from './queries.js';
import type { Tx } from './repository.js';
import * as repo from './repository.js';
import type { CallTransactor } from './transactor.js';

/** Scheduling: the call's time, channel and people, and each participant's calendar invitation. */
export class SchedulingService {
  constructor(
    private readonly tx: CallTransactor,
    private readonly db: Tx,
    /** The server's public origin, for the links in calendar invitations. */
    private readonly publicUrl: string,
  ) {}

  /** Schedule (or reschedule) the call. Returns warnings (a clash with the principal's other calls). */
  async schedule(
    actor: Actor,
    id: string,
    input: z.infer<typeof ScheduleBody>,
    expectedVersion = input.expectedVersion,
  ): Promise<{ warnings: string[] }> {
    // A stale expectedVersion is refused (409) like a stale transition; it is not part of the record.
    const { expectedVersion: _seen, ...body } = input;
    const warnings: string[] = [];
    await this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id, expectedVersion);
      const action = call.state === 'approved' ? 'schedule' : 'reschedule';
      const next = authorizeCallAction(actor, call, action, this.tx.policy);
      const start = new Date(body.start);
      if (start.getTime() < this.tx.clock.now().getTime())
        throw new ValidationError('The call cannot be scheduled in the past.', { field: 'start' });
      const people = await repo.userNames(tx, [
        body.principalId,
        ...(body.counterpartPrincipalId ? [body.counterpartPrincipalId] : []),
        ...body.interpreterIds,
        ...body.listenerIds,
      ]);
      const principal = people.find((p) => p.id === body.principalId);
      if (!principal?.roles.includes('principal')) {
        throw new ValidationError('principalId must name a person with the principal role.', {
          field: 'principalId',
        });
      }
      const known = new Set(people.map((p) => p.id));
      const named: [string, string, string][] = [
        ...(body.counterpartPrincipalId
          ? [
              ['counterpartPrincipalId', body.counterpartPrincipalId, 'The counterpart principal'] as [
                string,
                string,
                string,
              ],
            ]
          : []),
        ...body.interpreterIds.map(
          (u, i) => [`interpreterIds.${i}`, u, 'Interpreter'] as [string, string, string],
        ),
        ...body.listenerIds.map((u, i) => [`listenerIds.${i}`, u, 'Listener'] as [string, string, string]),
      ];
      for (const [field, userId, who] of named) {
        if (!known.has(userId)) {
          throw new ValidationError(
            `${who} ${userId} (${field}) is not a known user. Pick people from the directory (GET /api/v1/directory).`,
            { field, id: userId },
          );
        }
      }
      body.interpreterIds.forEach((userId, i) => {
        const p = people.find((x) => x.id === userId);
        if (p && !p.interpreter) {
          throw new ValidationError(
            `${p.display_name} is not marked as an interpreter. Choose one of the people marked as interpreters (the Directory shows them), or ask an administrator to mark this person.`,
            { field: `interpreterIds.${i}`, id: userId },
          );
        }
      });
      const patch = {
        scheduled_start: start,
        duration_min: body.durationMin,
        channel: body.channel,
        principal_id: body.principalId,
        counterpart_principal_id: body.counterpartPrincipalId ?? null,
        interpreter_ids: body.interpreterIds,
        listener_ids: body.listenerIds,
        schedule_sequence: call.schedule_sequence + (action === 'reschedule' ? 1 : 0),
      };
      const clashes = await clashesFor(tx, { ...call, ...patch });
      for (const c of clashes)
        warnings.push(`Clash: the principal already has a call with ${c.counterpartLeader} at ${c.start}.`);
      await this.tx.move(tx, call, action, next, actor, null, patch, { ...body, warnings });
    });
    return { warnings };
  }

  /**
   * The counterpart office answers the time the host scheduled: it accepts it, or proposes
   * another start. One record in the log (a call event both offices see); the host reschedules
   * if it agrees, which asks the counterpart again.
   */
  async answer(actor: Actor, id: string, input: z.infer<typeof ScheduleAnswerBody>): Promise<void> {
    const { expectedVersion, ...body } = input;
    await this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id, expectedVersion);
      authorizeCallAction(actor, call, 'answer_schedule', this.tx.policy);
      const now = this.tx.clock.now();
      const proposed = body.answer === 'proposed' && body.proposedStart ? new Date(body.proposedStart) : null;
      if (proposed && proposed.getTime() < now.getTime())
        throw new ValidationError('Propose a time in the future.', { field: 'proposedStart' });
      const seq = await this.tx.event(
        tx,
        call,
        'answer_schedule',
        call.state,
        call.state,
        actor,
        body.note || null,
        {
          answer: body.answer,
          proposedStart: proposed?.toISOString() ?? null,
          scheduleSequence: call.schedule_sequence,
        },
      );
      await repo.insertScheduleAnswer(tx, {
        id: newId(now.getTime()),
        call_id: call.id,
        office_id: actor.officeId,
        user_id: actor.userId,
        schedule_sequence: call.schedule_sequence,
        answer: body.answer,
        proposed_start: proposed,
        note: body.note,
        record_seq: String(seq),
        at: now,
      });
      await this.tx.bump(tx, call);
    });
  }

  /** The iCalendar invitation of one participant (yourself, or anyone for the secretariat). */
  async invite(
    actor: Actor,
    id: string,
    userId?: string,
  ): Promise<{ method: 'REQUEST' | 'CANCEL'; text: string }> {
    authorize(actor, 'calls.read', 'see calls');
    const row = await visibleCall(this.db, actor, id);
    if (row.channel === 'off_channel') {
      throw new ConflictError(
        'This off-channel contact was logged after the fact; it was never scheduled, so there is no calendar invitation.',
        { channel: row.channel },
      );
    }
    if (!row.scheduled_start || !row.duration_min) {
      throw new ConflictError(
        `The call is ${row.state.replace(/_/g, ' ')} and has no scheduled time yet, so there is no invitation.`,
        { state: row.state },
      );
    }
    const target = userId ?? actor.userId;
    const participants = [
      row.principal_id,
      row.counterpart_principal_id,
      ...row.interpreter_ids,
      ...row.listener_ids,
    ].filter(Boolean) as string[];
    const person = await repo.findUserContact(this.db, target);
    authorizeInvite(
      actor,
      { ownerOfficeId: row.owner_office_id, participantIds: participants },
      { userId: target, officeId: person?.office_id ?? '' },
    );
    const owner = await findOffice(this.db, row.owner_office_id);
    if (!person || !owner) throw new NotFoundError('user', target);
    const method = row.state === 'cancelled' ? 'CANCEL' : 'REQUEST';
    return {
      method,
      text: buildInvite({
        uid: `${row.id}@hotline`,
        sequence: row.schedule_sequence + (method === 'CANCEL' ? 1 : 0),
        method,
        start: new Date(row.scheduled_start),
        durationMin: row.duration_min,
        summary: inviteSummary(`${owner.leader_title} ${owner.leader_name}`, row.counterpart_leader),
        organizer: {
          name: `${owner.name} secretariat`,
          email: `secretariat@${new URL(this.publicUrl).hostname}`,
        },
        attendee: { name: person.display_name, email: person.email },
        attendeeZone: person.time_zone,
        url: `${this.publicUrl}/app/calls/${row.id}`,
        stamp: new Date(row.updated_at),
      }),
    };
  }
}
