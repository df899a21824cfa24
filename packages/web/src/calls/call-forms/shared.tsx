/**
 * What the call page's step forms (call-page.tsx) share: the submit callback's type, a form's
 * field errors from its outcome, and the frame of a form in the actions panel.
 */
import { type FormEvent, type ReactNode, useState } from 'react';
import { ErrorSummary, type FieldMap, type Outcome } from '../form-errors';

/** Sends a form's body; resolves to the outcome (field errors, or ok). */
export type Submit = (body: unknown) => Promise<Outcome>;

/** The field errors of a form, set from its submit's outcome and cleared on success. */
export function useOutcome() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  return {
    errors,
    setErrors,
    async run(p: Promise<Outcome>): Promise<boolean> {
      const r = await p;
      setErrors(r.ok ? {} : r.fields);
      return r.ok;
    },
  };
}

/** A form inside the actions panel: its title, the error summary, then its fields. */
export function Sub({
  id,
  title,
  errors,
  fields,
  children,
  onSubmit,
}: {
  id: string;
  title: string;
  errors: Record<string, string>;
  fields: FieldMap;
  children: ReactNode;
  onSubmit: (e: FormEvent) => void;
}) {
  return (
    <form className="subform" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{title}</h3>
      <ErrorSummary id={`${id}-errors`} errors={errors} fields={fields} />
      {children}
    </form>
  );
}
