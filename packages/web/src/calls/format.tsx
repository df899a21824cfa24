import { when } from '../time';

export const STATE_LABELS: Record<string, string> = {
  requested: 'Requested',
  under_review: 'Under review',
  approved: 'Approved',
  scheduled: 'Scheduled',
  briefed: 'Briefed',
  in_progress: 'In progress',
  completed: 'Completed',
  memcon_draft: 'Memcon draft',
  memcon_final: 'Memcon final',
  readout_published: 'Readout published',
  readout_waived: 'Readout waived',
  closed: 'Closed',
  declined: 'Declined',
  withdrawn: 'Withdrawn',
  cancelled: 'Cancelled',
};

export const CHANNEL_LABELS: Record<string, string> = {
  hotline: 'Hotline (in-app)',
  secure_line: 'Secure line',
  off_channel: 'Off-channel',
};

/** How a call was or will be held, in words: "Hotline (in-app)", "Secure line", "Off-channel". */
export function channelLabel(channel: string | null | undefined): string {
  if (!channel) return 'Not yet chosen';
  return CHANNEL_LABELS[channel] ?? channel.replace(/_/g, ' ');
}

// The one time formatter of the app (see ../time.ts); re-exported for the calls pages.
export { durationInWords, when } from '../time';

export function StateBadge({ state }: { state: string }) {
  return <span className={`state state-${state}`}>{STATE_LABELS[state] ?? state}</span>;
}

/** A line diff (LCS) for memcon versions: unchanged, added and removed lines. */
export function lineDiff(a: string, b: string): { kind: 'same' | 'add' | 'del'; text: string }[] {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const L: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      L[i]![j] = x[i] === y[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const out: { kind: 'same' | 'add' | 'del'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      out.push({ kind: 'same', text: x[i]! });
      i++;
      j++;
    } else if (L[i + 1]![j]! >= L[i]![j + 1]!) out.push({ kind: 'del', text: x[i++]! });
    else out.push({ kind: 'add', text: y[j++]! });
  }
  while (i < n) out.push({ kind: 'del', text: x[i++]! });
  while (j < m) out.push({ kind: 'add', text: y[j++]! });
  return out;
}

/**
 * The memcon's DATE, TIME AND PLACE line from the call log, in the host principal's zone:
 * "Wed 25 Nov 2026, 10:14 a.m. EST – 10:42 a.m. EST, Hotline (in-app)". Empty before the call.
 */
export function memconDateTimePlace(
  start: string | null,
  end: string | null,
  zone: string | undefined,
  channel: string | null,
): string {
  if (!start) return '';
  const to = end ? ` – ${when(end, zone).split(', ')[1]}` : '';
  return `${when(start, zone)}${to}, ${channelLabel(channel)}`;
}
