import { startAuthentication } from '@simplewebauthn/browser';
import { useEffect, useState } from 'react';
import { get, post } from '../api';
import { Alert, RoleBadge } from '../components';
import { navigate } from '../router';
import { useSession } from '../session';

interface Persona {
  userId: string;
  displayName: string;
  title: string;
  roles: string[];
  officeName: string;
  officeSlug: string;
}

export function SignInPage() {
  const { meta, refresh, notice, setNotice } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function signInWithPasskey() {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const { challengeId, options } = await post<{ challengeId: string; options: never }>(
        '/api/v1/auth/login/options',
        {},
      );
      const response = await startAuthentication({ optionsJSON: options });
      await post('/api/v1/auth/login/verify', { challengeId, response });
      await refresh();
      navigate('/directory', true);
    } catch (err) {
      setError(
        err instanceof Error && err.name === 'NotAllowedError'
          ? new Error('Sign-in was cancelled or timed out. Try again.')
          : err,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="signin">
      <section className="signin-card" aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Hotline</h1>
        <p className="lede">
          Secure calls and records for leaders and their offices. Sign in with the passkey on this device.
        </p>
        {notice && <Alert error={notice} kind="info" />}
        <Alert error={error} />
        <button
          type="button"
          className="btn btn-primary btn-large"
          onClick={signInWithPasskey}
          disabled={busy}
        >
          {busy ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
        </button>
        <p className="hint">
          New here? Open the one-time invite link your administrator sent you to create a passkey.
        </p>
      </section>
      {meta?.demo && <DemoChooser />}
    </div>
  );
}

function DemoChooser() {
  const { refresh } = useSession();
  const [personas, setPersonas] = useState<Persona[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    get<Persona[]>('/api/v1/demo/personas').then(setPersonas, setError);
  }, []);

  async function choose(p: Persona) {
    setError(null);
    try {
      await post('/api/v1/demo/sign-in', { userId: p.userId });
      await refresh();
      navigate('/', true);
    } catch (err) {
      setError(err);
    }
  }

  const offices = new Map<string, Persona[]>();
  for (const p of personas ?? []) offices.set(p.officeName, [...(offices.get(p.officeName) ?? []), p]);

  return (
    <section className="demo" aria-labelledby="demo-title">
      <h2 id="demo-title">Demo: sign in as…</h2>
      <p className="hint">This server runs in demo mode. Pick a persona to see Hotline through their role.</p>
      <Alert error={error} />
      <div className="demo-offices">
        {[...offices].map(([office, people]) => (
          <section key={office} className="demo-office" aria-label={office}>
            <h3>{office}</h3>
            <ul>
              {people.map((p) => (
                <li key={p.userId}>
                  <button
                    type="button"
                    className="persona"
                    onClick={() => void choose(p)}
                    aria-label={`Sign in as ${p.displayName}, ${p.title}`}
                  >
                    <span className="persona-name">Sign in as {p.displayName}</span>
                    <span className="persona-title">{p.title}</span>
                    <span>
                      {p.roles.map((r) => (
                        <RoleBadge key={r} role={r} />
                      ))}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </section>
  );
}
