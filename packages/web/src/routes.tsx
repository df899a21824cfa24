import type { ReactNode } from 'react';

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

export const navItems: NavItem[] = [];
export const extraRoutes: ExtraRoute[] = [];
