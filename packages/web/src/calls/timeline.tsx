import type { CallDetail } from '@hotline/contract';

const COLORS: Record<string, string> = {
  transition: '#1d5fa8',
  review: '#6b4fa1',
  briefing: '#1f6f43',
  memcon: '#8a5a00',
  readout: '#0b2545',
  log: '#5b6473',
  deadline: '#b3261e',
};

/**
 * The story of a call at a glance: a drawn vertical timeline of every transition, artifact and
 * deadline, with the state band on the left. Deadlines in the future are hollow.
 */
export function Timeline({ items, zone }: { items: CallDetail['timeline']; zone: string }) {
  const row = 34;
  const height = Math.max(row, items.length * row + 10);
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  return (
    <figure className="timeline" aria-labelledby="timeline-caption">
      <figcaption id="timeline-caption">Timeline: {items.length} events (your time zone)</figcaption>
      <svg width="100%" height={height} viewBox={`0 0 760 ${height}`} role="img" aria-label="Call timeline">
        <line x1="150" y1="12" x2="150" y2={height - 10} stroke="#c3ccd8" strokeWidth="3" />
        {items.map((it, i) => {
          const y = 20 + i * row;
          const color = COLORS[it.kind] ?? '#333';
          const hollow = it.kind === 'deadline' && it.future;
          return (
            <g key={`${it.at}-${it.kind}-${it.label}-${it.recordSeq ?? ''}`} data-kind={it.kind}>
              <text x="138" y={y + 4} textAnchor="end" fontSize="12" fill="#4d5766">
                {fmt.format(new Date(it.at))}
              </text>
              {it.kind === 'deadline' ? (
                <rect
                  x="143"
                  y={y - 7}
                  width="14"
                  height="14"
                  transform={`rotate(45 150 ${y})`}
                  fill={hollow ? '#fff' : color}
                  stroke={color}
                  strokeWidth="2"
                />
              ) : (
                <circle cx="150" cy={y} r="7" fill={color} />
              )}
              <text
                x="168"
                y={y + 4}
                fontSize="13"
                fill="#1b2330"
                fontWeight={it.kind === 'transition' ? 700 : 400}
              >
                {it.label}
                {it.toState ? ` → ${it.toState.replace(/_/g, ' ')}` : ''}
                {it.actor ? ` · ${it.actor}` : ''}
                {it.recordSeq !== null ? ` · log #${it.recordSeq}` : ''}
              </text>
            </g>
          );
        })}
      </svg>
      <ul className="timeline-legend" aria-label="Legend">
        {Object.entries(COLORS).map(([k, c]) => (
          <li key={k}>
            <svg width="12" height="12" aria-hidden="true">
              <circle cx="6" cy="6" r="5" fill={c} />
            </svg>{' '}
            {k}
          </li>
        ))}
      </ul>
    </figure>
  );
}
