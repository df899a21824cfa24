import type { Me } from '@hotline/contract';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { get, onUnauthorized, post } from './api';

interface Meta {
  demo: boolean;
  rpId: string;
}

interface SessionState {
  me: Me | null;
  meta: Meta | null;
  loading: boolean;
  notice: string | null;
  refresh(): Promise<Me | null>;
  signOut(): Promise<void>;
  setNotice(n: string | null): void;
}

const Ctx = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [meta, setMeta] = useState<Meta | null>(null);
  const [loading, setLoading] = useState(true);
  const [notice, setNotice] = useState<string | null>(null);
  const signedIn = useRef(false);
  useEffect(() => {
    signedIn.current = me !== null;
  }, [me]);

  const refresh = useCallback(async () => {
    try {
      const m = await get<Me>('/api/v1/me');
      setMe(m);
      return m;
    } catch {
      setMe(null);
      return null;
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    get<Meta>('/api/v1/meta').then(setMeta, () => setMeta({ demo: false, rpId: location.hostname }));
    void refresh();
    return onUnauthorized(() => {
      // Only a session that was live can end; a first visit is simply not signed in.
      if (!signedIn.current) return;
      setMe(null);
      setNotice('Your session ended. Sign in again to continue.');
    });
  }, [refresh]);

  const signOut = useCallback(async () => {
    try {
      await post('/api/v1/auth/sign-out');
    } finally {
      setMe(null);
      setNotice('You have signed out.');
    }
  }, []);

  return (
    <Ctx.Provider value={{ me, meta, loading, notice, refresh, signOut, setNotice }}>{children}</Ctx.Provider>
  );
}

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export function can(me: Me | null, permission: string): boolean {
  return !!me?.permissions.includes(permission);
}
