import type { CallSummary } from '@hotline/contract';
import { useEffect, useState } from 'react';
import { get } from '../api';
import { Alert, Link, Loading, PageHeader } from '../components';
import { useSession, useZone } from '../session';
import { clockTime, longDay } from '../time';
import { channelLabel, STATE_LABELS, StateBadge, when } from './format';

function useCalls(scope: 'inbox' | 'upcoming' | 'all', state = '') {
  const [calls, setCalls] = useState<CallSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const q = new URLSearchParams({ scope, ...(state ? { state } : {}) });
    // An answer for a state the person has since left is dropped (an older, slower answer never
    // replaces the list now asked for).
    let current = true;
    get<CallSummary[]>(`/api/v1/calls?${q}`).then(
      (r) => current && setCalls(r),
      (err: unknown) => current && setError(err),
    );
    return () => {
      current = false;
    };
  }, [scope, state]);
  return { calls, error };
}

function CallTable({ calls, zone }: { calls: CallSummary[]; zone: string }) {
  if (calls.length === 0) return <p>Nothing here.</p>;
  return (
    <table className="table table-stack">
      <thead>
        <tr>
          <th scope="col">Call</th>
          <th scope="col">State</th>
          <th scope="col">Urgency</th>
          <th scope="col">When (your time)</th>
          <th scope="col">Deadlines</th>
        </tr>
      </thead>
      <tbody>
        {calls.map((c) => (
          <tr key={c.id}>
            <th scope="row">
              <Link to={`/calls/${c.id}`}>{c.counterpartLeader}</Link>
              <div className="meta">
                {c.ownerOfficeName} · {c.topics.join(', ')}
              </div>
              {c.needed && c.needed.length > 0 && (
                <ul className="plain needed" aria-label="Needed from you">
                  {c.needed.map((n) => (
                    <li key={n.step}>
                      <strong>{n.step}</strong>
                      {n.by ? `, by ${when(n.by, zone)}` : ', no deadline'}
                    </li>
                  ))}
                </ul>
              )}
            </th>
            <td data-label="State">
              <StateBadge state={c.state} />
              {c.channel === 'off_channel' && (
                <span className="state state-alarm">{channelLabel(c.channel)}, logged after the fact</span>
              )}
            </td>
            {/* Off-channel contact was never requested: it has no urgency. */}
            <td
              data-label="Urgency"
              className={c.urgency === 'flash' && c.channel !== 'off_channel' ? 'urgent' : ''}
            >
              {c.channel === 'off_channel' ? '—' : c.urgency}
            </td>
            <td data-label="When">{when(c.scheduledStart, zone)}</td>
            <td data-label="Deadlines">
              {c.overdue.map((o) => (
                <span key={o} className="state state-alarm">
                  {o} overdue
                </span>
              ))}
              {c.overdue.length === 0 && c.memconDueAt && c.state === 'completed' && (
                <span className="meta">memcon due {when(c.memconDueAt, zone)}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function InboxPage() {
  const { me } = useSession();
  const { calls, error } = useCalls('inbox');
  const [state, setState] = useState('');
  const all = useCalls('all', state);
  return (
    <>
      <PageHeader title="Inbox">
        <p className="meta">Calls that need you now, and overdue records.</p>
      </PageHeader>
      <Alert error={error} />
      {!calls && !error && <Loading what="Loading your inbox" />}
      {calls && me && (
        <section className="panel" aria-labelledby="needs-me">
          <h2 id="needs-me">Needs you ({calls.length})</h2>
          <CallTable calls={calls} zone={me.user.timeZone} />
        </section>
      )}
      {all.calls && me && (
        <section className="panel" aria-labelledby="all-calls">
          <div className="office-header">
            <h2 id="all-calls">
              {state ? `${STATE_LABELS[state]} calls` : 'All calls'} of your office ({all.calls.length})
            </h2>
            <div className="search">
              <label htmlFor="state-filter">Show</label>
              <select id="state-filter" value={state} onChange={(e) => setState(e.target.value)}>
                <option value="">every state</option>
                {Object.entries(STATE_LABELS).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <Alert error={all.error} />
          <CallTable calls={all.calls} zone={me.user.timeZone} />
        </section>
      )}
    </>
  );
}

export function CalendarPage() {
  const zone = useZone();
  const { calls, error } = useCalls('upcoming');
  const days = new Map<string, CallSummary[]>();
  for (const c of calls ?? []) {
    const d = longDay(c.scheduledStart!, zone);
    days.set(d, [...(days.get(d) ?? []), c]);
  }
  return (
    <>
      <PageHeader title="Calendar">
        <p className="meta">Upcoming calls in your time zone ({zone}).</p>
      </PageHeader>
      <Alert error={error} />
      {!calls && !error && <Loading what="Loading the agenda" />}
      {calls?.length === 0 && <p>No upcoming calls.</p>}
      {[...days].map(([day, list]) => (
        <section key={day} className="panel agenda-day" aria-label={day}>
          <h2>{day}</h2>
          <ul className="agenda">
            {list.map((c) => (
              <li key={c.id}>
                <span className="agenda-time">{clockTime(c.scheduledStart!, zone)}</span>
                <span className="agenda-what">
                  <Link to={`/calls/${c.id}`}>{c.counterpartLeader}</Link> · {c.durationMin} min ·{' '}
                  {channelLabel(c.channel)} <StateBadge state={c.state} />
                </span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
