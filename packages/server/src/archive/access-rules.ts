import type { NOTICE_PARTIES, REQUESTER_KINDS } from '@hotline/contract';
import { addWorkingDays, type IsoDate, workingDaysBetween } from './working-days.js';

/**
 * Who may ask for presidential records, and on what footing. 44 U.S.C. 2205(2): a court (subpoena
 * or other judicial process), either House of Congress or a committee, the incumbent President,
 * and a former President for records of their own term; 2204(b)–(c): the public under FOIA
 * (5 U.S.C. 552) once the records are open.
 */
export type RequesterKind = (typeof REQUESTER_KINDS)[number];

/** FOIA's own answer period (5 U.S.C. 552(a)(6)(A)(i)): 20 working days from receipt. */
export const FOIA_WORKING_DAYS = 20;

/** The parties notified under 2208(a): the incumbent and the former President. */
export type NoticeParty = (typeof NOTICE_PARTIES)[number];

export type Refusal = { refused: string } | { ok: true; dueOn: IsoDate };

/**
 * Whether a request may be filed, and its due date: FOIA only once the office's records are
 * open (and due 20 working days after receipt unless a later date is given); a special-access
 * request under 2205 carries the date the court, the Congress or the President set.
 */
export function admitRequest(input: {
  kind: RequesterKind;
  receivedOn: IsoDate;
  dueOn?: IsoDate | undefined;
  recordsOpenOn: IsoDate | null;
}): Refusal {
  if (input.kind === 'foia') {
    if (!input.recordsOpenOn || input.recordsOpenOn > input.receivedOn)
      return {
        refused: input.recordsOpenOn
          ? `The office's records open to FOIA requests on ${input.recordsOpenOn} (44 U.S.C. 2204(b)(2)); this request was received on ${input.receivedOn}.`
          : "The office's records are not open to FOIA requests (44 U.S.C. 2204(b)(2)); a court, the Congress or a President may ask under 2205.",
      };
    const statutory = addWorkingDays(input.receivedOn, FOIA_WORKING_DAYS);
    return { ok: true, dueOn: input.dueOn && input.dueOn > statutory ? input.dueOn : statutory };
  }
  if (!input.dueOn)
    return { refused: 'A request under 44 U.S.C. 2205 needs the due date the requester set (dueOn).' };
  if (input.dueOn < input.receivedOn) return { refused: `The due date ${input.dueOn} is before receipt.` };
  return { ok: true, dueOn: input.dueOn };
}

/** The next date that matters for a request and the working days left to it (negative: late). */
export function nextDeadline(
  r: { dueOn: IsoDate; noticeExpiresOn: IsoDate | null; extendedTo: IsoDate | null },
  today: IsoDate,
) {
  const clock = r.extendedTo ?? r.noticeExpiresOn;
  const date = clock && clock < r.dueOn ? clock : r.dueOn;
  const left = date >= today ? workingDaysBetween(today, date) : -workingDaysBetween(date, today);
  return { date, workingDaysLeft: left, which: date === r.dueOn ? ('due' as const) : ('notice' as const) };
}
