import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, get } from '../api';
import { Alert, Field, Link, Loading, useDocumentTitle } from '../components';
import { registerFromInvite } from '../passkeys';
import { useSession } from '../session';
import { when } from '../time';
import type { InviteInfo } from '../types';

/** /app/invite/:token: a person creates their first passkey from the one-time link. */
export function InvitePage({ token }: { token: string }) {
  const { completeSignIn } = useSession();
  const [info, setInfo] = useState<InviteInfo | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState(defaultPasskeyName);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<InviteInfo>(`/api/v1/invites/${encodeURIComponent(token)}`).then(setInfo, setLoadError);
  }, [token]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await registerFromInvite(token, name.trim() || defaultPasskeyName());
      // A newcomer starts in the directory: who is who, in their office and the others.
      await completeSignIn('/directory');
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const refusal = loadError instanceof ApiError ? loadError : null;
  const title = refusal ? inviteRefusalTitle(refusal.code) : 'Create your passkey';
  useDocumentTitle(title);
  return (
    <section className="signin-card" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      {loadError ? (
        <>
          <Alert error={loadError} />
          <p>
            <Link to="/sign-in">Go to sign-in</Link>
          </p>
        </>
      ) : null}
      {!info && !loadError && <Loading what="Checking your invite" />}
      {info && (
        <>
          <p className="lede">
            Welcome, <strong>{info.displayName}</strong>. You have been invited to Hotline as a member of the{' '}
            <strong>{info.officeName}</strong>.
          </p>
          <dl className="facts facts-compact">
            <dt>Email</dt>
            <dd>{info.email}</dd>
            <dt>Link valid until</dt>
            <dd>{when(info.expiresAt)}</dd>
          </dl>
          <p className="hint">
            A passkey replaces a password. It stays on this device and is unlocked with your fingerprint, face
            or device PIN. This link works once.
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
                autoComplete="off"
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
  );
}

function inviteRefusalTitle(code: string): string {
  if (code === 'invite_used') return 'This invite has been used';
  if (code === 'invite_expired') return 'This invite has expired';
  if (code === 'invite_not_found') return 'This invite link is not valid';
  return 'This invite cannot be used';
}

function defaultPasskeyName(): string {
  const ua = navigator.userAgent;
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Mac OS X/.test(ua)
      ? /iPhone|iPad/.test(ua)
        ? 'iPhone or iPad'
        : 'Mac'
      : /Android/.test(ua)
        ? 'Android'
        : /Linux/.test(ua)
          ? 'Linux'
          : 'This device';
  return os === 'This device' ? os : `${os} device`;
}
