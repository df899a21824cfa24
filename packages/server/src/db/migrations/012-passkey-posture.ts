import { type Kysely, sql } from 'kysely';

/**
 * Passkeys that fit the people who hold them (issue "Trust between offices", point 5): what each
 * passkey told us about itself at registration, so the device policy can be applied at sign-in
 * and an administrator can see it.
 * - backup_eligible: the WebAuthn BE flag (the credential may be synced to other devices, e.g. a
 *   passkey in a personal cloud account). Filled for existing rows from device_type, which
 *   SimpleWebAuthn derived from that same flag ('multiDevice' = BE set).
 * - user_verified: the UV flag at registration (null for passkeys registered before this);
 * - aaguid, attestation_fmt, attestation_verified: the authenticator model and its attestation,
 *   when it gave one (null/false for older passkeys);
 * - revoked_at, revoked_by: an administrator revoked it; it no longer signs anyone in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('passkeys')
    .addColumn('backup_eligible', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('user_verified', 'boolean')
    .addColumn('aaguid', 'text')
    .addColumn('attestation_fmt', 'text')
    .addColumn('attestation_verified', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'text')
    .execute();
  await sql`update passkeys set backup_eligible = (device_type = 'multiDevice')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('passkeys')
    .dropColumn('backup_eligible')
    .dropColumn('user_verified')
    .dropColumn('aaguid')
    .dropColumn('attestation_fmt')
    .dropColumn('attestation_verified')
    .dropColumn('revoked_at')
    .dropColumn('revoked_by')
    .execute();
}
