export const signInRefusalsTableName = 'sign_in_refusals';

/**
 * Refused anonymous sign-ins (unknown passkeys) counted per caller address and time window.
 * One record per window goes to the records log (recorded_at set when it is written).
 */
export interface SignInRefusalsTable {
  address: string;
  window_start: Date;
  window_end: Date;
  count: number;
  first_at: Date;
  last_at: Date;
  recorded_at: Date | null;
}
