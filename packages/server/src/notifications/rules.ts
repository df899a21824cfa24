import { NOTIFICATION_KINDS, type NotificationKind, type NotificationPreferences } from '@hotline/contract';

export type KindChoices = NotificationPreferences['kinds'];

/** Everyone gets every kind in the app and by email until they choose otherwise. */
export function defaultChoices(): KindChoices {
  return Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, { inApp: true, email: true }])) as KindChoices;
}

/** Stored choices over the defaults (a kind added later starts on). */
export function choicesFrom(
  stored: Record<string, { inApp: boolean; email: boolean }> | undefined,
): KindChoices {
  const out = defaultChoices();
  for (const k of NOTIFICATION_KINDS) {
    const c = stored?.[k];
    if (c) out[k] = { inApp: c.inApp === true, email: c.email === true };
  }
  return out;
}

/** Where a notice of this kind goes for a person with these choices; null: nowhere. */
export function channelsFor(
  choices: KindChoices,
  kind: NotificationKind,
  emailConfigured: boolean,
): { inApp: boolean; email: boolean } | null {
  const c = choices[kind];
  const email = emailConfigured && c.email;
  if (!c.inApp && !email) return null;
  return { inApp: c.inApp, email };
}

/** The page of the web app where the step is taken. */
export function linkFor(callId: string | null): string {
  return callId ? `/app/calls/${callId}` : '/app/notifications';
}

/**
 * The email for a notice: the kind of step and a link, nothing else. No call subject, no names
 * of leaders, no text of any briefing or memcon: the message leaves the system unencrypted.
 */
export function emailFor(
  n: { step: string; callId: string | null },
  publicUrl: string,
): { subject: string; text: string } {
  const url = `${publicUrl}${linkFor(n.callId)}`;
  return {
    subject: `Hotline: a step waits for you (${n.step})`,
    text: [
      `A step waits for you in Hotline: ${n.step}.`,
      '',
      `Open it (sign in first): ${url}`,
      '',
      'This message carries no call details. Choose which notifications you get by email on your profile page in Hotline.',
    ].join('\n'),
  };
}

/** Attempts before an email is given up (marked failed; the notice stays in the app). */
export const MAX_EMAIL_ATTEMPTS = 5;

/** Wait before the next attempt after `attempts` failures: 30 s, 2 min, 8 min, 32 min. */
export function retryDelayMs(attempts: number, baseMs = 30_000): number {
  return baseMs * 4 ** Math.max(0, attempts - 1);
}
