import type { Permission } from '@hotline/contract/roles';

/**
 * The navigation, as data: each entry shows only to people whose permissions (GET /api/v1/me)
 * include its permission, and its screen (routes.tsx, app.tsx) needs the same permission. The
 * permissions are the keys of PERMISSIONS in @hotline/contract (packages/contract/src/roles.ts),
 * which the server's policy applies. Plain data with no React, so the browser tests derive from it
 * what each role must see.
 */
export interface NavItem {
  path: string;
  label: string;
  permission: Permission;
}

/** The work screens, first in the navigation. To add a screen, add an entry here and a route in routes.tsx. */
export const navItems: NavItem[] = [
  { path: '/inbox', label: 'Inbox', permission: 'calls.read' },
  { path: '/calendar', label: 'Calendar', permission: 'calls.read' },
  { path: '/calls/new', label: 'Request a call', permission: 'calls.request' },
  { path: '/calls/off-channel', label: 'Log off-channel contact', permission: 'calls.logOffChannel' },
  { path: '/dashboard', label: 'Overdue records', permission: 'calls.dashboard' },
  { path: '/records', label: 'Records: 20-day rule', permission: 'capture.read' },
  { path: '/records/search', label: 'Records: search', permission: 'archive.search' },
  { path: '/records/disposal', label: 'Records: disposal', permission: 'archive.hold' },
  { path: '/records/contacts', label: 'Records: foreign contacts', permission: 'capture.contacts' },
  { path: '/records/rules', label: 'Records: classification rules', permission: 'capture.review' },
];

/** The shell's own screens, below the work screens. */
export const shellNavItems: NavItem[] = [
  { path: '/messages', label: 'Messages', permission: 'profile.read' },
  { path: '/directory', label: 'Directory', permission: 'directory.read' },
  { path: '/admin', label: 'Administration', permission: 'users.invite' },
  { path: '/notifications', label: 'Notifications', permission: 'profile.read' },
  { path: '/profile', label: 'Profile', permission: 'profile.read' },
];
