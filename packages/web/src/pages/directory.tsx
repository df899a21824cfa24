import { ROLE_LABELS } from '@hotline/contract/roles';
import { useEffect, useState } from 'react';
import { get } from '../api';
import { Alert, Loading, PageHeader, RoleBadge } from '../components';
import { VouchedBy } from '../offices';
import { useSession } from '../session';
import { when } from '../time';
import type { Office, User } from '../types';

const STATUS_LABELS: Record<User['status'], string> = {
  active: 'Active',
  invited: 'Invited',
  disabled: 'Disabled',
};

/** The office's local time now, labelled with its zone: "Tue 10 Mar 2026, 9:45 a.m. EST". */
function localTime(zone: string, now: Date): string {
  return when(now, zone);
}

/** The time now, updated every 30 seconds, for the offices' local clocks. */
function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

function matches(u: User, q: string): boolean {
  if (!q) return true;
  const hay = [u.displayName, u.title, u.email, ...u.roles.map((r) => ROLE_LABELS[r])].join(' ');
  return hay.toLowerCase().includes(q.toLowerCase());
}

export function DirectoryPage() {
  const [offices, setOffices] = useState<Office[] | null>(null);
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [query, setQuery] = useState('');
  const { me } = useSession();
  const mine = me?.office.id;
  const now = useNow();

  useEffect(() => {
    Promise.all([get<Office[]>('/api/v1/offices'), get<User[]>('/api/v1/users')]).then(([o, u]) => {
      // Your own office first, then the others in the server's order (by name).
      setOffices([...o].sort((a, b) => Number(b.id === mine) - Number(a.id === mine)));
      setUsers(u);
    }, setError);
  }, [mine]);

  const shown = users?.filter((u) => matches(u, query.trim())) ?? [];
  return (
    <>
      <PageHeader title="Directory">
        {users && (
          <div className="search">
            <label htmlFor="directory-filter">Filter people</label>
            <input
              id="directory-filter"
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="Name, title or role"
            />
          </div>
        )}
      </PageHeader>
      <Alert error={error} />
      {!offices && !error && <Loading what="Loading the directory" />}
      {offices && users && (
        <p className="meta" aria-live="polite">
          {offices.length} {offices.length === 1 ? 'office' : 'offices'} ·{' '}
          {query.trim()
            ? `${shown.length} of ${users.length} ${users.length === 1 ? 'person' : 'people'} match`
            : `${users.length} ${users.length === 1 ? 'person' : 'people'}`}
        </p>
      )}
      {offices?.map((o) => {
        const people = shown.filter((u) => u.officeId === o.id);
        if (query.trim() && people.length === 0) return null;
        return (
          <section key={o.id} className="panel" aria-labelledby={`office-${o.id}`}>
            <header className="panel-header office-header">
              <div>
                <h2 id={`office-${o.id}`}>{o.name}</h2>
                <p className="meta">
                  {o.leaderTitle} {o.leaderName} · <abbr title="Country (ISO 3166-1)">{o.country}</abbr>
                  {o.id === mine && <span className="tag">Your office</span>}
                </p>
                <p className="meta">
                  <VouchedBy office={o} offices={offices} />
                </p>
              </div>
              <p className="clock">
                <span className="clock-time">{localTime(o.timeZone, now)}</span>
                <span className="clock-zone">{o.timeZone.replace(/_/g, ' ')}</span>
              </p>
            </header>
            <table className="table">
              <caption className="visually-hidden">People in the {o.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Title</th>
                  <th scope="col">Roles</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {people.map((u) => (
                  <tr key={u.id}>
                    <th scope="row">{u.displayName}</th>
                    <td data-label="Title">{u.title}</td>
                    <td data-label="Roles">
                      {u.roles.map((r) => (
                        <RoleBadge key={r} role={r} />
                      ))}
                    </td>
                    <td data-label="Status">
                      <span className={`status status-${u.status}`}>{STATUS_LABELS[u.status]}</span>
                    </td>
                  </tr>
                ))}
                {people.length === 0 && (
                  <tr>
                    <td colSpan={4} className="empty">
                      No people in this office yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </section>
        );
      })}
    </>
  );
}
