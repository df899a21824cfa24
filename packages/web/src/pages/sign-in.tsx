import { useEffect, useState } from 'react';
import { get, post } from '../api';
import { Alert, Loading, RoleBadge, useDocumentTitle } from '../components';
import { signInWithPasskey } from '../passkeys';
import { useSession } from '../session';
import type { DemoPersona } from '../types';

export function SignInPage() {
  const { meta, notice, completeSignIn } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useDocumentTitle('Sign in');

  async function signIn() {
    setBusy(true);
    setError(null);
    try {
      await signInWithPasskey();
      await completeSignIn();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <>
      <section className="signin-card" aria-labelledby="page-title">
        <h1 id="page-title" tabIndex={-1}>
          Sign in to Hotline
        </h1>
        <p className="lede">
          The secure channel for leader calls and their records. Sign in with the passkey on this device.
        </p>
        {notice && <Alert error={notice} kind="info" />}
        <Alert error={error} />
        <button
          type="button"
          className="btn btn-primary btn-large"
          onClick={() => void signIn()}
          disabled={busy}
        >
          {busy ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
        </button>
        <p className="hint">
          New to Hotline? Open the one-time invite link your administrator sent you to create your passkey.
        </p>
      </section>
      {meta?.demo && <DemoChooser />}
    </>
  );
}

/** One-click sign-in as a seeded persona. Rendered only when the server says demo mode is on. */
function DemoChooser() {
  const { completeSignIn } = useSession();
  const [personas, setPersonas] = useState<DemoPersona[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    get<DemoPersona[]>('/api/v1/demo/personas').then(setPersonas, setError);
  }, []);

  async function choose(p: DemoPersona) {
    setError(null);
    setBusy(p.userId);
    try {
      await post('/api/v1/demo/sign-in', { userId: p.userId });
      await completeSignIn();
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  }

  // Group by office, keeping the server's order of offices and of people within them.
  const offices = new Map<string, DemoPersona[]>();
  for (const p of personas ?? []) offices.set(p.officeName, [...(offices.get(p.officeName) ?? []), p]);

  return (
    <section className="demo" aria-labelledby="demo-title">
      <h2 id="demo-title">Demo: sign in as…</h2>
      <p className="hint">
        This server runs in demo mode with made-up data. Pick a person to see Hotline through their roles.
      </p>
      <Alert error={error} />
      {!personas && !error && <Loading what="Loading demo personas" />}
      <div className="demo-offices">
        {[...offices].map(([office, people]) => (
          <section key={office} className="demo-office" aria-labelledby={`demo-${people[0]!.officeSlug}`}>
            <h3 id={`demo-${people[0]!.officeSlug}`}>{office}</h3>
            <ul>
              {people.map((p) => (
                <li key={p.userId}>
                  <button
                    type="button"
                    className="persona"
                    onClick={() => void choose(p)}
                    disabled={busy !== null}
                  >
                    {/* The name is all the visible text (WCAG 2.5.3), read with pauses between parts. */}
                    <span className="persona-name">
                      {busy === p.userId ? `Signing in as ${p.displayName}…` : `Sign in as ${p.displayName}`}
                    </span>
                    <span className="visually-hidden">, </span>
                    <span className="persona-detail">
                      <span className="persona-title">{p.title}</span>
                      <span className="visually-hidden">, </span>
                      <span className="persona-roles">
                        {p.roles.map((r) => (
                          <RoleBadge key={r} role={r} />
                        ))}
                      </span>
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
