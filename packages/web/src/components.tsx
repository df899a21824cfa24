import type { ReactNode } from 'react';
import { ApiError } from './api';
import { navigate } from './router';

export function Alert({ error, kind = 'error' }: { error: unknown; kind?: 'error' | 'info' | 'success' }) {
  if (!error) return null;
  const text =
    error instanceof ApiError ? error.detail : error instanceof Error ? error.message : String(error);
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {text}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  return (
    <a
      href={`/app${to}`}
      className={className}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function Field({
  label,
  id,
  error,
  hint,
  children,
}: {
  label: string;
  id: string;
  error?: string | undefined;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function RoleBadge({ role }: { role: string }) {
  return <span className={`badge badge-${role}`}>{ROLE_LABELS[role] ?? role}</span>;
}

export const ROLE_LABELS: Record<string, string> = {
  principal: 'Principal',
  staff: 'Staff',
  reviewer: 'Reviewer',
  secretariat: 'Secretariat',
  notetaker: 'Note-taker',
  press: 'Press',
  records: 'Records officer',
  liaison: 'Liaison',
  admin: 'Administrator',
};

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}
