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
}
