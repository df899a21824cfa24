import type { Permission } from '@hotline/contract/roles';
import type { ReactNode } from 'react';
import { CallPage } from './calls/call-page';
import { DashboardPage } from './calls/dashboard';
import { NewCallPage, OffChannelPage } from './calls/forms';
import { CalendarPage, InboxPage } from './calls/lists';
import { MemconPrintPage } from './calls/memcon-print';
import { ConversationPage, MessagesPage } from './messages/messages';
import { NotificationsPage } from './notifications';
import { ContactsPage } from './records/contacts-page';
import { DisposalsPage } from './records/disposals-page';
import { RecordsPage } from './records/records-page';
import { RulesPage } from './records/rules-page';
import { SearchPage } from './records/search-page';

/** Screens beyond the shell (their navigation entries are in nav.ts). Each opens only with its permission. */
export interface ExtraRoute {
  pattern: string;
  permission: Permission;
  render(params: Record<string, string>): ReactNode;
}

export const extraRoutes: ExtraRoute[] = [
  { pattern: '/inbox', permission: 'calls.read', render: () => <InboxPage /> },
  { pattern: '/calendar', permission: 'calls.read', render: () => <CalendarPage /> },
  { pattern: '/calls/new', permission: 'calls.request', render: () => <NewCallPage /> },
  { pattern: '/calls/off-channel', permission: 'calls.logOffChannel', render: () => <OffChannelPage /> },
  { pattern: '/dashboard', permission: 'calls.dashboard', render: () => <DashboardPage /> },
  { pattern: '/records', permission: 'capture.read', render: () => <RecordsPage /> },
  { pattern: '/records/search', permission: 'archive.search', render: () => <SearchPage /> },
  { pattern: '/records/disposal', permission: 'archive.hold', render: () => <DisposalsPage /> },
  { pattern: '/records/contacts', permission: 'capture.contacts', render: () => <ContactsPage /> },
  { pattern: '/records/rules', permission: 'capture.review', render: () => <RulesPage /> },
  {
    pattern: '/calls/:id/memcon',
    permission: 'calls.read',
    render: (p) => {
      const v = Number(new URLSearchParams(window.location.search).get('v'));
      return <MemconPrintPage callId={p.id!} version={Number.isInteger(v) && v > 0 ? v : undefined} />;
    },
  },
  { pattern: '/notifications', permission: 'profile.read', render: () => <NotificationsPage /> },
  { pattern: '/messages', permission: 'profile.read', render: () => <MessagesPage /> },
  {
    pattern: '/messages/:id',
    permission: 'profile.read',
    render: (p) => <ConversationPage key={p.id} groupId={p.id!} />,
  },
  {
    pattern: '/calls/:id',
    permission: 'calls.read',
    render: (p) => (p.id === 'new' || p.id === 'off-channel' ? null : <CallPage id={p.id!} />),
  },
];
