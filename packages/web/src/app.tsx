import { ROLE_LABELS } from '@hotline/contract/roles';
import type { ReactNode } from 'react';
import { useEffect, useRef } from 'react';
import { Link, Loading, PageHeader, RoleBadge } from './components';
import { MessagesBadge, MessagingProvider } from './messages/messages';
import { type NavItem, navItems, shellNavItems } from './nav';
import { NotificationsProvider, UnreadBadge } from './notifications';
import { AdminPage } from './pages/admin';
import { DirectoryPage } from './pages/directory';
import { InvitePage } from './pages/invite';
import { ProfilePage } from './pages/profile';
import { SignInPage } from './pages/sign-in';
import { match, navigate, usePath } from './router';
import { type ExtraRoute, extraRoutes } from './routes';
import { can, useSession } from './session';
import type { Me } from './types';

/**
 * The navigation (nav.ts): the work screens (Inbox, Calendar, Calls…) first, then the shell's
 * own. Each item shows only to people whose permissions (GET /api/v1/me) include its permission.
 * To add a screen, add a nav item in nav.ts and a route with the same permission in routes.tsx.
 */
const NAV: NavItem[] = [...navItems, ...shellNavItems];

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
      <header>
        <div className={`banner${meta?.demo ? ' banner-demo' : ''}`} role="note">
          UNCLASSIFIED{meta?.demo ? ' // DEMO' : ''}
        </div>
        <div className="topbar">
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
        </div>
      </header>
      {body ? (
        <main id="main" className="signin" tabIndex={-1}>
          {body}
        </main>
      ) : (
        me && (
          <NotificationsProvider key={me.user.id}>
            <MessagingProvider>
              <SignedIn path={path} me={me} />
            </MessagingProvider>
          </NotificationsProvider>
        )
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
  const shell = shellNavItems.filter((n) => can(me, n.permission));
  let page: ReactNode = null;
  let refused: ExtraRoute | null = null;
  for (const s of SCREENS) {
    const params = match(s.pattern, path);
    if (!params) continue;
    if (!can(me, s.permission)) {
      refused ??= s;
      continue;
    }
    // A route may decline a path its pattern matches (render returns null); try the next one.
    page = s.render(params);
    if (page) break;
  }
  if (!page) {
    if (path === '/' || path === '/sign-in') page = <Loading />;
    else if (refused) page = <NotAllowed screen={refused} me={me} />;
    else page = <NotFound />;
  }
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
                        {n.path === '/notifications' && <UnreadBadge />}
                        {n.path === '/messages' && <MessagesBadge />}
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

/** A screen that exists but that the person's roles do not open: say so, and what to do. */
function NotAllowed({ screen, me }: { screen: ExtraRoute; me: Me }) {
  // Name the screen as the navigation does (a call page has no entry of its own).
  const named = NAV.find((n) => n.path === screen.pattern);
  const roles = me.user.roles.map((r) => ROLE_LABELS[r]).join(', ');
  return (
    <>
      <PageHeader title="Not allowed" />
      <div className="alert alert-warn" role="alert">
        {named ? `${named.label} is` : 'This page is'} not open to your roles ({roles}). Nothing was shown or
        changed.
      </div>
      <p>
        If your work needs it, ask your office's administrator to change your roles.{' '}
        <Link to="/">Go to your start page</Link>.
      </p>
    </>
  );
}

function NotFound() {
  return (
    <>
      <PageHeader title="Not found" />
      <p>
        There is nothing at this address. <Link to="/">Go to your start page</Link>.
      </p>
    </>
  );
}
