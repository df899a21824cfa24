import type { ReactNode } from 'react';
import { AdminPage } from './pages/admin';
import { DirectoryPage } from './pages/directory';
import { ProfilePage } from './pages/profile';

/**
 * The signed-in screens. To add one (Inbox, Calls, Calendar, Records, Capture):
 *   1. write `pages/<name>.tsx` exporting a component that starts with <PageHeader title=… />;
 *   2. add a screen below with its path pattern and the permission (from the server's policy)
 *      that lets a person use it;
 *   3. add a nav item, in the order it should appear, with the same permission.
 * The nav shows each person only the items their permissions allow (GET /api/v1/me), and a
 * screen they may not use answers "Not found" just as the server refuses it.
 */
export interface NavItem {
  path: string;
  label: string;
  permission: string;
}

export interface Screen {
  /** "/calls/:id": segments starting with ":" are params passed to render(). */
  pattern: string;
  permission: string;
  render(params: Record<string, string>): ReactNode;
}

export const navItems: NavItem[] = [
  // Later: { path: '/inbox', label: 'Inbox', permission: 'calls.read' }, Calls, Calendar, Records…
  { path: '/directory', label: 'Directory', permission: 'directory.read' },
  { path: '/admin', label: 'Administration', permission: 'users.invite' },
  { path: '/profile', label: 'Profile', permission: 'profile.read' },
];

export const screens: Screen[] = [
  { pattern: '/directory', permission: 'directory.read', render: () => <DirectoryPage /> },
  { pattern: '/admin', permission: 'users.invite', render: () => <AdminPage /> },
  { pattern: '/profile', permission: 'profile.read', render: () => <ProfilePage /> },
];
