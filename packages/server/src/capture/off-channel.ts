import { newId } from '@hotline/common';
import type { RequestsService } from '../calls/requests-service.js';
import type { ImportResult } from './import-pipeline.js';
import type { Db } from './repository.js';
import {
  contactItems,
  findOffChannelAlert,
  findOfficialCall,
  foreignContacts,
  insertOffChannelAlert,
} from './repository.js';

/** An official call within this window of a personal-phone contact counts as the record of it. */
export const MATCH_WINDOW_MS = 2 * 60 * 60 * 1000;

interface ContactSummary {
  number?: string;
  numbers?: string[];
  from?: string | null;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  durationSeconds?: number;
  direction?: string;
}

/** A contact that did not connect (missed, rejected, blocked) is not a conversation to record. */
export function connected(direction: string | undefined): boolean {
  return direction !== 'missed' && direction !== 'rejected' && direction !== 'blocked';
}

type Contact = Awaited<ReturnType<typeof foreignContacts>>[number];

/** Whether a directory entry applied at `at`: within its validity, and not yet retired. */
export function validAt(c: Contact, at: Date): boolean {
  const t = at.getTime();
  if (c.valid_from && t < new Date(c.valid_from).getTime()) return false;
  if (c.valid_to && t > new Date(c.valid_to).getTime()) return false;
  if (c.retired_at && t > new Date(c.retired_at).getTime()) return false;
  return true;
}

/** Every number, address or handle an item names (its counterpart and itself). */
function identifiersOf(s: ContactSummary): string[] {
  const v = [s.number, ...(s.numbers ?? []), s.from, ...(s.to ?? []), ...(s.cc ?? []), ...(s.bcc ?? [])];
  return v.filter((x): x is string => typeof x === 'string' && x !== '').map((x) => x.toLowerCase());
}

export interface Detected {
  offChannel: ImportResult['offChannel'];
  attempted: ImportResult['attempted'];
}

/**
 * Calls, texts and emails between a principal's personal account and a foreign leader's known
 * number, address or handle (the directory entry valid at the time), with no official call of
 * the owner's office within two hours, become off-channel contact alerts and `off_channel` calls
 * that require a memcon. A missed, rejected or blocked call is an 'attempted contact' alert:
 * shown, with no call and no memcon. Idempotent per captured item: a re-scan (after the
 * directory changed) raises only the alerts not yet raised.
 */
export async function detectOffChannel(
  db: Db,
  calls: Pick<RequestsService, 'logDetectedOffChannel'> | undefined,
  importId?: string,
): Promise<Detected> {
  const found: Detected = { offChannel: [], attempted: [] };
  if (!calls) return found;
  const byValue = new Map<string, Contact[]>();
  for (const c of await foreignContacts(db)) {
    const k = c.number.toLowerCase();
    byValue.set(k, [...(byValue.get(k) ?? []), c]);
  }
  if (byValue.size === 0) return found;
  for (const it of await contactItems(db, importId)) {
    if (!it.roles.includes('principal')) continue;
    const summary = it.summary as ContactSummary;
    const at = new Date(it.occurred_at);
    const contact = identifiersOf(summary)
      .flatMap((v) => byValue.get(v) ?? [])
      .find((c) => validAt(c, at));
    if (!contact) continue;
    if (await findOffChannelAlert(db, it.id)) continue;
    if (it.kind === 'call' && !connected(summary.direction)) {
      await insertOffChannelAlert(db, {
        id: newId(),
        captured_item_id: it.id,
        call_id: null,
        kind: 'attempted',
        number: contact.number,
        leader: contact.leader,
        at,
      });
      found.attempted.push({ leader: contact.leader, number: contact.number, at: at.toISOString() });
      continue;
    }
    const official = await findOfficialCall(db, {
      officeId: it.office_id,
      leader: contact.leader,
      counterpartOfficeId: contact.office_id,
      from: new Date(at.getTime() - MATCH_WINDOW_MS),
      to: new Date(at.getTime() + MATCH_WINDOW_MS),
    });
    if (official) continue;
    const end = new Date(at.getTime() + Math.max(60, summary.durationSeconds ?? 60) * 1000);
    const what = it.kind === 'call' ? 'call' : it.kind === 'email' ? 'email' : 'text message';
    const callId = await calls.logDetectedOffChannel({
      ownerOfficeId: it.office_id,
      ownerUserId: it.owner_id,
      counterpartOfficeId: contact.office_id,
      counterpartLeader: contact.leader,
      counterpartCountry: contact.country,
      start: at,
      end,
      summary: `A ${what} with ${contact.leader} (${contact.number}) on a personal account, with no official call on record.`,
      evidence: { capturedItemId: it.id, number: contact.number, kind: it.kind, at: at.toISOString() },
    });
    await insertOffChannelAlert(db, {
      id: newId(),
      captured_item_id: it.id,
      call_id: callId,
      kind: 'off_channel',
      number: contact.number,
      leader: contact.leader,
      at,
    });
    found.offChannel.push({ callId, leader: contact.leader, at: at.toISOString() });
  }
  return found;
}
