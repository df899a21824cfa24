import { ROLE_LABELS, type Role } from '@hotline/contract/roles';
import {
  type ComponentProps,
  cloneElement,
  type ElementType,
  type InputHTMLAttributes,
  type ReactElement,
  type ReactNode,
  useEffect,
} from 'react';
import { ApiError } from './api';
import { href, navigate } from './router';

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
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function Link({
  to,
  children,
  className,
  current,
}: {
  to: string;
  children: ReactNode;
  className?: string | undefined;
  current?: boolean;
}) {
  return (
    <a
      href={href(to)}
      className={className}
      aria-current={current ? 'page' : undefined}
      onClick={(e) => {
        // Let the browser handle new-tab and new-window clicks.
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** The ids a control's aria-describedby names: its hint and its error, when shown. */
export function describedBy(id: string, hint?: string, error?: string): string | undefined {
  return [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
}

/**
 * A field's hint and error paragraphs (ids `${id}-hint`, `${id}-error`). Contract messages read
 * as predicates ("must be an email address…"), so the error then names the field.
 */
export function FieldNotes({
  id,
  label,
  hint,
  error,
}: {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
}) {
  return (
    <>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {/^[a-z]/.test(error) ? `${label} ${error}` : error}
        </p>
      )}
    </>
  );
}

interface Labelled {
  label: string;
  id: string;
  error?: string | undefined;
  hint?: string | undefined;
}

/**
 * A labelled form field: label, hint, error, then the input (the single child), which gets
 * aria-describedby for the hint and the error, and aria-invalid when the server refused the
 * value. The error sits above the input so inputs side by side in a grid stay aligned.
 */
export function Field({
  label,
  id,
  error,
  hint,
  children,
}: Labelled & { children: ReactElement<InputHTMLAttributes<HTMLInputElement>> }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <FieldNotes id={id} label={label} hint={hint} error={error} />
      {cloneElement(children, {
        'aria-describedby': describedBy(id, hint, error),
        'aria-invalid': error ? true : undefined,
      })}
    </div>
  );
}

type Control = 'input' | 'textarea' | 'select';

/**
 * A Field holding an <input> (or, with `as`, a <textarea> or <select> of the given options) whose
 * id is the field's and whose text value is edited as a string, without the event.
 */
export function BoundField<T extends Control = 'input'>({
  as,
  label,
  error,
  hint,
  onValue,
  ...control
}: Labelled & { as?: T; value: string; onValue: (value: string) => void } & Omit<
    ComponentProps<T>,
    'id' | 'value' | 'onChange'
  >) {
  const Tag: ElementType = as ?? 'input';
  return (
    <Field label={label} id={control.id} error={error} hint={hint}>
      <Tag
        {...(control as object)}
        onChange={(e: { target: { value: string } }) => onValue(e.target.value)}
      />
    </Field>
  );
}

/** One <option> per item, its id the value and its name the text (offices, people). */
export function Options({ items }: { items: { id: string; name: string }[] }) {
  return (
    <>
      {items.map((o) => (
        <option key={o.id} value={o.id}>
          {o.name}
        </option>
      ))}
    </>
  );
}

export function RoleBadge({ role }: { role: Role }) {
  return <span className={`badge badge-${role}`}>{ROLE_LABELS[role]}</span>;
}

/** The browser tab names the screen, so people with many tabs (and screen readers) know where they are. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Hotline`;
  }, [title]);
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  useDocumentTitle(title);
  return (
    <div className="page-header">
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}
