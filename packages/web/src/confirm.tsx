import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';

/** What a final act asks before it is done: what will happen, and what cannot be undone. */
export interface ConfirmRequest {
  title: string;
  /** What will happen. */
  body: ReactNode;
  /** What cannot be undone (shown apart, as the warning). */
  irreversible?: ReactNode;
  /** The confirming button's label (default: the title). */
  confirmLabel?: string;
  danger?: boolean;
}

/**
 * A modal confirmation (the native <dialog>: focus moves into it and returns on close, Escape
 * cancels, the page behind is inert). `ask` opens it and resolves true only on confirmation.
 */
export function useConfirm(): [ReactNode, (r: ConfirmRequest) => Promise<boolean>] {
  const [req, setReq] = useState<ConfirmRequest | null>(null);
  const resolveRef = useRef<((ok: boolean) => void) | null>(null);
  const ask = useCallback(
    (r: ConfirmRequest) =>
      new Promise<boolean>((resolve) => {
        resolveRef.current = resolve;
        setReq(r);
      }),
    [],
  );
  const done = useCallback((ok: boolean) => {
    resolveRef.current?.(ok);
    resolveRef.current = null;
    setReq(null);
  }, []);
  return [req ? <ConfirmDialog key="confirm" req={req} onDone={done} /> : null, ask];
}

function ConfirmDialog({ req, onDone }: { req: ConfirmRequest; onDone: (ok: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const back = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    // The safe choice has focus: Enter on a final act must be a second, deliberate step.
    back.current?.focus();
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(e) => {
        e.preventDefault();
        onDone(false);
      }}
    >
      <h2 id={`${id}-title`}>{req.title}?</h2>
      <div id={`${id}-body`}>
        <p>{req.body}</p>
        {req.irreversible && (
          <p className="confirm-irreversible">
            <strong>This cannot be undone:</strong> {req.irreversible}
          </p>
        )}
      </div>
      <div className="btn-row">
        <button
          type="button"
          className={`btn ${req.danger ? 'btn-danger' : 'btn-primary'}`}
          onClick={() => onDone(true)}
        >
          {req.confirmLabel ?? req.title}
        </button>
        <button ref={back} type="button" className="btn" onClick={() => onDone(false)}>
          Go back
        </button>
      </div>
    </dialog>
  );
}
