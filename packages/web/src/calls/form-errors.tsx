import { useEffect, useRef } from 'react';
import { fieldErrors } from '../api';

/** What a form learns from its submit: done, or refused with errors keyed by the form's fields. */
export type Outcome = { ok: true } | { ok: false; fields: Record<string, string> };

export const OK: Outcome = { ok: true };

/**
 * Zod's default messages ("Too small: expected string to have >=5 characters") rewritten as the
 * predicates the contract's own messages use ("must be at least 5 characters long"), so the
 * field's label can go in front of them.
 */
export function humanize(message: string): string {
  const small = /^Too small: expected (string|number|array) to (?:have|be) >=?(\d+)/.exec(message);
  if (small) {
    const [, kind, n] = small;
    if (kind === 'string') return n === '1' ? 'is required' : `must be at least ${n} characters long`;
    if (kind === 'array') return n === '1' ? 'needs at least one entry' : `needs at least ${n} entries`;
    return `must be at least ${n}`;
  }
  const big = /^Too big: expected (string|number|array) to (?:have|be) <=?(\d+)/.exec(message);
  if (big) {
    const [, kind, n] = big;
    if (kind === 'string') return `must be at most ${n} characters long`;
    if (kind === 'array') return `can have at most ${n} entries`;
    return `must be at most ${n}`;
  }
  if (/^Invalid input: expected \w+, received (undefined|null)/.test(message)) return 'is required';
  if (/^Invalid option: expected one of/.test(message)) return 'is not one of the choices; pick one';
  return message;
}

/** A predicate ("must be…", "is required") reads after the field's label; anything else stands alone. */
const PREDICATE = /^(must|is|are|needs?|can|cannot|should|has|have|does|was)\b/;

/**
 * A message ready to show: predicates stay lowercase (the label goes in front of them), other
 * lowercase messages ("list at least one topic") become sentences ("List at least one topic.").
 */
export function sentence(message: string): string {
  const m = humanize(message);
  if (!/^[a-z]/.test(m) || PREDICATE.test(m)) return m;
  return `${m[0]!.toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}`;
}

/** Field errors of a refused request, humanized, keyed by body path ("proposedWindows.1.end"). */
export function formFieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fieldErrors(err))) out[k] = sentence(v);
  return out;
}

/**
 * Server errors about one entry of a list ("paragraphs.1.speaker", "participants.0") go to the
 * list's field, naming the entry: "Paragraph 2, speaker: is required".
 */
export function groupListErrors(
  raw: Record<string, string>,
  lists: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    const [head = k, index, ...rest] = k.split('.');
    const item = lists[head];
    if (item && index !== undefined && /^\d+$/.test(index)) {
      const where = `${item} ${Number(index) + 1}${rest.length ? ` (${rest.join('.')})` : ''}`;
      const text = `${/^[a-z]/.test(v) ? `${where} ${v}` : `${where}: ${v}`}`.replace(/\.?$/, '.');
      out[head] = out[head] ? `${out[head]} ${text}` : text;
    } else out[k] = v;
  }
  return out;
}

/** "Notes must be…" when the message is a predicate, else "Notes: Say why…" (the summary names every field). */
export function withLabel(label: string, message: string): string {
  return /^[a-z]/.test(message) ? `${label} ${message}` : `${label}: ${message}`;
}

/** Where a field sits in its form: the label people see and the input's id. */
export type FieldMap = Record<string, { label: string; id: string }>;

/**
 * The error summary at the top of a refused form (the GOV.UK pattern): how many problems, each a
 * link to its field. It takes focus when it appears so keyboard and screen-reader users land on
 * it; the same messages also sit beside each field.
 */
export function ErrorSummary({
  errors,
  fields,
  id,
  level = 4,
}: {
  errors: Record<string, string>;
  fields: FieldMap;
  id: string;
  /** The heading level that follows the form's own heading (h2 on a page form, h4 in a panel's form). */
  level?: 2 | 3 | 4;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const entries = Object.entries(errors);
  const key = entries.map(([k, v]) => `${k}=${v}`).join('|');
  useEffect(() => {
    if (key) ref.current?.focus();
  }, [key]);
  if (entries.length === 0) return null;
  const Heading = `h${level}` as const;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby={`${id}-title`}>
      <Heading id={`${id}-title`}>
        {entries.length === 1 ? 'There is a problem' : `There are ${entries.length} problems`}
      </Heading>
      <ul>
        {entries.map(([k, message]) => {
          const f = fields[k];
          return (
            <li key={k}>
              {f ? (
                <a
                  href={`#${f.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    document.getElementById(f.id)?.focus();
                  }}
                >
                  {withLabel(f.label, message)}
                </a>
              ) : (
                withLabel(k, message)
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/**
 * The props that tie a BoundField to one text entry of a form's state: the id from the form's
 * field map, the value, its setter and the entry's error.
 */
export function binder<F extends object>(
  f: F,
  setF: (f: F) => void,
  errors: Record<string, string>,
  fields: FieldMap,
) {
  return (k: { [K in keyof F]: F[K] extends string ? K : never }[keyof F] & string) => ({
    id: fields[k]!.id,
    error: errors[k],
    value: f[k] as string,
    onValue: (v: string) => setF({ ...f, [k]: v }),
  });
}
