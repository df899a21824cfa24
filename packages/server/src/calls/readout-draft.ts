import type { MemconInput } from '@hotline/contract';
import { DateTime } from 'luxon';

export interface ReadoutDraftInput {
  leaderTitle: string;
  leaderName: string;
  counterpartLeader: string;
  /** ISO 3166-1 alpha-2, e.g. FR */
  counterpartCountry: string;
  /** When the call took place, and the host office's zone to date it in. */
  at: Date;
  zone: string;
  /** The final memcon. */
  memcon: Pick<MemconInput, 'subject' | 'participants' | 'paragraphs'>;
}

/**
 * Only a paragraph marked plainly unclassified may reach a public draft: "(U)" or
 * "UNCLASSIFIED". Anything else, including unclassified with a control such as (U//FOUO),
 * stays out.
 */
export function isPublicMarking(marking: string): boolean {
  const m = marking.replace(/[()]/g, '').trim().toUpperCase();
  return m === 'U' || m === 'UNCLASSIFIED';
}

/** A leading portion marking such as "(S/NF) " on a line, or null when the line has none. */
function leadingMarking(line: string): string | null {
  return /^\s*(\([^)]{1,40}\))\s*/.exec(line)?.[1] ?? null;
}

function country(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * A first draft of the public readout from the final memcon, for the press to edit: the date in
 * the host's zone, the subject and participants, and the paragraphs marked unclassified (U).
 * Classified paragraphs never appear, not even in part; neither does a subject line marked
 * above (U).
 */
export function draftReadout(i: ReadoutDraftInput): { title: string; bodyMd: string } {
  const where = country(i.counterpartCountry);
  // "President Sheinbaum Pardo of Mexico" already names the country; do not say it twice.
  const leader = i.counterpartLeader.trim();
  const counterpart = leader.toLowerCase().endsWith(where.toLowerCase()) ? leader : `${leader} of ${where}`;
  const date = DateTime.fromJSDate(i.at, { zone: i.zone }).toFormat('cccc d LLLL yyyy');
  const title = `Readout of the ${i.leaderTitle}'s Call with ${counterpart}`;
  const subjectMarking = leadingMarking(i.memcon.subject);
  const subject =
    subjectMarking === null
      ? i.memcon.subject.trim()
      : isPublicMarking(subjectMarking)
        ? i.memcon.subject.replace(subjectMarking, '').trim()
        : null;
  const paragraphs = i.memcon.paragraphs.filter((p) => isPublicMarking(p.marking));
  const lines = [
    `${i.leaderTitle} ${i.leaderName} spoke on ${date} with ${counterpart}.`,
    '',
    ...(subject ? [`**Subject:** ${subject}`, ''] : []),
    `**Participants:** ${i.memcon.participants.join('; ')}`,
    '',
    ...(paragraphs.length
      ? paragraphs.flatMap((p) => [`**${p.speaker}:** ${p.text.trim()}`, ''])
      : ['[No paragraph of the final memcon is marked unclassified (U); write the summary here.]', '']),
  ];
  return { title, bodyMd: lines.join('\n').trim() };
}
