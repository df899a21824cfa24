import { DAY, HOUR, MINUTE } from '@hotline/common';
import type { CallStateName } from '../calls/lifecycle.js';

/** The demo's data: which calls it holds, where each principal takes calls, foreign leaders' numbers. */

/** Where each demo office's principal takes calls, for the memcon's date, time and place. */
export const PLACES: Record<string, string> = {
  'us-potus': 'Oval Office',
  'ca-pmo': 'Office of the Prime Minister, Ottawa',
  'fr-elysee': 'Palais de l’Élysée, Paris',
  'mx-presidencia': 'Palacio Nacional, Mexico City',
};

/** The happy-path states a demo call is brought to; the readout ones by a shorter name. */
export type Stage =
  | Exclude<CallStateName, 'declined' | 'withdrawn' | 'cancelled' | 'readout_published' | 'readout_waived'>
  | 'published'
  | 'waived';

/** What happens to the call after it reached its stage: it leaves the happy path. */
export type After =
  | { action: 'decline' | 'withdraw' | 'cancel'; at: number; reason: string }
  | { action: 'reschedule'; at: number; start: number };

export interface Plan {
  owner: string;
  requester: [string, string];
  counterpartSlug: string;
  counterpart: string;
  country: string;
  purpose: string;
  topics: string[];
  urgency?: 'routine' | 'priority' | 'flash';
  /** Default: from the counterpart's country. */
  language?: string;
  channel?: 'hotline' | 'secure_line';
  start: number;
  /** When the request was sent (default: ten days before the call) and first reviewed (a day later). */
  requestedAt?: number;
  reviewedAt?: number;
  /** The reviewer's recommendation (default: approve, or defer for a call left under review). */
  review?: { recommendation: 'approve' | 'defer'; notes: string; risks: string };
  until: Stage;
  after?: After;
  readout?: { title: string; body: string };
  waive?: string;
}

/**
 * The demo's calls, relative to now (T, in ms): every state, including one in progress, a
 * rescheduled one that clashes with another call of the same principal, a flash request waiting
 * for its second reviewer, declined, withdrawn and cancelled ones with their reasons, published
 * readouts and a waived readout. Seeded in this order.
 */
export function demoCallPlans(T: number): Plan[] {
  return [
    {
      owner: 'us-potus',
      requester: ['liaison', 'ca-pmo'],
      counterpartSlug: 'ca-pmo',
      counterpart: 'Prime Minister Mark Carney of Canada',
      country: 'CA',
      purpose: 'Coordinate ahead of the G7 leaders’ summit and discuss Arctic security.',
      topics: ['Arctic security', 'Critical minerals', 'Trade'],
      start: T - 21 * DAY,
      until: 'closed',
      readout: {
        title: 'Readout of the President’s Call with Prime Minister Mark Carney of Canada',
        body: 'President Trump spoke today with Prime Minister Mark Carney of Canada. The leaders discussed security in the Arctic, cooperation on critical minerals, and the trading relationship between our two countries.\n\nThe leaders agreed to stay in close touch ahead of the G7 summit.',
      },
    },
    {
      owner: 'fr-elysee',
      requester: ['staff', 'fr-elysee'],
      counterpartSlug: 'mx-presidencia',
      counterpart: 'President Claudia Sheinbaum Pardo of Mexico',
      country: 'MX',
      purpose: 'Prepare the state visit and the climate finance initiative.',
      topics: ['State visit', 'Climate finance'],
      start: T - 14 * DAY,
      until: 'published',
      readout: {
        title: 'Entretien téléphonique du Président de la République avec la Présidente du Mexique',
        body: 'Le Président de la République s’est entretenu aujourd’hui avec la Présidente des États-Unis mexicains, Mme Claudia Sheinbaum Pardo. Ils ont préparé la prochaine visite d’État et évoqué l’initiative pour la finance climatique.\n\nLes deux dirigeants sont convenus de rester en contact étroit.',
      },
    },
    {
      owner: 'ca-pmo',
      requester: ['staff', 'ca-pmo'],
      counterpartSlug: 'mx-presidencia',
      counterpart: 'President Claudia Sheinbaum Pardo of Mexico',
      country: 'MX',
      purpose: 'Discuss the review of the trade agreement and energy cooperation.',
      topics: ['Trade agreement review', 'Energy'],
      start: T - 10 * DAY,
      until: 'published',
      readout: {
        title: 'Prime Minister Carney speaks with President of Mexico Claudia Sheinbaum Pardo',
        body: 'Prime Minister Mark Carney spoke today with the President of Mexico, Claudia Sheinbaum Pardo. The leaders discussed the upcoming review of the trade agreement and cooperation on energy.\n\nThey agreed to remain in close contact.',
      },
    },
    {
      owner: 'us-potus',
      requester: ['liaison', 'fr-elysee'],
      counterpartSlug: 'fr-elysee',
      counterpart: 'President Emmanuel Macron of France',
      country: 'FR',
      purpose: 'Private consultation on a consular case involving detained nationals.',
      topics: ['Consular case'],
      urgency: 'priority',
      start: T - 6 * DAY,
      until: 'waived',
      waive:
        'No public readout by agreement of both sides: a public statement could endanger detained nationals.',
    },
    {
      owner: 'us-potus',
      requester: ['staff', 'us-potus'],
      counterpartSlug: 'mx-presidencia',
      counterpart: 'President Claudia Sheinbaum Pardo of Mexico',
      country: 'MX',
      purpose: 'Border security cooperation and fentanyl precursor controls.',
      topics: ['Border security', 'Precursor chemicals'],
      start: T - 3 * DAY,
      until: 'memcon_final',
    },
    {
      owner: 'us-potus',
      requester: ['liaison', 'ca-pmo'],
      counterpartSlug: 'ca-pmo',
      counterpart: 'Prime Minister Mark Carney of Canada',
      country: 'CA',
      purpose: 'Follow up on wildfire season cooperation and shared firefighting resources.',
      topics: ['Wildfires'],
      start: T - 1 * DAY,
      until: 'memcon_draft',
    },
    // The in-app call the live room is shown with: both principals and the US note-taker.
    {
      owner: 'us-potus',
      requester: ['liaison', 'fr-elysee'],
      counterpartSlug: 'fr-elysee',
      counterpart: 'President Emmanuel Macron of France',
      country: 'FR',
      purpose: 'Coordinate positions for the Ukraine reconstruction conference.',
      topics: ['Ukraine reconstruction', 'NATO'],
      start: T + 1 * DAY + 3 * HOUR,
      until: 'briefed',
    },
    {
      owner: 'us-potus',
      requester: ['liaison', 'mx-presidencia'],
      counterpartSlug: 'mx-presidencia',
      counterpart: 'President Claudia Sheinbaum Pardo of Mexico',
      country: 'MX',
      purpose: 'Discuss the World Cup security arrangements for host cities.',
      topics: ['World Cup security'],
      start: T + 6 * DAY,
      until: 'scheduled',
    },
    {
      owner: 'us-potus',
      requester: ['staff', 'us-potus'],
      counterpartSlug: 'ca-pmo',
      counterpart: 'Prime Minister Mark Carney of Canada',
      country: 'CA',
      purpose: 'Congratulate on the budget and discuss defence spending commitments.',
      topics: ['Defence spending'],
      start: T + 9 * DAY,
      until: 'approved',
    },
    {
      owner: 'us-potus',
      requester: ['liaison', 'mx-presidencia'],
      counterpartSlug: 'mx-presidencia',
      counterpart: 'President Claudia Sheinbaum Pardo of Mexico',
      country: 'MX',
      purpose: 'Request for a call on migration flows and the asylum processing centres.',
      topics: ['Migration'],
      urgency: 'priority',
      start: T + 12 * DAY,
      until: 'under_review',
    },
    {
      owner: 'us-potus',
      requester: ['liaison', 'fr-elysee'],
      counterpartSlug: 'fr-elysee',
      counterpart: 'President Emmanuel Macron of France',
      country: 'FR',
      purpose: 'Invitation to the AI safety summit in Paris and coordination of a joint statement.',
      topics: ['AI safety summit'],
      start: T + 14 * DAY,
      until: 'requested',
    },
    // On the line right now: connected a quarter of an hour ago, not yet ended.
    {
      owner: 'mx-presidencia',
      requester: ['staff', 'mx-presidencia'],
      counterpartSlug: 'ca-pmo',
      counterpart: 'Prime Minister Mark Carney of Canada',
      country: 'CA',
      language: 'Spanish and English (interpreted)',
      purpose: 'Coordinate Mexico’s and Canada’s positions ahead of the joint review of the USMCA.',
      topics: ['USMCA joint review', 'Automotive rules of origin'],
      start: T - 15 * MINUTE,
      until: 'in_progress',
    },
    // Ended this morning; the note-taker has not started the memcon yet.
    {
      owner: 'mx-presidencia',
      requester: ['liaison', 'us-potus'],
      counterpartSlug: 'us-potus',
      counterpart: 'President Donald J. Trump of the United States',
      country: 'US',
      language: 'Spanish and English (interpreted)',
      purpose: 'Discuss the tariffs on steel and aluminium and the security cooperation agreement.',
      topics: ['Steel and aluminium tariffs', 'Security cooperation'],
      channel: 'secure_line',
      start: T - 5 * HOUR,
      until: 'completed',
    },
    // Moved at the Prime Minister's request onto a slot where the President already has the
    // World Cup call: the reschedule carries the clash warning, and the invitation SEQUENCE 1.
    {
      owner: 'us-potus',
      requester: ['liaison', 'ca-pmo'],
      counterpartSlug: 'ca-pmo',
      counterpart: 'Prime Minister Mark Carney of Canada',
      country: 'CA',
      purpose: 'Discuss continental air defence: NORAD modernization and Canada’s part in missile defence.',
      topics: ['NORAD modernization', 'Missile defence'],
      channel: 'secure_line',
      start: T + 4 * DAY,
      until: 'scheduled',
      after: { action: 'reschedule', at: T - 6 * HOUR, start: T + 6 * DAY + 15 * MINUTE },
    },
    {
      owner: 'ca-pmo',
      requester: ['liaison', 'fr-elysee'],
      counterpartSlug: 'fr-elysee',
      counterpart: 'President Emmanuel Macron of France',
      country: 'FR',
      language: 'French',
      purpose: 'Discuss the timetable for ratifying CETA after the vote in the French Senate.',
      topics: ['CETA ratification'],
      start: T - 4 * DAY,
      until: 'requested',
      after: {
        action: 'decline',
        at: T - 13 * DAY,
        reason:
          'The Prime Minister saw President Macron at the G7 last week; the trade ministers will take the ratification timetable forward. A leaders’ call is not needed now.',
      },
    },
    {
      owner: 'fr-elysee',
      requester: ['liaison', 'mx-presidencia'],
      counterpartSlug: 'mx-presidencia',
      counterpart: 'President Claudia Sheinbaum Pardo of Mexico',
      country: 'MX',
      language: 'Spanish and French (interpreted)',
      purpose:
        'Discuss the return of archaeological pieces held in French collections and cultural cooperation.',
      topics: ['Cultural heritage', 'Museum cooperation'],
      start: T + 3 * DAY,
      review: {
        recommendation: 'approve',
        notes: 'Bienvenu : le dossier des restitutions avance et le Président souhaite en parler.',
        risks: 'Ne pas anticiper la loi-cadre sur les restitutions.',
      },
      until: 'approved',
      after: {
        action: 'withdraw',
        at: T - 2 * DAY,
        reason:
          'President Sheinbaum will see President Macron in person at the summit next week; the topics will be taken up there.',
      },
    },
    {
      owner: 'fr-elysee',
      requester: ['staff', 'fr-elysee'],
      counterpartSlug: 'ca-pmo',
      counterpart: 'Prime Minister Mark Carney of Canada',
      country: 'CA',
      language: 'French',
      purpose: 'Prepare the Francophonie summit and coordinate support for the mission in Haiti.',
      topics: ['Francophonie summit', 'Haiti'],
      channel: 'secure_line',
      start: T + 2 * DAY,
      review: {
        recommendation: 'approve',
        notes: 'Utile avant le sommet de la Francophonie.',
        risks: 'Le calendrier canadien est chargé.',
      },
      until: 'scheduled',
      after: {
        action: 'cancel',
        at: T - 1 * DAY,
        reason:
          'Cancelled at the request of the Prime Minister’s Office: the Prime Minister is visiting the regions hit by the floods. Both offices will propose a new date.',
      },
    },
    // Flash: one reviewer has cleared it; the policy asks for a second before it is approved.
    {
      owner: 'ca-pmo',
      requester: ['liaison', 'us-potus'],
      counterpartSlug: 'us-potus',
      counterpart: 'President Donald J. Trump of the United States',
      country: 'US',
      urgency: 'flash',
      purpose:
        'Urgent: coordinate the response to the cyberattack on the cross-border electricity grid and the outages in Ontario and New York.',
      topics: ['Grid cyberattack', 'Critical infrastructure'],
      start: T + 4 * HOUR,
      requestedAt: T - 90 * MINUTE,
      reviewedAt: T - 40 * MINUTE,
      review: {
        recommendation: 'approve',
        notes:
          'Concur: the outage affects both countries and the Prime Minister should speak to the President today.',
        risks: 'Attribution is not confirmed; the Prime Minister should not name a state actor.',
      },
      until: 'under_review',
    },
  ];
}

/** Known numbers of foreign leaders and offices (fictional), for off-channel detection; by office slug. */
export const FOREIGN_CONTACTS: { number: string; leader: string; country: string; office: string }[] = [
  {
    number: '+525550000101',
    leader: 'President Claudia Sheinbaum Pardo of Mexico',
    country: 'MX',
    office: 'mx-presidencia',
  },
  {
    number: '+16135550199',
    leader: 'Prime Minister Mark Carney of Canada',
    country: 'CA',
    office: 'ca-pmo',
  },
  {
    number: '+33155550123',
    leader: 'President Emmanuel Macron of France',
    country: 'FR',
    office: 'fr-elysee',
  },
];
