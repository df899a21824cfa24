import type { Passkey } from '@hotline/contract';
import { startRegistration } from '@simplewebauthn/browser';
import { useCallback, useEffect, useState } from 'react';
import { get, post } from '../api';
import { Alert, Field, Loading, PageHeader, RoleBadge } from '../components';
import { useSession } from '../session';

export function ProfilePage() {
  const { me } = useSession();
  const [keys, setKeys] = useState<Passkey[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [name, setName] = useState('Another device');

  const load = useCallback(() => get<Passkey[]>('/api/v1/me/passkeys').then(setKeys, setError), []);
  useEffect(() => {
    void load();
  }, [load]);

  async function addPasskey() {
    setError(null);
    setDone(null);
    try {
      const { challengeId, options } = await post<{ challengeId: string; options: never }>(
        '/api/v1/me/passkeys/options',
        {},
      );
      const response = await startRegistration({ optionsJSON: options });
      await post('/api/v1/me/passkeys/verify', { challengeId, response, passkeyName: name });
      setDone('Passkey added.');
      await load();
    } catch (err) {
      setError(err);
    }
  }

  if (!me) return null;
  return (
    <>
      <PageHeader title="Your profile" />
      <section className="panel">
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
            {me.session.method === 'demo' ? 'Demo sign-in' : 'Passkey'}, until{' '}
            {new Date(me.session.expiresAt).toLocaleString()}
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
                  <td>{k.deviceType === 'multiDevice' ? 'Synced passkey' : 'Device-bound'}</td>
                  <td>{new Date(k.createdAt).toLocaleString()}</td>
                  <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'Never'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="inline-form">
          <Field label="Name for a new passkey" id="new-passkey-name">
            <input
              id="new-passkey-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={100}
            />
          </Field>
          <button type="button" className="btn" onClick={() => void addPasskey()}>
            Add a passkey
          </button>
        </div>
        <Alert error={error} />
        <Alert error={done} kind="success" />
      </section>
    </>
  );
}
