import type { ReactNode } from 'react';
import { useEffect, useRef } from 'react';
import { Link, Loading, PageHeader, RoleBadge } from './components';
import { AdminPage } from './pages/admin';
import { DirectoryPage } from './pages/directory';
import { InvitePage } from './pages/invite';
import { ProfilePage } from './pages/profile';
import { SignInPage } from './pages/sign-in';
import { match, navigate, usePath } from './router';
import { type ExtraRoute, extraRoutes, type NavItem, navItems } from './routes';
import { can, useSession } from './session';
import type { Me } from './types';

/**
 * The navigation: the work screens (routes.tsx: Inbox, Calendar, Calls…) first, then the shell's
 * own. Each item shows only to people whose permissions (GET /api/v1/me) include its permission.
 * To add a screen, add a nav item and a route with the same permission in routes.tsx.
 */
const NAV: NavItem[] = [
  ...navItems,
  { path: '/directory', label: 'Directory', permission: 'directory.read' },
  { path: '/admin', label: 'Administration', permission: 'users.invite' },
  { path: '/profile', label: 'Profile', permission: 'profile.read' },
];

const SCREENS: ExtraRoute[] = [
  ...extraRoutes,
  { pattern: '/directory', permission: 'directory.read', render: () => <DirectoryPage /> },
  { pattern: '/admin', permission: 'users.invite', render: () => <AdminPage /> },
  { pattern: '/profile', permission: 'profile.read', render: () => <ProfilePage /> },
];

/** Where "/" leads a signed-in person: the first screen in the nav they may use. */
function homePath(me: Me): string {
  return NAV.find((n) => can(me, n.permission))?.path ?? '/profile';
}

export function App() {
  const path = usePath();
  const { me, meta, loading, requireSignIn } = useSession();
  const invite = match('/invite/:token', path);

  // After a navigation (not the first page load), move focus to the new page's heading so
  // keyboard and screen-reader users start there and hear its name.
  const shownPath = useRef<string | null>(null);
  useEffect(() => {
    if (loading) return;
    if (shownPath.current !== null && shownPath.current !== path) {
      document.getElementById('page-title')?.focus({ preventScroll: true });
    }
    shownPath.current = path;
  }, [path, loading]);

  useEffect(() => {
    if (loading || invite) return;
    if (me && (path === '/' || path === '/sign-in')) navigate(homePath(me), true);
    else if (!me && path !== '/sign-in') requireSignIn(path);
  }, [loading, me, path, invite, requireSignIn]);

  let body: ReactNode;
  if (invite) body = <InvitePage token={invite.token!} />;
  else if (loading) body = <Loading what="Starting Hotline" />;
  else if (!me) body = <SignInPage />;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <div className={`banner${meta?.demo ? ' banner-demo' : ''}`} role="note">
        UNCLASSIFIED{meta?.demo ? ' // DEMO' : ''}
      </div>
      <header className="topbar">
        <Link to="/" className="wordmark">
          <span className="wordmark-mark" aria-hidden="true">
            ☎
          </span>{' '}
          Hotline
        </Link>
        {me && !invite && (
          <div className="whoami">
            <span className="whoami-office">{me.office.name}</span>
            <span className="whoami-sep" aria-hidden="true" />
            <span className="whoami-name">{me.user.displayName}</span>
            <span className="visually-hidden">, roles: </span>
            {me.user.roles.map((r) => (
              <RoleBadge key={r} role={r} />
            ))}
            <SignOutButton />
          </div>
        )}
      </header>
      {body ? (
        <main id="main" className="signin" tabIndex={-1}>
          {body}
        </main>
      ) : (
        me && <SignedIn path={path} me={me} />
      )}
    </>
  );
}

function SignOutButton() {
  const { signOut } = useSession();
  return (
    <button type="button" className="btn btn-ghost" onClick={() => void signOut()}>
      Sign out
    </button>
  );
}

function SignedIn({ path, me }: { path: string; me: Me }) {
  // Work screens (routes.tsx) above, the shell's own (directory, administration, profile) below.
  const work = navItems.filter((n) => can(me, n.permission));
  const shell = NAV.slice(navItems.length).filter((n) => can(me, n.permission));
  let page: ReactNode = null;
  for (const s of SCREENS) {
    const params = match(s.pattern, path);
    if (params && can(me, s.permission)) {
      // A route may decline a path its pattern matches (render returns null); try the next one.
      page = s.render(params);
      if (page) break;
    }
  }
  if (!page) page = path === '/' || path === '/sign-in' ? <Loading /> : <NotFound />;
  return (
    <div className="layout">
      <nav className="sidenav" aria-label="Main">
        {[work, shell].map(
          (list, i) =>
            list.length > 0 && (
              <ul key={i === 0 ? 'work' : 'shell'}>
                {list.map((n) => {
                  const active = path === n.path || path.startsWith(`${n.path}/`);
                  return (
                    <li key={n.path}>
                      <Link to={n.path} className={active ? 'active' : undefined} current={active}>
                        {n.label}
                      </Link>
                    </li>
                  );
                })}
              </ul>
            ),
        )}
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {page}
      </main>
    </div>
  );
}

function NotFound() {
  return (
    <>
      <PageHeader title="Not found" />
      <p>
        There is nothing at this address, or your roles do not let you see it.{' '}
        <Link to="/">Go to your start page</Link>.
      </p>
    </>
  );
}
