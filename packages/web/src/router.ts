import { useEffect, useState } from 'react';

/**
 * A tiny history router for paths under /app/. Paths inside the app are written without the
 * /app prefix ("/directory"); the browser's address bar shows /app/directory.
 */
const BASE = '/app';
const listeners = new Set<() => void>();

/** The app path of the current location: "/app/directory" → "/directory". */
export function currentPath(): string {
  const p = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return p.replace(/\/+$/, '') || '/';
}

export function href(to: string): string {
  return `${BASE}${to.startsWith('/') ? '' : '/'}${to}`;
}

export function navigate(to: string, replace = false): void {
  const url = to.startsWith(`${BASE}/`) ? to : href(to);
  if (url === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const l of listeners) l();
  window.scrollTo(0, 0);
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** Match "/calls/:id" against a path; returns the params, or null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = path.split('/');
  if (p.length !== a.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith(':')) {
      if (!a[i]) return null;
      out[seg.slice(1)] = decodeURIComponent(a[i]!);
    } else if (seg !== a[i]) return null;
  }
  return out;
}
