import { canonicalJson } from '@hotline/common';
import { bagCount, baggingDate } from './bagit.js';
import { verifierNote } from './proof.js';
import type { TransferState } from './transfer-state.js';

/** The fixed tag files of a transfer's bag: the checkpoint, the log key, the verifier note, the witness policy. */
export function transferTagFiles(state: TransferState): Record<string, string> {
  const records = state.total;
  return {
    'proof/checkpoint.txt': state.checkpoint.note,
    'proof/log-key.txt': `${state.checkpoint.verifierKey}\n`,
    'proof/README.txt': verifierNote({
      size: state.checkpoint.size,
      origin: state.checkpoint.origin,
      records,
      witnessed: state.checkpoint.witnesses !== null,
    }),
    ...(state.checkpoint.witnesses ? { 'proof/witnesses.txt': state.checkpoint.witnesses } : {}),
  };
}

/** A transfer bag's bag-info.txt fields (Payload-Oxum is added by the writer). */
export function transferInfo(
  state: TransferState,
  office: string,
  contactName: string,
  n: number,
  total: number | null,
  records: number,
): [string, string][] {
  return [
    ['Source-Organization', office],
    ['Contact-Name', contactName],
    ['External-Description', `Records transferred to the national archive (44 U.S.C. 2203(g)) by ${office}.`],
    ['External-Identifier', `hotline-transfer:${state.id}`],
    ['Bagging-Date', baggingDate(new Date(state.startedAt))],
    ['Bag-Group-Identifier', `hotline-transfer:${state.id}`],
    ['Bag-Count', bagCount(n, total)],
    ['Hotline-Scope', canonicalJson(state.search)],
    ['Hotline-Log-Origin', state.checkpoint.origin],
    ['Hotline-Log-Size', String(state.checkpoint.size)],
    ['Hotline-Bag-Records', String(records)],
    ['Hotline-Transfer-Items', String(state.total)],
  ];
}
