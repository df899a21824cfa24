import type { CallsDashboard } from '@hotline/contract';
import { useEffect, useState } from 'react';
import { get } from '../api';
import { Alert, Link, Loading, PageHeader } from '../components';
import { useZone } from '../session';
import { channelLabel, when } from './format';

type Dashboard = CallsDashboard;

/** Memcons and readouts past their deadlines, drawn as a chart. */
export function DashboardPage() {
  const zone = useZone();
  const [d, setD] = useState<Dashboard | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<Dashboard>('/api/v1/calls/dashboard').then(setD, setError);
  }, []);
  const max = Math.max(1, ...(d?.items.map((i) => Math.abs(i.daysOverdue)) ?? [1]));
  return (
    <>
      <PageHeader title="Overdue records" />
      <Alert error={error} />
      {!d && !error && <Loading />}
      {d && (
        <>
          <p className="meta">
            Policy: a memcon is due {d.policy.memconDeadlineDays} days after the call ends; a readout{' '}
            {d.policy.readoutDeadlineDays} days after the memcon is final.
          </p>
          <section className="panel" aria-labelledby="totals">
            <h2 id="totals">Totals</h2>
            <svg
              width="100%"
              height="110"
              viewBox="0 0 600 110"
              role="img"
              aria-label={`Memcons: ${d.memcons.overdue} overdue, ${d.memcons.pending} pending. Readouts: ${d.readouts.overdue} overdue, ${d.readouts.pending} pending.`}
            >
              {(
                [
                  ['Memcons', d.memcons],
                  ['Readouts', d.readouts],
                ] as const
              ).map(([label, v], i) => {
                const total = Math.max(1, v.overdue + v.pending);
                const w = 440;
                return (
                  <g key={label} transform={`translate(0 ${10 + i * 50})`}>
                    <text x="0" y="22" fontSize="14" fontWeight="700" fill="#0b2545">
                      {label}
                    </text>
                    <rect x="100" y="6" width={(w * v.overdue) / total} height="24" fill="#b3261e" />
                    <rect
                      x={100 + (w * v.overdue) / total}
                      y="6"
                      width={(w * v.pending) / total}
                      height="24"
                      fill="#8aa6c8"
                    />
                    <text x="550" y="23" fontSize="13" fill="#1b2330">
                      {v.overdue} overdue · {v.pending} due
                    </text>
                  </g>
                );
              })}
            </svg>
          </section>
          <section className="panel" aria-labelledby="items">
            <h2 id="items">By call</h2>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Call</th>
                  <th scope="col">Record</th>
                  <th scope="col">Due (your time, {zone})</th>
                  <th scope="col">Overdue</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((i) => (
                  <tr key={`${i.callId}-${i.kind}`}>
                    <th scope="row">
                      <Link to={`/calls/${i.callId}`}>{i.counterpartLeader}</Link>
                      {i.channel === 'off_channel' && (
                        <span className="state state-alarm">{channelLabel(i.channel)}</span>
                      )}
                    </th>
                    <td data-label="Record">{i.kind}</td>
                    <td data-label="Due">{when(i.dueAt, zone)}</td>
                    <td data-label="Overdue">
                      <svg width="160" height="14" aria-hidden="true">
                        <rect
                          width={(150 * Math.max(0, i.daysOverdue)) / max}
                          height="14"
                          fill={i.daysOverdue >= 0 ? '#b3261e' : '#8aa6c8'}
                        />
                      </svg>{' '}
                      {i.daysOverdue > 0 ? (
                        <strong>
                          overdue by {i.daysOverdue} day{i.daysOverdue === 1 ? '' : 's'}
                        </strong>
                      ) : i.daysOverdue === 0 ? (
                        <strong>overdue (less than a day)</strong>
                      ) : (
                        `due in ${-i.daysOverdue} day${i.daysOverdue === -1 ? '' : 's'}`
                      )}
                    </td>
                  </tr>
                ))}
                {d.items.length === 0 && (
                  <tr>
                    <td colSpan={4}>Nothing due.</td>
                  </tr>
                )}
              </tbody>
            </table>
          </section>
        </>
      )}
    </>
  );
}
