import { type ReactNode, useEffect } from 'react';
import { Link, Loading, RoleBadge } from './components';
import { AdminPage } from './pages/admin';
import { DirectoryPage } from './pages/directory';
import { InvitePage } from './pages/invite';
import { ProfilePage } from './pages/profile';
import { SignInPage } from './pages/sign-in';
import { match, navigate, usePath } from './router';
import { extraRoutes, type NavItem, navItems } from './routes';
import { can, useSession } from './session';

const NAV: NavItem[] = [
  ...navItems,
  { path: '/directory', label: 'Directory', permission: 'directory.read' },
  { path: '/admin', label: 'Administration', permission: 'users.invite' },
  { path: '/profile', label: 'Profile', permission: 'profile.read' },
];

export function App() {
  const path = usePath();
  const { me, meta, loading } = useSession();
  const invite = match('/invite/:token', path);

  // Move focus to the new page's heading after navigation (screen readers announce it).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on purpose when the path changes.
  useEffect(() => {
    document.getElementById('page-title')?.focus();
  }, [path]);

  let body: ReactNode;
  if (invite) body = <InvitePage token={invite.token!} />;
  else if (loading) body = <Loading what="Starting Hotline" />;
  else if (!me) body = <SignInPage />;
  else body = <SignedIn path={path} />;

  useEffect(() => {
    if (!loading && me && (path === '/' || path === '/sign-in'))
      navigate(navItems[0] && can(me, navItems[0].permission) ? navItems[0].path : '/directory', true);
  }, [loading, me, path]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="banner" role="note">
        UNCLASSIFIED{meta?.demo ? ' // DEMO' : ''}
      </div>
      <header className="topbar">
        <Link to="/" className="wordmark">
          <span className="wordmark-mark" aria-hidden="true">
            ☎
          </span>{' '}
          Hotline
        </Link>
        {me && (
          <div className="whoami">
            <span className="whoami-office">{me.office.name}</span>
            <span className="whoami-name">{me.user.displayName}</span>
            {me.user.roles.map((r) => (
              <RoleBadge key={r} role={r} />
            ))}
            <SignOutButton />
          </div>
        )}
      </header>
      {body}
    </>
  );
}

function SignOutButton() {
  const { signOut } = useSession();
  return (
    <button
      type="button"
      className="btn btn-ghost"
      onClick={() => {
        void signOut().then(() => navigate('/sign-in', true));
      }}
    >
      Sign out
    </button>
  );
}

function SignedIn({ path }: { path: string }) {
  const { me } = useSession();
  const items = NAV.filter((n) => can(me, n.permission));
  let page: ReactNode = null;
  for (const r of extraRoutes) {
    const m = match(r.pattern, path);
    if (m && can(me, r.permission)) page = r.render(m);
  }
  if (!page) {
    if (path === '/directory') page = <DirectoryPage />;
    else if (path === '/profile') page = <ProfilePage />;
    else if (path === '/admin' && can(me, 'users.invite')) page = <AdminPage />;
    else if (path === '/' || path === '/sign-in') page = <Loading />;
    else page = <NotFound />;
  }
  return (
    <div className="layout">
      <nav className="sidenav" aria-label="Main">
        <ul>
          {items.map((n) => (
            <li key={n.path}>
              <Link to={n.path} className={path === n.path || path.startsWith(`${n.path}/`) ? 'active' : ''}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content">
        {page}
      </main>
    </div>
  );
}

function NotFound() {
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        Not found
      </h1>
      <p>
        There is nothing here, or you may not see it. <Link to="/directory">Go to the directory</Link>.
      </p>
    </>
  );
}
