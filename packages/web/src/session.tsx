import type { Permission } from '@hotline/contract/roles';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { api, get, onUnauthorized } from './api';
import { currentPath, navigate } from './router';
import { browserZone, setPersonZone } from './time';
import type { Me, Meta } from './types';

interface SessionState {
  me: Me | null;
  meta: Meta | null;
  loading: boolean;
  /** A message for the sign-in page: signed out, or the session ended. */
  notice: string | null;
  refresh(): Promise<Me | null>;
  /** After a successful sign-in: load /me and go back where the person was, else to `fallback` (home). */
  completeSignIn(fallback?: string): Promise<void>;
  signOut(): Promise<void>;
  setNotice(n: string | null): void;
  /** Send a signed-out person to sign-in, and back to `from` afterwards. */
  requireSignIn(from: string): void;
}

const Ctx = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [meta, setMeta] = useState<Meta | null>(null);
  const [loading, setLoading] = useState(true);
  const [notice, setNotice] = useState<string | null>(null);
  const signedIn = useRef(false);
  /** The page a person was on when their session ended; they return to it after signing in. */
  const returnTo = useRef<string | null>(null);
  // Every time on screen is in the person's profile zone (the formatters' default).
  setPersonZone(me?.user.timeZone ?? null);
  useEffect(() => {
    signedIn.current = me !== null;
  }, [me]);

  /** Reads of /api/v1/me: only the latest one's answer counts (an older answer, e.g. the first
   * visit's "not signed in" arriving after a sign-in, never overwrites a newer one). */
  const reads = useRef(0);
  const refresh = useCallback(async () => {
    const read = ++reads.current;
    let m: Me | null;
    try {
      m = await get<Me>('/api/v1/me');
    } catch {
      m = null;
    }
    if (read !== reads.current) return m;
    setMe(m);
    setLoading(false);
    return m;
  }, []);

  useEffect(() => {
    get<Meta>('/api/v1/meta').then(setMeta, () =>
      setMeta({ name: 'Hotline', version: '', demo: false, rpId: location.hostname }),
    );
    void refresh();
    return onUnauthorized(() => {
      // Only a session that was live can end; a first visit is simply not signed in.
      if (!signedIn.current) return;
      signedIn.current = false;
      const here = currentPath();
      returnTo.current = here === '/sign-in' ? null : here;
      setMe(null);
      setNotice('Your session has ended. Sign in again to continue where you were.');
      navigate('/sign-in', true);
    });
  }, [refresh]);

  const completeSignIn = useCallback(
    async (fallback = '/') => {
      setNotice(null);
      await refresh();
      const to = returnTo.current;
      returnTo.current = null;
      navigate(to ?? fallback, true);
    },
    [refresh],
  );

  const signOut = useCallback(async () => {
    try {
      await api('POST', '/api/v1/auth/sign-out', {}, { keepalive: true });
    } finally {
      signedIn.current = false;
      returnTo.current = null;
      setMe(null);
      setNotice('You have signed out.');
      navigate('/sign-in', true);
    }
  }, []);

  const requireSignIn = useCallback((from: string) => {
    if (from !== '/' && from !== '/sign-in') returnTo.current = from;
    navigate('/sign-in', true);
  }, []);

  return (
    <Ctx.Provider
      value={{ me, meta, loading, notice, refresh, completeSignIn, signOut, setNotice, requireSignIn }}
    >
      {children}
    </Ctx.Provider>
  );
}

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Whether the signed-in person holds a permission (the list comes from GET /api/v1/me). */
export function can(me: Me | null, permission: Permission): boolean {
  return !!me?.permissions.includes(permission);
}

/** The signed-in person's zone (their profile setting), else the browser's: every time on screen is in it. */
export function useZone(): string {
  const { me } = useSession();
  return me?.user.timeZone || browserZone();
}
