import type { ReactNode } from 'react';
import { CallPage } from './calls/call-page';
import { DashboardPage } from './calls/dashboard';
import { NewCallPage, OffChannelPage } from './calls/forms';
import { CalendarPage, InboxPage } from './calls/lists';
import { RecordsPage } from './records/records-page';

/** Navigation entries and screens beyond the shell. Each shows only with its permission. */
export interface NavItem {
  path: string;
  label: string;
  permission: string;
}

export interface ExtraRoute {
  pattern: string;
  permission: string;
  render(params: Record<string, string>): ReactNode;
}

export const navItems: NavItem[] = [
  { path: '/inbox', label: 'Inbox', permission: 'calls.read' },
  { path: '/calendar', label: 'Calendar', permission: 'calls.read' },
  { path: '/calls/new', label: 'Request a call', permission: 'calls.request' },
  { path: '/calls/off-channel', label: 'Log off-channel contact', permission: 'calls.logOffChannel' },
  { path: '/dashboard', label: 'Overdue records', permission: 'calls.dashboard' },
  { path: '/records', label: 'Records: 20-day rule', permission: 'capture.read' },
];

export const extraRoutes: ExtraRoute[] = [
  { pattern: '/inbox', permission: 'calls.read', render: () => <InboxPage /> },
  { pattern: '/calendar', permission: 'calls.read', render: () => <CalendarPage /> },
  { pattern: '/calls/new', permission: 'calls.request', render: () => <NewCallPage /> },
  { pattern: '/calls/off-channel', permission: 'calls.logOffChannel', render: () => <OffChannelPage /> },
  { pattern: '/dashboard', permission: 'calls.dashboard', render: () => <DashboardPage /> },
  { pattern: '/records', permission: 'capture.read', render: () => <RecordsPage /> },
  {
    pattern: '/calls/:id',
    permission: 'calls.read',
    render: (p) => (p.id === 'new' || p.id === 'off-channel' ? null : <CallPage id={p.id!} />),
  },
];
