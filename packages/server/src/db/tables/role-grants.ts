export const roleGrantsTableName = 'role_grants';

/**
 * A role given to a person: who granted it and when, who confirmed it (a second administrator,
 * when HOTLINE_ROLE_GRANT_CONFIRMATION asks for one), and when it was taken away. In force from
 * confirmed_at (null: pending) until revoked_at. granted_by null: the operator (CLI, demo seed).
 */
export interface RoleGrantsTable {
  id: string;
  user_id: string;
  office_id: string;
  role: string;
  granted_by: string | null;
  granted_at: Date;
  confirmed_by: string | null;
  confirmed_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}
