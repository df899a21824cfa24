import type { Generated } from 'kysely';

export const usersTableName = 'users';

export interface UsersTable {
  id: string;
  office_id: string;
  email: string;
  display_name: string;
  title: string;
  time_zone: string;
  roles: string[];
  status: 'invited' | 'active' | 'disabled';
  demo_persona: boolean;
  /** Interprets on calls: offered as an interpreter when a call is scheduled (migration 021). */
  interpreter: Generated<boolean>;
  covered: Generated<'president' | 'vice_president' | 'covered_employee' | 'not_covered'>;
  created_at: Generated<Date>;
}
