import type { CallDetail } from '@hotline/contract';
import type { ReactNode } from 'react';
import { channelLabel, when } from './format';

const KIND_WORDS: Record<string, string> = {
  joined: 'Joined',
  left: 'Left',
  listened: 'Listened',
  verified: 'Verified the code',
  noted: 'Noted',
};

/** "Donald J. Trump with Mark Carney; Mark Carney with Donald J. Trump": who verified with whom. */
function verifiedPairs(entries: CallDetail['callLog']['entries']): string {
  const pairs = entries
    .filter((e) => e.kind === 'verified')
    .map((e) => {
      const other = /^codes matched with (.+)$/.exec(e.detail ?? '')?.[1];
      return other ? `${e.name} with ${other}` : e.name;
    });
  return [...new Set(pairs)].join('; ') || '—';
}

function names(entries: CallDetail['callLog']['entries'], kind: string): string {
  return [...new Set(entries.filter((e) => e.kind === kind).map((e) => e.name))].join(', ') || '—';
}

/**
 * Who was on the line and when: the channel, the actual start and end, who joined, listened and
 * verified, then every entry in order. A form to add entries (the secretariat on a secure line)
 * comes in as `children`.
 */
export function CallLogPanel({
  call,
  zone,
  children,
}: {
  call: CallDetail;
  zone: string;
  children?: ReactNode;
}) {
  const log = call.callLog;
  const minutes =
    log.actualStart && log.actualEnd
      ? Math.max(1, Math.round((Date.parse(log.actualEnd) - Date.parse(log.actualStart)) / 60_000))
      : null;
  return (
    <section className="panel" aria-labelledby="call-log">
      <h2 id="call-log">Call log</h2>
      <dl className="facts">
        <dt>Channel</dt>
        <dd>{channelLabel(log.channel)}</dd>
        <dt>Started</dt>
        <dd>{log.actualStart ? when(log.actualStart, zone) : 'Not yet'}</dd>
        <dt>Ended</dt>
        <dd>
          {log.actualEnd ? when(log.actualEnd, zone) : log.actualStart ? 'Still on the line' : '—'}
          {minutes !== null && ` (${minutes} minute${minutes === 1 ? '' : 's'})`}
        </dd>
        {log.channel !== 'off_channel' && (
          <>
            <dt>Joined</dt>
            <dd>{names(log.entries, 'joined')}</dd>
            <dt>Listened</dt>
            <dd>{names(log.entries, 'listened')}</dd>
            <dt>Verified the code</dt>
            <dd data-testid="verified-pairs">{verifiedPairs(log.entries)}</dd>
          </>
        )}
      </dl>
      {log.channel === 'off_channel' && (
        <p className="meta">
          Held outside Hotline: the system recorded nobody on the line; the participants under “The call” are
          as logged.
        </p>
      )}
      {log.entries.length > 0 && (
        <table className="table" aria-labelledby="call-log">
          <thead>
            <tr>
              <th scope="col">When (your time)</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {log.entries.map((e) => (
              <tr key={`${e.at}-${e.name}-${e.kind}-${e.detail ?? ''}`}>
                <td data-label="When">{when(e.at, zone)}</td>
                <th scope="row">{e.name}</th>
                <td data-label="What">{KIND_WORDS[e.kind] ?? e.kind}</td>
                <td data-label="Detail" className={e.detail?.includes('MISMATCH') ? 'urgent' : undefined}>
                  {e.detail ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log.entries.length === 0 && log.channel !== 'off_channel' && (
        <p className="meta">Nobody is recorded on the line yet.</p>
      )}
      {children}
    </section>
  );
}
