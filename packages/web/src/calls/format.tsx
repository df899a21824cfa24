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

const zoneNames = new Map<string, Intl.DateTimeFormat>();

/**
 * "Tue 10 Mar 2026, 9:00 a.m. EDT" in the given IANA zone: the same form as the server's local
 * times (calls-lifecycle formatForZone), so one call reads the same everywhere on the page.
 */
export function when(iso: string | null | undefined, zone?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const p = (t: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === t)?.value ?? '';
  const hour = Number(p('hour'));
  const key = zone ?? '';
  let names = zoneNames.get(key);
  if (!names) {
    // en-US names zones as people in them say it (EST, PDT); other locales give "GMT-5".
    names = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' });
    zoneNames.set(key, names);
  }
  const abbr = names.formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? '';
  return `${p('weekday')} ${p('day')} ${p('month')} ${p('year')}, ${hour % 12 || 12}:${p('minute')} ${hour < 12 ? 'a.m.' : 'p.m.'} ${abbr}`;
}

/** A span as people say it: "3 days 2 h", "2 h 40 min", "12 min" (the server's durationInWords). */
export function durationInWords(ms: number): string {
  const mins = Math.ceil(ms / 60_000);
  if (mins < 1) return 'less than a minute';
  const days = Math.floor(mins / 1440);
  const hours = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  if (days) return `${days} ${days === 1 ? 'day' : 'days'}${hours ? ` ${hours} h` : ''}`;
  if (hours) return `${hours} h${m ? ` ${m} min` : ''}`;
  return `${m} min`;
}

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
