import type { NotificationKind } from '@hotline/contract';
import type { CallPolicy } from '../config/call-policy.js';
import type { Actor } from '../policy/policy.js';
import { neededFrom } from './needed-steps.js';
import type { CallRow } from './repository.js';

/** A step that has just come to wait for a person (the notifications domain stores and sends it). */
export interface WorkNotice {
  userId: string;
  callId: string;
  kind: NotificationKind;
  step: string;
}

/**
 * Where new work goes: `record` writes the notices in the transaction of the change that made
 * them (and returns what it stored), `deliver` runs after that transaction committed (live and
 * email). The notifications domain implements it; the calls domain only knows this shape.
 */
export interface WorkNotifier {
  record(tx: unknown, notices: WorkNotice[]): Promise<unknown[]>;
  deliver(stored: unknown[]): void;
}

const REVIEW = 'Review the request';
const BEGIN_REVIEW = 'Begin review';

/**
 * The steps a change of the call made wait for each person: what the call needs from them after
 * it ("Needs you", needed-steps.ts) and did not need before. The person who made the change is
 * not told about their own next step.
 */
export function newWork(
  before: CallRow | null,
  after: CallRow,
  people: readonly Actor[],
  changedBy: string | null,
  now: Date,
  policy: CallPolicy,
): WorkNotice[] {
  const out: WorkNotice[] = [];
  for (const person of people) {
    if (person.userId === changedBy) continue;
    const had = new Set(before ? neededFrom(person, before, now, policy).map((n) => n.step) : []);
    const needed = neededFrom(person, after, now, policy);
    // A reviewer who may begin the review or review at once is told one thing: review it.
    const reviews = needed.some((n) => n.step === REVIEW);
    for (const n of needed) {
      if (had.has(n.step) || (reviews && n.step === BEGIN_REVIEW)) continue;
      out.push({ userId: person.userId, callId: after.id, kind: n.kind, step: n.step });
    }
  }
  return out;
}
