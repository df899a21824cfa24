import { ForbiddenError } from '@hotline/common';
import { type Actor, authorize } from '../policy/policy.js';
import { visibleCall } from './queries.js';
import type { CallRow, Tx } from './repository.js';
import * as repo from './repository.js';
import type { CallTransactor } from './transactor.js';

/** Notes are kept for the listeners of a call: the people there to take notes, not to speak. */
function mustListen(actor: Actor, call: Pick<CallRow, 'listener_ids'>): void {
  if (!call.listener_ids.includes(actor.userId)) {
    throw new ForbiddenError(
      'Only a listener on this call keeps notes on it here. The secretariat adds listeners when it schedules the call.',
    );
  }
}

/**
 * A listener's private notes pad on a call: one per person and call, read and written by that
 * person alone, and the start of their memcon draft. Each save is one transaction with a record
 * in the log that names who saved and how long the notes are (not their text: the notes are
 * private until they become a memcon).
 */
export class NotesService {
  constructor(
    private readonly tx: CallTransactor,
    private readonly db: Tx,
  ) {}

  async get(actor: Actor, id: string): Promise<{ body: string }> {
    authorize(actor, 'calls.read', 'see calls');
    const call = await visibleCall(this.db, actor, id);
    mustListen(actor, call);
    return { body: await repo.callNotes(this.db, id, actor.userId) };
  }

  async save(actor: Actor, id: string, body: string): Promise<{ body: string; savedAt: string }> {
    authorize(actor, 'calls.read', 'see calls');
    return this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id);
      mustListen(actor, call);
      const now = this.tx.clock.now();
      await repo.saveCallNotes(tx, id, actor.userId, body, now);
      await this.tx.records.append(tx, {
        kind: 'call.notes_saved',
        office: actor.officeId,
        actor: actor.userId,
        subject: id,
        content: { callId: id, by: actor.userId, characters: body.length, at: now.toISOString() },
      });
      return { body, savedAt: now.toISOString() };
    });
  }
}
