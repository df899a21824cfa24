import type { Generated } from 'kysely';

/** As a witness: the latest checkpoint cosigned for each log origin followed. */
export interface WitnessCheckpointsTable {
  origin: string;
  size: string;
  root: Uint8Array;
  note: string;
  updated_at: Date;
}

/** As a log: what each witness of the policy last cosigned, and its last failure. */
export interface LogWitnessesTable {
  name: string;
  vkey: string;
  size: Generated<string>;
  cosigned_at: Date | null;
  last_attempt_at: Date | null;
  last_error: string | null;
  failures: Generated<number>;
}
