import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { get } from '../api';
import { Alert, Field, Loading, PageHeader, RoleBadge } from '../components';
import { NotificationChoices } from '../notifications';
import { addPasskey } from '../passkeys';
import { useSession } from '../session';
import { when } from '../time';
import type { Passkey } from '../types';
import { OwnSessions } from './sessions';

export function ProfilePage() {
  const { me } = useSession();
  const [keys, setKeys] = useState<Passkey[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [name, setName] = useState('Another device');
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => get<Passkey[]>('/api/v1/me/passkeys').then(setKeys, setError), []);
  useEffect(() => {
    void load();
  }, [load]);

  async function add(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    setBusy(true);
    try {
      await addPasskey(name.trim() || 'Another device');
      setDone(`Passkey “${name.trim() || 'Another device'}” added. You can now sign in with it.`);
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!me) return null;
  return (
    <>
      <PageHeader title="Your profile" />
      <section className="panel" aria-label="Your details">
        <dl className="facts">
          <dt>Name</dt>
          <dd>{me.user.displayName}</dd>
          <dt>Title</dt>
          <dd>{me.user.title}</dd>
          <dt>Office</dt>
          <dd>{me.office.name}</dd>
          <dt>Email</dt>
          <dd>{me.user.email}</dd>
          <dt>Time zone</dt>
          <dd>{me.user.timeZone}</dd>
          <dt>Roles</dt>
          <dd>
            {me.user.roles.map((r) => (
              <RoleBadge key={r} role={r} />
            ))}
          </dd>
          <dt>Session</dt>
          <dd>
            {me.session.method === 'demo' ? 'Demo sign-in' : 'Passkey'}, until {when(me.session.expiresAt)}
          </dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="passkeys-title">
        <h2 id="passkeys-title">Passkeys</h2>
        {!keys && !error && <Loading what="Loading passkeys" />}
        {keys && keys.length === 0 && (
          <p>No passkeys yet{me.session.method === 'demo' ? ' (demo personas sign in without one)' : ''}.</p>
        )}
        {keys && keys.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Added</th>
                <th scope="col">Last used</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <th scope="row">{k.name}</th>
                  <td>
                    {k.backupEligible ? 'Synced passkey' : 'Device-bound'} · {k.authenticator}
                    {!k.allowed && (
                      <>
                        <br />
                        <span className="tag">Not allowed for your role</span> {k.refusal}
                      </>
                    )}
                  </td>
                  <td>{when(k.createdAt)}</td>
                  <td>{k.lastUsedAt ? when(k.lastUsedAt) : 'Never'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form className="inline-form" onSubmit={add}>
          <Field label="Name for a new passkey" id="new-passkey-name">
            <input
              id="new-passkey-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={100}
              autoComplete="off"
            />
          </Field>
          <button type="submit" className="btn" disabled={busy}>
            {busy ? 'Waiting for your device…' : 'Add a passkey'}
          </button>
        </form>
        <Alert error={error} />
        <Alert error={done} kind="success" />
      </section>
      <NotificationChoices />
      <OwnSessions />
    </>
  );
}
