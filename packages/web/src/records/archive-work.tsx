import {
  type AccessRequestQueueSchema,
  type LegalHoldsSchema,
  REDACTION_REASONS,
  REQUESTER_KINDS,
  type RedactedCopySchema,
} from '@hotline/contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import { get, post, postForFile } from '../api';
import { Alert, Field } from '../components';
import { useConfirm } from '../confirm';

type Holds = z.infer<typeof LegalHoldsSchema>;
type Requests = z.infer<typeof AccessRequestQueueSchema>;
type Copy = z.infer<typeof RedactedCopySchema>;

const REASON_LABEL = (r: string) => (r.startsWith('(a)') ? `2204${r} restriction` : `FOIA exemption ${r}`);

/** The office's legal holds; an active one is released with a reason, after a confirmation. */
export function HoldsPanel({ refresh }: { refresh: number }) {
  const [holds, setHolds] = useState<Holds | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmDialog, ask] = useConfirm();
  const load = useCallback(async () => {
    try {
      setHolds(await get<Holds>('/api/v1/archive/holds'));
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void refresh;
    void load();
  }, [load, refresh]);

  async function release(e: FormEvent, id: string, matter: string) {
    e.preventDefault();
    setError(null);
    const ok = await ask({
      title: 'Release this legal hold',
      body: `The hold for “${matter}” stops covering its records; they may be disposed of as the law allows.`,
      irreversible: 'A released hold cannot be placed again; place a new hold instead.',
      confirmLabel: 'Release hold',
      danger: true,
    });
    if (!ok) return;
    try {
      const r = await post<{ recordSeq: number }>(`/api/v1/archive/holds/${id}/release`, {
        reason: reasons[id] ?? '',
      });
      setNotice(`Hold released; record #${r.recordSeq} in the log.`);
      await load();
    } catch (err) {
      setError(err);
    }
  }

  const active = (holds ?? []).filter((h) => !h.releasedAt);
  return (
    <section className="card" aria-label="Legal holds">
      <h2>Legal holds</h2>
      {error ? <Alert error={error} /> : null}
      {notice ? <Alert kind="success" error={notice} /> : null}
      {holds && active.length === 0 ? <p className="muted">No active legal holds.</p> : null}
      <ul>
        {active.map((h) => (
          <li key={h.id}>
            <strong>{h.matter}</strong>: {h.items} record(s). {h.reason}
            <form onSubmit={(e) => void release(e, h.id, h.matter)} aria-label={`Release hold ${h.matter}`}>
              <Field label="Why release" id={`release-${h.id}`}>
                <input
                  id={`release-${h.id}`}
                  required
                  value={reasons[h.id] ?? ''}
                  onChange={(e) => setReasons({ ...reasons, [h.id]: e.target.value })}
                />
              </Field>
              <button type="submit">Release</button>
            </form>
          </li>
        ))}
      </ul>
      {confirmDialog}
    </section>
  );
}

/**
 * For the open record: choose (or file) an access request, make a redacted copy under it (words
 * and a reason each), and answer the request with the export (a zip of redacted copies only).
 */
export function RedactExport({ refKind, refId }: { refKind: string; refId: string }) {
  const [requests, setRequests] = useState<Requests>([]);
  const [requestId, setRequestId] = useState('');
  const [kind, setKind] = useState<string>('congress');
  const [requester, setRequester] = useState('');
  const [basis, setBasis] = useState('');
  const [due, setDue] = useState('');
  const [words, setWords] = useState('');
  const [reason, setReason] = useState<string>('(b)(6)');
  const [copy, setCopy] = useState<Copy | null>(null);
  const [download, setDownload] = useState<{ url: string; name: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirmDialog, ask] = useConfirm();
  const load = useCallback(async () => {
    try {
      setRequests(await get<Requests>('/api/v1/archive/requests'));
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  async function file(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const today = new Date().toISOString().slice(0, 10);
      const r = await post<{ id: string }>('/api/v1/archive/requests', {
        requesterKind: kind,
        requester,
        legalBasis: basis,
        scope: { kind: 'records', records: [{ refKind, refId }] },
        receivedOn: today,
        ...(due ? { dueOn: due } : {}),
      });
      await load();
      setRequestId(r.id);
    } catch (err) {
      setError(err);
    }
  }

  async function redact(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const list = words
        .split('\n')
        .map((w) => w.trim())
        .filter(Boolean)
        .map((text) => ({ text, reason }));
      setCopy(
        await post<Copy>(`/api/v1/archive/records/${refKind}/${refId}/redactions`, {
          requestId,
          redactions: list,
        }),
      );
    } catch (err) {
      setError(err);
    }
  }

  async function exportAnswer() {
    setError(null);
    const ok = await ask({
      title: 'Answer the request with this export',
      body: 'A zip of the redacted copies made under this request (text and PDF) and a redaction report; the export is recorded in the log.',
      irreversible: 'The request is answered and leaves the queue.',
      confirmLabel: 'Export and answer',
    });
    if (!ok) return;
    try {
      const { blob } = await postForFile(`/api/v1/archive/requests/${requestId}/export`);
      setDownload({ url: URL.createObjectURL(blob), name: `access-request-${requestId}.zip` });
      await load();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section aria-label="Redact and export">
      <h3>Redact and export for an access request</h3>
      {error ? <Alert error={error} /> : null}
      <Field label="Access request" id="redact-request">
        <select id="redact-request" value={requestId} onChange={(e) => setRequestId(e.target.value)}>
          <option value="">File a new request…</option>
          {requests.map((r) => (
            <option key={r.id} value={r.id}>
              {r.requester} ({r.requesterKind}), due {r.dueOn}
            </option>
          ))}
        </select>
      </Field>
      {requestId ? null : (
        <form onSubmit={file} aria-label="File an access request">
          <Field label="Requester kind" id="req-kind">
            <select id="req-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              {REQUESTER_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k.replace('_', ' ')}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Requester" id="req-requester">
            <input
              id="req-requester"
              required
              value={requester}
              onChange={(e) => setRequester(e.target.value)}
            />
          </Field>
          <Field label="Legal basis" id="req-basis">
            <input id="req-basis" required value={basis} onChange={(e) => setBasis(e.target.value)} />
          </Field>
          <Field label="Due date" id="req-due">
            <input id="req-due" type="date" value={due} onChange={(e) => setDue(e.target.value)} />
          </Field>
          <button type="submit">File request</button>
        </form>
      )}
      {requestId ? (
        <form onSubmit={redact} aria-label="Make a redacted copy">
          <Field label="Words to redact (one per line)" id="redact-words">
            <textarea id="redact-words" required value={words} onChange={(e) => setWords(e.target.value)} />
          </Field>
          <Field label="Reason" id="redact-reason">
            <select id="redact-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
              {REDACTION_REASONS.map((r) => (
                <option key={r} value={r}>
                  {REASON_LABEL(r)}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit">Make redacted copy</button>
        </form>
      ) : null}
      {copy ? (
        <section aria-label="Redacted copy">
          <p className="muted">
            Redacted copy, record #{copy.recordSeq} in the log; {copy.redactions.length} redaction(s).
          </p>
          <p style={{ whiteSpace: 'pre-wrap' }}>{copy.body}</p>
          <button type="button" onClick={() => void exportAnswer()}>
            Export answer
          </button>
        </section>
      ) : null}
      {download ? (
        <p>
          <a href={download.url} download={download.name}>
            Download {download.name}
          </a>
        </p>
      ) : null}
      {confirmDialog}
    </section>
  );
}
