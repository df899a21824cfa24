import { useEffect, useState } from 'react';

/** A tiny history router for paths under /app/. */
const listeners = new Set<() => void>();

export function navigate(to: string, replace = false): void {
  const url = to.startsWith('/app') ? to : `/app${to.startsWith('/') ? '' : '/'}${to}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const l of listeners) l();
  window.scrollTo(0, 0);
}

export function usePath(): string {
  const [path, setPath] = useState(() => location.pathname.replace(/^\/app/, '') || '/');
  useEffect(() => {
    const update = () => setPath(location.pathname.replace(/^\/app/, '') || '/');
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** Match "/calls/:id" against a path; returns params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = path.split('/');
  if (p.length !== a.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) out[p[i]!.slice(1)] = decodeURIComponent(a[i]!);
    else if (p[i] !== a[i]) return null;
  }
  return out;
}
