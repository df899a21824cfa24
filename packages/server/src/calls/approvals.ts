import type { Db } from './repository.js';
import * as repo from './repository.js';
import { countApprovals, type UncountedApproval } from './rules.js';

/** An approval left out, in words: who, and why (the rule is countApprovals in rules.ts). */
export interface UncountedApprovalText {
  reviewer: string;
  reason: UncountedApproval['reason'];
  detail: string;
}

export function explainUncounted(u: UncountedApproval, names: Map<string, string>): UncountedApprovalText {
  const name = (id: string | null) => (id ? (names.get(id) ?? 'someone') : 'the operator');
  const who = name(u.reviewerId);
  const detail =
    u.reason === 'requester'
      ? `${who}'s approval does not count: they requested the call.`
      : u.reason === 'granted_by_requester'
        ? `${who}'s approval does not count: ${name(u.grantedBy)}, who requested the call, granted them the reviewer role after the request was made.`
        : u.grantedBy === u.reviewerId
          ? `${who}'s approval counts once with ${name(u.sameAs)}'s: ${who} granted ${name(u.sameAs)} the reviewer role after the request was made, and an administrator's own approval and those of the reviewers they made during a request are one voice.`
          : `${who}'s approval counts once with ${name(u.sameAs)}'s: ${name(u.grantedBy)} granted ${who} the reviewer role after the request was made, and the reviewers one administrator makes during a request are one voice.`;
  return { reviewer: who, reason: u.reason, detail };
}

/** The approvals that count on this call, with the ones left out explained. */
export async function approvalStanding(
  db: Db,
  call: { created_at: Date | string; requested_by: string },
  reviews: { reviewer_id: string; recommendation: string; at: Date | string }[],
): Promise<{ counted: number; notCounted: UncountedApprovalText[] }> {
  const approvers = [
    ...new Set(reviews.filter((r) => r.recommendation === 'approve').map((r) => r.reviewer_id)),
  ];
  const { counted, notCounted } = countApprovals(call, reviews, await repo.reviewerGrants(db, approvers));
  if (!notCounted.length) return { counted, notCounted: [] };
  const ids = notCounted
    .flatMap((u) => [u.reviewerId, u.grantedBy, u.sameAs])
    .filter((x): x is string => !!x);
  const rows = await repo.userNames(db, [...new Set(ids)]);
  const names = new Map(rows.map((r) => [r.id, r.display_name]));
  return { counted, notCounted: notCounted.map((u) => explainUncounted(u, names)) };
}
