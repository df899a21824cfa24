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
  /** The topics of the request, as written there. */
  topics?: readonly string[];
  /** The final memcon (only its paragraphs marked (U) are used). */
  memcon: Pick<MemconInput, 'paragraphs'> & Partial<Pick<MemconInput, 'subject' | 'participants'>>;
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

function country(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** "Thanked", "Agreed", "Welcomes": a memcon paragraph that starts with its verb (the speaker is its subject). */
function startsWithVerb(text: string): boolean {
  const first = /^([A-Z][a-z]+)\b/.exec(text)?.[1];
  return !!first && /(ed|es|s)$/.test(first) && !/ss$/.test(first);
}

/** "a, b and c" */
function inWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * A first draft of the public readout from the final memcon, in readout style, for the press to
 * edit: who spoke with whom and when (the principal by name, the date in the host's zone), the
 * topics as the request named them (their case kept), and what was said in the paragraphs marked
 * unclassified (U), each retold in the third person ("Prime Minister Carney agreed to…").
 * Nothing else of the memcon is used: no header line (subject, participants, date and place), no
 * speaker label, and no classified paragraph, not even in part.
 */
export function draftReadout(i: ReadoutDraftInput): { title: string; bodyMd: string } {
  const where = country(i.counterpartCountry);
  // "President Sheinbaum Pardo of Mexico" already names the country; do not say it twice.
  const leader = i.counterpartLeader.trim();
  const counterpart = leader.toLowerCase().endsWith(where.toLowerCase()) ? leader : `${leader} of ${where}`;
  const date = DateTime.fromJSDate(i.at, { zone: i.zone }).toFormat('cccc d LLLL yyyy');
  const title = `Readout of the ${i.leaderTitle}'s Call with ${counterpart}`;
  const principal = `${i.leaderTitle} ${i.leaderName}`.trim();
  const topics = (i.topics ?? []).map((t) => t.trim()).filter(Boolean);
  const paragraphs = i.memcon.paragraphs.filter((p) => isPublicMarking(p.marking) && p.text.trim());
  const retold = paragraphs.map((p) => {
    const text = p.text.trim().replace(/\s+/g, ' ');
    const speaker = p.speaker.trim() || 'The leaders';
    const sentence = startsWithVerb(text)
      ? `${speaker} ${text[0]!.toLowerCase()}${text.slice(1)}`
      : `${speaker} said that ${/^[A-Z][a-z]/.test(text) && !/^(I|I'm)\b/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text}`;
    return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
  });
  const lines = [
    `On ${date}, ${principal} spoke with ${counterpart}.`,
    ...(topics.length ? ['', `The leaders discussed ${inWords(topics)}.`] : []),
    '',
    ...(retold.length
      ? [retold.join(' ')]
      : ['[No paragraph of the final memcon is marked unclassified (U); write what was discussed here.]']),
  ];
  return { title, bodyMd: lines.join('\n').trim() };
}
