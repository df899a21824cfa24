import type { Office, User } from '@hotline/contract';
import { useEffect, useState } from 'react';
import { get } from '../api';
import { Alert, Loading, PageHeader, RoleBadge } from '../components';
import { useSession } from '../session';

function localTime(zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
    timeZoneName: 'short',
  }).format(new Date());
}

export function DirectoryPage() {
  const [offices, setOffices] = useState<Office[] | null>(null);
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { me } = useSession();
  const mine = me?.office.id;

  useEffect(() => {
    Promise.all([get<Office[]>('/api/v1/offices'), get<User[]>('/api/v1/users')]).then(([o, u]) => {
      // Your own office first, then the others by name.
      setOffices([...o].sort((a, b) => Number(b.id === mine) - Number(a.id === mine)));
      setUsers(u);
    }, setError);
  }, [mine]);

  return (
    <>
      <PageHeader title="Directory" />
      <Alert error={error} />
      {!offices && !error && <Loading what="Loading the directory" />}
      {offices?.map((o) => {
        const people = users?.filter((u) => u.officeId === o.id) ?? [];
        return (
          <section key={o.id} className="panel" aria-labelledby={`office-${o.id}`}>
            <header className="panel-header">
              <h2 id={`office-${o.id}`}>{o.name}</h2>
              <p className="meta">
                {o.leaderTitle} {o.leaderName} · {o.country} · {o.timeZone} · now {localTime(o.timeZone)}
              </p>
            </header>
            <table className="table">
              <caption className="visually-hidden">People in {o.name}</caption>
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
                    <td>{u.title}</td>
                    <td>
                      {u.roles.map((r) => (
                        <RoleBadge key={r} role={r} />
                      ))}
                    </td>
                    <td>
                      {u.status === 'active' ? 'Active' : u.status === 'invited' ? 'Invited' : 'Disabled'}
                    </td>
                  </tr>
                ))}
                {people.length === 0 && (
                  <tr>
                    <td colSpan={4}>No people yet.</td>
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
