import { newId } from '@hotline/common';
import type { RequestsService } from '../calls/requests-service.js';
import type { ImportResult } from './import-pipeline.js';
import type { Db } from './repository.js';
import {
  findOffChannelAlert,
  findOfficialCall,
  findUserRoles,
  foreignContacts,
  importedContacts,
  insertOffChannelAlert,
} from './repository.js';

/** An official call within this window of a personal-phone contact counts as the record of it. */
export const MATCH_WINDOW_MS = 2 * 60 * 60 * 1000;

interface ContactSummary {
  number?: string;
  numbers?: string[];
  durationSeconds?: number;
  direction?: string;
}

/** A contact that did not connect (missed, rejected, blocked) is not a conversation to record. */
export function connected(direction: string | undefined): boolean {
  return direction !== 'missed' && direction !== 'rejected' && direction !== 'blocked';
}

/**
 * Calls and texts between the account owner's personal number and a foreign leader's known
 * number, with no official call of the owner's office within two hours, become off-channel
 * contact alerts and `off_channel` calls that require a memcon. Idempotent per captured item.
 */
export async function detectOffChannel(
  db: Db,
  calls: Pick<RequestsService, 'logDetectedOffChannel'> | undefined,
  importId: string,
  ownerUserId: string,
  ownerOfficeId: string,
): Promise<ImportResult['offChannel']> {
  const found: ImportResult['offChannel'] = [];
  const owner = await findUserRoles(db, ownerUserId);
  if (!owner?.roles.includes('principal') || !calls) return found;
  const byNumber = new Map((await foreignContacts(db)).map((c) => [c.number, c]));
  for (const it of await importedContacts(db, importId)) {
    const summary = it.summary as ContactSummary;
    const numbers = summary.number ? [summary.number] : (summary.numbers ?? []);
    const contact = numbers.map((n) => byNumber.get(n)).find(Boolean);
    if (!contact || !connected(summary.direction)) continue;
    const at = new Date(it.occurred_at);
    const official = await findOfficialCall(db, {
      officeId: ownerOfficeId,
      leader: contact.leader,
      counterpartOfficeId: contact.office_id,
      from: new Date(at.getTime() - MATCH_WINDOW_MS),
      to: new Date(at.getTime() + MATCH_WINDOW_MS),
    });
    if (official) continue;
    if (await findOffChannelAlert(db, it.id)) continue;
    const end = new Date(at.getTime() + Math.max(60, summary.durationSeconds ?? 60) * 1000);
    const callId = await calls.logDetectedOffChannel({
      ownerOfficeId,
      ownerUserId,
      counterpartOfficeId: contact.office_id,
      counterpartLeader: contact.leader,
      counterpartCountry: contact.country,
      start: at,
      end,
      summary: `A ${it.kind === 'call' ? 'call' : 'text message'} with ${contact.leader} (${contact.number}) on a personal phone, with no official call on record.`,
      evidence: { capturedItemId: it.id, number: contact.number, kind: it.kind, at: at.toISOString() },
    });
    await insertOffChannelAlert(db, {
      id: newId(),
      captured_item_id: it.id,
      call_id: callId,
      number: contact.number,
      leader: contact.leader,
      at,
    });
    found.push({ callId, leader: contact.leader, at: at.toISOString() });
  }
  return found;
}
