/** The call policy: settings from the environment (config.ts), read by the lifecycle's decisions (policy/). */
export interface CallPolicy {
  /** Approvals from different reviewers that a flash request needs (routine and priority need 1). */
  flashRequiresReviewers: number;
  /** Days from the end of a call until its memcon is due. */
  memconDeadlineDays: number;
  /** Days from the final memcon until the readout (or its waiver) is due. */
  readoutDeadlineDays: number;
  /** Minutes before the start that the in-app call room opens. */
  joinWindowMinutes: number;
  /** A readout version must be approved by someone other than its author. */
  readoutSeparateApprover: boolean;
}

export const DEFAULT_CALL_POLICY: Readonly<CallPolicy> = Object.freeze({
  flashRequiresReviewers: 2,
  memconDeadlineDays: 5,
  readoutDeadlineDays: 7,
  joinWindowMinutes: 15,
  // Off by default: each demo office has a single press secretary.
  readoutSeparateApprover: false,
});
