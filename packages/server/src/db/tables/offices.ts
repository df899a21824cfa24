import type { Generated } from 'kysely';

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
}
