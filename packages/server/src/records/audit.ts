import type { Actor } from '../policy/policy.js';
import type { AppendedRecord, AppendInput, RecordsService } from './records-service.js';
import type { Db } from './repository.js';

/**
 * The one place an audit event is written. It becomes a record of kind `audit.<action>` in the
 * records log, in the caller's transaction. Details go to the (encrypted) content, not the leaf.
 */
export interface AuditEvent {
  action: string;
  actor: Actor | { userId: string | null; officeId: string | null } | null;
  subject?: string | null;
  office?: string | null;
  details?: Record<string, unknown>;
}

export function writeAudit(tx: Db, records: RecordsService, ev: AuditEvent): Promise<AppendedRecord> {
  return records.append(tx, auditRecord(ev));
}

/** The record an audit event becomes (for staged appending: RecordsService.stage). */
export function auditRecord(ev: AuditEvent): AppendInput {
  return {
    kind: `audit.${ev.action}`,
    actor: ev.actor?.userId ?? null,
    office: ev.office ?? ev.actor?.officeId ?? null,
    subject: ev.subject ?? null,
    content: { action: ev.action, ...(ev.details ?? {}) },
  };
}
