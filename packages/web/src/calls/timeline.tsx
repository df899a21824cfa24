import type { CallDetail } from '@hotline/contract';
import { clockTime, dayOf, when } from '../time';

type Item = CallDetail['timeline'][number];

const COLORS: Record<string, string> = {
  transition: '#1d5fa8',
  review: '#6b4fa1',
  briefing: '#1f6f43',
  memcon: '#8a5a00',
  readout: '#0b2545',
  log: '#5b6473',
  deadline: '#b3261e',
};
const KIND_LABELS: Record<string, string> = {
  transition: 'step',
  review: 'review',
  briefing: 'briefing',
  memcon: 'memcon',
  readout: 'readout',
  log: 'call log',
};

const DAY = 86_400_000;
/** Characters per line at the label's size in the 760-unit-wide drawing (generous for wide glyphs). */
const LABEL_CHARS = 74;
const REASON_CHARS = 84;
const LINE = 16;

export type DeadlineStatus = 'overdue' | 'due' | 'met';

/**
 * Whether a deadline is overdue (the server says so), still ahead of a record not yet done, or met
 * (the record was done, or the call moved past it).
 */
export function deadlineStatus(
  it: Pick<Item, 'label' | 'future'>,
  call: Pick<CallDetail, 'overdue' | 'state'>,
): DeadlineStatus {
  const kind = it.label.toLowerCase().startsWith('memcon') ? 'memcon' : 'readout';
  if (call.overdue.includes(kind)) return 'overdue';
  const pending = kind === 'memcon' ? ['completed', 'memcon_draft'] : ['memcon_final'];
  return it.future && pending.includes(call.state) ? 'due' : 'met';
}

/** Words into lines of at most `width` characters; a word longer than a line is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width - 1) + '-');
      word = word.slice(width - 1);
      line = '';
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

function days(ms: number): string {
  const d = Math.max(1, Math.round(ms / DAY));
  return `${d} day${d === 1 ? '' : 's'}`;
}

interface Row {
  it: Item;
  title: string;
  reason: string | null;
  status: DeadlineStatus | null;
  label: string[];
  reasonLines: string[];
  y: number;
  height: number;
}

/**
 * The story of a call at a glance: a drawn vertical timeline of every step, review, artifact
 * version, call-log entry and deadline, with who did it and why. Overdue deadlines are a filled
 * diamond marked "!" with the word OVERDUE, due ones hollow, met ones grey with a tick, so colour
 * is never the only sign. Screen readers get the same events as a list.
 */
export function Timeline({
  items,
  zone,
  call,
  now = new Date(),
}: {
  items: Item[];
  zone: string;
  call: Pick<CallDetail, 'overdue' | 'state'>;
  now?: Date;
}) {
  const rows: Row[] = [];
  let y = 20;
  for (const it of items) {
    const actor = it.actor;
    const reason = it.reason ?? null;
    let status: DeadlineStatus | null = null;
    let title = it.label;
    if (it.kind === 'deadline') {
      status = deadlineStatus(it, call);
      const gap = Math.abs(now.getTime() - new Date(it.at).getTime());
      title +=
        status === 'overdue'
          ? ` — OVERDUE by ${days(gap)}`
          : status === 'due'
            ? ` — in ${days(gap)}`
            : ' — met';
    } else {
      if (it.toState) title += ` → ${it.toState.replace(/_/g, ' ')}`;
      if (actor) title += ` · ${actor}`;
    }
    if (it.recordSeq !== null) title += ` · log #${it.recordSeq}`;
    const label = wrap(title, LABEL_CHARS);
    const reasonLines = reason ? wrap(`“${reason}”`, REASON_CHARS) : [];
    const height = Math.max(34, (label.length + reasonLines.length) * LINE + 18);
    rows.push({ it, title, reason, status, label, reasonLines, y, height });
    y += height;
  }
  const height = Math.max(34, y - 4);
  return (
    <figure className="timeline" aria-labelledby="timeline-caption">
      <figcaption id="timeline-caption">
        Timeline: {items.length} event{items.length === 1 ? '' : 's'}, times in your zone ({zone})
      </figcaption>
      <svg width="100%" viewBox={`0 0 760 ${height}`} aria-hidden="true" focusable="false">
        <line x1="150" y1="12" x2="150" y2={height - 10} stroke="#c3ccd8" strokeWidth="3" />
        {rows.map(({ it, status, label, reasonLines, y }) => {
          const color = COLORS[it.kind] ?? '#333';
          return (
            <g
              key={`${it.at}-${it.kind}-${it.label}-${it.recordSeq ?? ''}`}
              data-kind={it.kind}
              data-status={status ?? undefined}
            >
              <text x="134" y={y + 4} textAnchor="end" fontSize="12" fill="#4d5766">
                <tspan x="134">{dayOf(it.at, zone)}</tspan>
                <tspan x="134" dy="14">
                  {clockTime(it.at, zone)}
                </tspan>
              </text>
              {status ? (
                <DeadlineMark y={y} status={status} />
              ) : (
                <circle cx="150" cy={y} r="7" fill={color} />
              )}
              <text
                x="168"
                y={y + 4}
                fontSize="13"
                fill={status === 'overdue' ? '#8f1d17' : '#1b2330'}
                fontWeight={it.kind === 'transition' || status === 'overdue' ? 700 : 400}
              >
                <Lines lines={label} />
              </text>
              {reasonLines.length > 0 && (
                <text x="168" y={y + 4 + label.length * LINE} fontSize="12" fontStyle="italic" fill="#4d5766">
                  <Lines lines={reasonLines} />
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <ol className="visually-hidden">
        {rows.map(({ it, title, reason }) => (
          <li key={`${it.at}-${it.kind}-${it.label}-${it.recordSeq ?? ''}`}>
            {when(it.at, zone)}: {title}
            {reason ? `. Reason: ${reason}` : ''}
          </li>
        ))}
      </ol>
      <ul className="timeline-legend" aria-label="Legend">
        {Object.entries(KIND_LABELS).map(([k, label]) => (
          <li key={k}>
            <svg width="12" height="12" aria-hidden="true">
              <circle cx="6" cy="6" r="5" fill={COLORS[k]} />
            </svg>{' '}
            {label}
          </li>
        ))}
        {(['overdue', 'due', 'met'] as const).map((s) => (
          <li key={s}>
            <svg width="16" height="16" viewBox="140 -10 20 20" aria-hidden="true">
              <DeadlineMark y={0} status={s} />
            </svg>{' '}
            deadline {s}
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** Wrapped lines of one SVG text, each under the one before. */
function Lines({ lines }: { lines: string[] }) {
  return lines.map((l, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one fixed text, never reordered
    <tspan key={i} x="168" dy={i === 0 ? 0 : LINE}>
      {l}
    </tspan>
  ));
}

/** A diamond: filled red with "!" when overdue, hollow when due, grey with a tick when met. */
function DeadlineMark({ y, status }: { y: number; status: DeadlineStatus }) {
  const fill = status === 'overdue' ? '#b3261e' : status === 'due' ? '#fff' : '#6b7482';
  const stroke = status === 'met' ? '#5b6473' : '#b3261e';
  return (
    <g>
      <rect
        x="142"
        y={y - 8}
        width="16"
        height="16"
        transform={`rotate(45 150 ${y})`}
        fill={fill}
        stroke={stroke}
        strokeWidth="2"
      />
      {status === 'overdue' && (
        <text x="150" y={y + 4.5} textAnchor="middle" fontSize="12" fontWeight="800" fill="#fff">
          !
        </text>
      )}
      {status === 'met' && (
        <path
          d={`M145.5 ${y} l3 3 l5.5 -6`}
          fill="none"
          stroke="#fff"
          strokeWidth="2"
          strokeLinecap="round"
        />
      )}
    </g>
  );
}
