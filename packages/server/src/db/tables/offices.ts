import type { ColumnType, Generated } from 'kysely';

export const officesTableName = 'offices';

export interface OfficesTable {
  id: string;
  slug: string;
  name: string;
  country: string;
  leader_title: string;
  leader_name: string;
  time_zone: string;
  created_at: Generated<Date>;
  /** The administrator who created it in the web app; null when an operator did at the CLI. */
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** Who vouched that this office speaks for its government: the operator (OS user@host) or the demo seed. Null before migration 011. */
  vouched_by: ColumnType<string | null, string | null | undefined, string | null>;
  vouched_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Replaced by another office for the same country and leader (the operator's --replaces). */
  retired_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  replaced_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** The day its records open to FOIA requests (44 U.S.C. 2204(b)(2)); null while closed. */
  records_open_on: ColumnType<string | null, string | null | undefined, string | null>;
}
