import { startRegistration } from '@simplewebauthn/browser';
import { type FormEvent, useEffect, useState } from 'react';
import { get, post } from '../api';
import { Alert, Field, Loading } from '../components';
import { navigate } from '../router';
import { useSession } from '../session';

interface InviteInfo {
  displayName: string;
  email: string;
  officeName: string;
  expiresAt: string;
}

export function InvitePage({ token }: { token: string }) {
  const { refresh } = useSession();
  const [info, setInfo] = useState<InviteInfo | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState('This device');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<InviteInfo>(`/api/v1/invites/${encodeURIComponent(token)}`).then(setInfo, setLoadError);
  }, [token]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { challengeId, options } = await post<{ challengeId: string; options: never }>(
        '/api/v1/auth/register/options',
        { inviteToken: token },
      );
      const response = await startRegistration({ optionsJSON: options });
      await post('/api/v1/auth/register/verify', {
        challengeId,
        inviteToken: token,
        response,
        passkeyName: name,
      });
      await refresh();
      navigate('/directory', true);
    } catch (err) {
      setError(
        err instanceof Error && err.name === 'NotAllowedError'
          ? new Error('Passkey creation was cancelled or timed out. Try again.')
          : err,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="signin">
      <section className="signin-card" aria-labelledby="invite-title">
        <h1 id="invite-title">Create your passkey</h1>
        {loadError ? <Alert error={loadError} /> : null}
        {!info && !loadError && <Loading what="Checking your invite" />}
        {info && (
          <>
            <p className="lede">
              Welcome, <strong>{info.displayName}</strong> ({info.email}). You have been invited to{' '}
              <strong>{info.officeName}</strong>.
            </p>
            <p className="hint">
              A passkey replaces a password: it stays on this device and is unlocked with your fingerprint,
              face or PIN. This link works once, until {new Date(info.expiresAt).toLocaleString()}.
            </p>
            <form onSubmit={submit}>
              <Field
                label="Name for this passkey"
                id="passkey-name"
                hint="So you can tell your devices apart later."
              >
                <input
                  id="passkey-name"
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  required
                  maxLength={100}
                />
              </Field>
              <Alert error={error} />
              <button type="submit" className="btn btn-primary btn-large" disabled={busy}>
                {busy ? 'Waiting for your device…' : 'Create my passkey'}
              </button>
            </form>
          </>
        )}
      </section>
    </div>
  );
}
