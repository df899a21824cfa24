import type { QueueItem } from '@hotline/contract';
import { useCallback, useEffect, useState } from 'react';
import { get, getAllPages, post } from '../api';
import { Alert, Link, Loading, PageHeader } from '../components';
import { can, useSession, useZone } from '../session';
import { dayOf, when } from '../time';
import { ComplianceItems } from './item-list';
import { ImportPanel, RegistryPanel } from './registry';

interface Summary {
  total: number;
  byStatus: Record<string, number>;
  byPerson: Record<string, Record<string, number>>;
  byMonth: { month: string; counts: Record<string, number> }[];
  dueSoon: {
    itemId: string;
    owner: string;
    account: string;
    subject: string | null;
    kind: string;
    daysLeft: number;
  }[];
  alerts: {
    kind: 'off_channel' | 'attempted';
    callId: string | null;
    capturedItemId: string;
    leader: string;
    number: string;
    at: string;
    state: string | null;
  }[];
}
interface Leak {
  itemId: string;
  kind: string;
  account: string;
  at: string;
  place: string | null;
  points: { lat: number; lon: number }[];
}
interface Sources {
  account: string;
  sources: {
    source: string;
    posts: number;
    flagged: number;
    flaggedShare: number;
    byMonth: Record<string, number>;
  }[];
}

const STATUSES: [string, string, string][] = [
  ['overdue', 'Overdue', '#b3261e'],
  ['due', 'Due', '#d08a00'],
  ['needs-classification', 'Needs classification', '#6b4fa1'],
  ['compliant-copied', 'Copied at creation', '#1f6f43'],
  ['late', 'Late', '#a3542a'],
  ['compliant-forwarded', 'Forwarded in time', '#4f9a6d'],
  ['compliant-captured', 'Captured in time', '#5f8f7a'],
  ['not-applicable', 'Not applicable', '#9aa6b5'],
];

/** The records officer's view: the 20-day rule (44 U.S.C. 2209) at a glance, and the classification queue. */
export function RecordsPage() {
  const { me } = useSession();
  const zone = useZone();
  const [s, setS] = useState<Summary | null>(null);
  const [queue, setQueue] = useState<QueueItem[] | null>(null);
  const [leaks, setLeaks] = useState<Leak[]>([]);
  const [sources, setSources] = useState<Sources[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setS(await get<Summary>('/api/v1/capture/compliance'));
      setLeaks(await get<Leak[]>('/api/v1/capture/location-leaks'));
      setSources(await get<Sources[]>('/api/v1/capture/sources'));
      // The whole queue, a page at a time (a real export holds tens of thousands of items).
      if (can(me, 'capture.review')) setQueue(await getAllPages<QueueItem>('/api/v1/capture/queue'));
    } catch (err) {
      setError(err);
    }
  }, [me]);
  useEffect(() => {
    void load();
  }, [load]);

  async function classify(item: QueueItem, category: 'presidential' | 'personal') {
    setError(null);
    try {
      const r = await post<{ recordSeq: number; previous: string }>(
        `/api/v1/capture/items/${item.id}/classify`,
        {
          category,
          reason: `Classified ${category} by the records officer.`,
        },
      );
      const was = r.previous === 'unknown' ? 'unclassified' : r.previous;
      setNotice(
        `Classified ${item.kind} "${item.summary.subject ?? item.summary.number ?? '—'}" of ${item.identifier} as ${category} (was ${was}); the decision is log entry ${r.recordSeq}. It has left the queue.`,
      );
      await load();
    } catch (err) {
      setError(err);
    }
  }

  const maxMonth = Math.max(
    1,
    ...(s?.byMonth.map((m) => Object.values(m.counts).reduce((a, b) => a + b, 0)) ?? [1]),
  );
  return (
    <>
      <PageHeader title="Records: the 20-day rule">
        <a className="btn" href="/api/v1/capture/compliance.csv" download>
          Export CSV
        </a>
      </PageHeader>
      <p className="meta">
        Presidential records made on personal accounts must copy an official account at creation, or reach one
        in complete copy within 20 days (44 U.S.C. 2209). Days are calendar days in the office's time zone.
      </p>
      <Alert error={error} />
      <Alert error={notice} kind="success" />
      {!s && !error && <Loading what="Computing compliance" />}
      {s && (
        <>
          <section className="panel" aria-labelledby="by-status">
            <h2 id="by-status">By status ({s.total} captured items)</h2>
            <ul className="tiles">
              {STATUSES.map(([k, label, color]) => (
                <li key={k} className="tile">
                  <span className="tile-swatch" style={{ background: color }} aria-hidden="true" />
                  <span className="tile-count">{s.byStatus[k] ?? 0}</span> {label}
                </li>
              ))}
            </ul>
          </section>
          <section className="panel" aria-labelledby="over-time">
            <h2 id="over-time">Over time (by month created)</h2>
            <svg
              width="100%"
              height={40 + s.byMonth.length * 30}
              viewBox={`0 0 640 ${40 + s.byMonth.length * 30}`}
              role="img"
              aria-label="Captured items per month, by status"
            >
              {s.byMonth.map((m, i) => {
                let x = 90;
                return (
                  <g key={m.month} transform={`translate(0 ${10 + i * 30})`}>
                    <text x="0" y="16" fontSize="13" fill="#1b2330">
                      {m.month}
                    </text>
                    {STATUSES.map(([k, label, color]) => {
                      const n = m.counts[k] ?? 0;
                      const w = (500 * n) / maxMonth;
                      const rect = n ? (
                        <rect key={k} x={x} y="2" width={w} height="20" fill={color}>
                          <title>{`${label}: ${n}`}</title>
                        </rect>
                      ) : null;
                      x += w;
                      return rect;
                    })}
                  </g>
                );
              })}
            </svg>
          </section>
          <ComplianceItems zone={zone} people={Object.keys(s.byPerson)} />
          <div className="call-grid">
            <section className="panel" aria-labelledby="due-soon">
              <h2 id="due-soon">Due in the next 5 days</h2>
              {s.dueSoon.length === 0 ? (
                <p>Nothing falls due in the next 5 days.</p>
              ) : (
                <ul className="plain">
                  {s.dueSoon.map((d) => (
                    <li key={d.itemId}>
                      <strong>
                        {d.daysLeft === 0 ? 'Today' : `${d.daysLeft} day${d.daysLeft === 1 ? '' : 's'}`}
                      </strong>{' '}
                      — {d.owner}, {d.kind} “
                      {d.subject ?? (d.kind.startsWith('tweet') ? 'a post' : '(no subject)')}” from{' '}
                      {d.account}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section className="panel" aria-labelledby="by-person">
              <h2 id="by-person">By person</h2>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Person</th>
                    <th scope="col">Overdue</th>
                    <th scope="col">Due</th>
                    <th scope="col">Late</th>
                    <th scope="col">Compliant</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(s.byPerson).map(([p, c]) => (
                    <tr key={p}>
                      <th scope="row">{p}</th>
                      <td data-label="Overdue" className={c.overdue ? 'urgent' : ''}>
                        {c.overdue ?? 0}
                      </td>
                      <td data-label="Due">{c.due ?? 0}</td>
                      <td data-label="Late">{c.late ?? 0}</td>
                      <td data-label="Compliant">
                        {(c['compliant-copied'] ?? 0) +
                          (c['compliant-forwarded'] ?? 0) +
                          (c['compliant-captured'] ?? 0)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
          <section className="panel" aria-labelledby="alerts">
            <h2 id="alerts">Off-channel contact detected</h2>
            {s.alerts.length === 0 ? (
              <p>No off-channel contact found in captured phone records.</p>
            ) : (
              <ul className="plain">
                {s.alerts.map((a) =>
                  a.kind === 'attempted' ? (
                    <li key={a.capturedItemId} className="alert">
                      {when(a.at, zone)}: attempted contact from <strong>{a.leader}</strong> ({a.number}) on a
                      personal account: a missed, rejected or blocked call. No memcon needed.
                    </li>
                  ) : (
                    <li key={a.capturedItemId} className="alert alert-error">
                      {when(a.at, zone)}: contact with <strong>{a.leader}</strong> ({a.number}) on a personal
                      account, with no official call on record.{' '}
                      {a.callId && <Link to={`/calls/${a.callId}`}>Open the call (memcon required)</Link>}
                    </li>
                  ),
                )}
              </ul>
            )}
          </section>
        </>
      )}
      {(leaks.length > 0 || sources.length > 0) && (
        <div className="call-grid">
          <section className="panel" aria-labelledby="leaks">
            <h2 id="leaks">Location leaks ({leaks.length})</h2>
            <p className="meta">Posts with geo or place data, and photos whose EXIF carries GPS.</p>
            <ul className="plain">
              {leaks.map((l) => (
                <li key={l.itemId}>
                  {dayOf(l.at, zone)} · {l.account} · {l.place ?? ''}{' '}
                  {l.points.map((p) => (
                    <code key={`${p.lat},${p.lon}`}>
                      {p.lat.toFixed(4)}, {p.lon.toFixed(4)}
                    </code>
                  ))}
                </li>
              ))}
            </ul>
          </section>
          <section className="panel" aria-labelledby="sources">
            <h2 id="sources">Which device posted</h2>
            {sources.map((a) => {
              const months = [...new Set(a.sources.flatMap((x) => Object.keys(x.byMonth)))].sort();
              const maxCell = Math.max(1, ...a.sources.flatMap((x) => Object.values(x.byMonth)));
              const colors = ['#1d5fa8', '#d08a00', '#6b4fa1', '#1f6f43', '#b3261e'];
              const w = Math.max(24, Math.floor(260 / Math.max(1, months.length)));
              return (
                <figure key={a.account} className="timeline">
                  <figcaption>
                    {a.account}: posts per month by device (flagged share:{' '}
                    {a.sources.map((x) => `${x.source} ${Math.round(x.flaggedShare * 100)}%`).join(', ')})
                  </figcaption>
                  <svg
                    width="100%"
                    height="150"
                    viewBox={`0 0 ${40 + months.length * w} 150`}
                    role="img"
                    aria-label={`Posts per month by device for ${a.account}`}
                  >
                    {months.map((m, i) => {
                      let y = 120;
                      return (
                        <g key={m}>
                          {a.sources.map((x, k) => {
                            const n = x.byMonth[m] ?? 0;
                            const h = (100 * n) / (maxCell * a.sources.length);
                            y -= h;
                            return n ? (
                              <rect
                                key={x.source}
                                x={30 + i * w}
                                y={y}
                                width={w - 4}
                                height={h}
                                fill={colors[k % colors.length]}
                              >
                                <title>{`${m} · ${x.source}: ${n}`}</title>
                              </rect>
                            ) : null;
                          })}
                          <text x={30 + i * w} y="138" fontSize="10" fill="#4d5766">
                            {m.slice(2)}
                          </text>
                        </g>
                      );
                    })}
                  </svg>
                  <ul className="timeline-legend">
                    {a.sources.map((x, k) => (
                      <li key={x.source}>
                        <svg width="12" height="12" aria-hidden="true">
                          <rect width="12" height="12" fill={colors[k % colors.length]} />
                        </svg>{' '}
                        {x.source} ({x.posts})
                      </li>
                    ))}
                  </ul>
                </figure>
              );
            })}
          </section>
        </div>
      )}
      <ImportPanel onDone={() => void load()} />
      <RegistryPanel />
      {queue && (
        <section className="panel" aria-labelledby="queue">
          <h2 id="queue">Classification queue ({queue.length})</h2>
          <p className="meta">
            Presidential or personal, as 44 U.S.C. 2203(b) requires. Each decision is a record in the log. For
            many items at once, write a <Link to="/records/rules">classification rule</Link>.
          </p>
          {queue.length === 0 ? (
            <p>Nothing waits for classification.</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Item</th>
                  <th scope="col">Account</th>
                  <th scope="col">When</th>
                  <th scope="col">Decision</th>
                </tr>
              </thead>
              <tbody>
                {queue.map((q) => (
                  <tr key={q.id}>
                    <th scope="row">
                      {q.kind}: {q.summary.subject ?? q.summary.number ?? '—'}
                    </th>
                    <td data-label="Account">
                      {q.identifier} ({q.display_name})
                    </td>
                    <td data-label="When">{when(q.occurred_at, zone)}</td>
                    <td data-label="Decision">
                      <div className="btn-row">
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() => void classify(q, 'presidential')}
                        >
                          Presidential
                        </button>
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() => void classify(q, 'personal')}
                        >
                          Personal
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </>
  );
}
