import type { ArchiveResultsSchema, DisposalRequestsSchema } from '@hotline/contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import { get, post } from '../api';
import { Alert, Field, PageHeader } from '../components';
import { useConfirm } from '../confirm';
import { useZone } from '../session';
import { when } from '../time';

type Requests = z.infer<typeof DisposalRequestsSchema>;
type Request = Requests[number];
type Results = z.infer<typeof ArchiveResultsSchema>;

/** The authority for each basis (44 U.S.C. 2203), as the screen states it. */
const BASIS: Record<Request['basis'], { label: string; authority: string }> = {
  personal: {
    label: 'Personal record',
    authority: '44 U.S.C. 2203(b): personal records are not presidential records.',
  },
  non_record_copy: {
    label: 'Non-record copy',
    authority: 'An extra copy of a message whose record copy is kept in the archive.',
  },
};

const STATUS: Record<Request['status'], string> = {
  waiting: 'Waiting period',
  held: 'Blocked by a legal hold',
  ready: 'Ready to purge',
  disposed: 'Purged',
  withdrawn: 'Withdrawn',
};

type Step = { label: string; detail: string; state: 'done' | 'now' | 'next' | 'stopped' };

/** A request's life as steps: requested → Archivist's views → waiting period → purged (or withdrawn). */
function steps(d: Request, zone: string): Step[] {
  const waitingOver = d.waitingPeriodOver;
  const out: Step[] = [
    {
      label: 'Requested',
      detail: `${when(d.requestedAt, zone)} (log #${d.recordSeq})`,
      state: 'done',
    },
    { label: "Archivist's views", detail: `in writing, ${d.archivistViewsOn}`, state: 'done' },
    {
      label: 'Waiting period',
      detail: waitingOver
        ? `ran until ${d.eligibleOn}`
        : d.status === 'withdrawn'
          ? `was to run until ${d.eligibleOn}`
          : `runs until ${d.eligibleOn}`,
      state: waitingOver ? 'done' : d.status === 'withdrawn' ? 'next' : 'now',
    },
  ];
  if (d.status === 'withdrawn')
    out.push({
      label: 'Withdrawn',
      detail: `${d.withdrawnAt ? when(d.withdrawnAt, zone) : ''} (log #${d.withdrawnSeq}): ${d.withdrawnReason ?? ''}`,
      state: 'stopped',
    });
  else
    out.push({
      label: 'Purged',
      detail:
        d.status === 'disposed'
          ? `${d.disposedAt ? when(d.disposedAt, zone) : ''} (log #${d.disposedSeq})`
          : d.status === 'held'
            ? `blocked while held: ${d.holds.map((h) => h.matter).join(', ')}`
            : d.status === 'ready'
              ? 'may be carried out now'
              : `not before ${d.eligibleOn}`,
      state: d.status === 'disposed' ? 'done' : d.status === 'ready' ? 'now' : 'next',
    });
  return out;
}

const STEP_WORD: Record<Step['state'], string> = {
  done: 'done',
  now: 'now',
  next: 'not yet',
  stopped: 'stopped',
};

function Steps({ d, zone }: { d: Request; zone: string }) {
  return (
    <ol className="disposal-steps" aria-label="Progress">
      {steps(d, zone).map((s) => (
        <li key={s.label} className={`step-${s.state}`} aria-current={s.state === 'now' ? 'step' : undefined}>
          <strong>{s.label}</strong> <span className="step-state">({STEP_WORD[s.state]})</span>
          <br />
          <span className="muted">{s.detail}</span>
        </li>
      ))}
    </ol>
  );
}

/**
 * Records → Disposal: the office's disposal requests (what, on which basis and authority, the
 * Archivist's views, the holds that block it) with their state; file a request for a captured
 * item, purge one whose waiting period has run, or withdraw one. Each act asks first, saying
 * what will happen and what cannot be undone.
 */
export function DisposalsPage() {
  const zone = useZone();
  const [requests, setRequests] = useState<Requests | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [confirmDialog, ask] = useConfirm();

  const load = useCallback(async () => {
    try {
      setRequests(await get<Requests>('/api/v1/archive/disposal-requests'));
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const title = (d: Request) => d.item?.title ?? `Captured item ${d.itemId}`;

  async function purge(e: FormEvent, d: Request) {
    e.preventDefault();
    setError(null);
    setNotice(null);
    const ok = await ask({
      title: 'Purge this captured item',
      body: (
        <>
          The content of “{title(d)}” is deleted from the content store ({BASIS[d.basis].label.toLowerCase()},{' '}
          {BASIS[d.basis].authority}) The records log keeps its entry, so the log still verifies and shows
          that a disposal happened; the purge itself becomes a new log entry.
        </>
      ),
      irreversible: 'The content cannot be recovered by Hotline once purged.',
      confirmLabel: 'Purge',
      danger: true,
    });
    if (!ok) return;
    try {
      const r = await post<{ recordSeq: number }>(`/api/v1/archive/captured-items/${d.itemId}/dispose`, {
        reason: reasons[d.id] ?? '',
      });
      setNotice(`Purged; record #${r.recordSeq} in the log.`);
      await load();
    } catch (err) {
      setError(err);
    }
  }

  async function withdraw(d: Request) {
    setError(null);
    setNotice(null);
    const reason = (reasons[d.id] ?? '').trim();
    if (!reason) {
      setError(new Error('Say why the request is withdrawn (the “Why” field of the request).'));
      return;
    }
    const ok = await ask({
      title: 'Withdraw this disposal request',
      body: `The request for “${title(d)}” is closed with your reason; the item keeps its content.`,
      irreversible:
        'A withdrawn request cannot be reopened; file a new request (with the Archivist’s views) instead.',
      confirmLabel: 'Withdraw request',
    });
    if (!ok) return;
    try {
      const r = await post<{ recordSeq: number }>(`/api/v1/archive/disposal-requests/${d.id}/withdraw`, {
        reason,
      });
      setNotice(`Request withdrawn; record #${r.recordSeq} in the log.`);
      await load();
    } catch (err) {
      setError(err);
    }
  }

  const open = (requests ?? []).filter((d) => d.status !== 'disposed' && d.status !== 'withdrawn');
  const closed = (requests ?? []).filter((d) => d.status === 'disposed' || d.status === 'withdrawn');
  return (
    <>
      <PageHeader title="Records: disposal" />
      <p className="muted">
        Presidential records are never deleted by Hotline. Personal records (44 U.S.C. 2203(b)) and non-record
        copies may be purged from the content store after a request recording the Archivist’s views
        (2203(c)–(e)) and a waiting period, never while a legal hold covers them. The records log keeps every
        entry.
      </p>
      {error ? <Alert error={error} /> : null}
      {notice ? <Alert kind="success" error={notice} /> : null}
      <section className="card" aria-labelledby="disposal-open">
        <h2 id="disposal-open">Pending requests ({open.length})</h2>
        {requests && open.length === 0 ? <p className="muted">No pending disposal requests.</p> : null}
        <ul className="disposal-list">
          {open.map((d) => (
            <li key={d.id} aria-label={`Disposal request: ${title(d)}`}>
              <h3>{title(d)}</h3>
              <p>
                <span className={`badge status-${d.status}`}>{STATUS[d.status]}</span>{' '}
                <span className="muted">
                  {d.item ? `${d.item.kind} · ${when(d.item.occurredAt, zone)} · ` : ''}item {d.itemId}
                </span>
              </p>
              <dl className="disposal-facts">
                <dt>Basis</dt>
                <dd>
                  {BASIS[d.basis].label}: {BASIS[d.basis].authority}
                  {d.keptCopyId ? ` Record copy kept: ${d.keptCopyId}.` : ''}
                </dd>
                <dt>Reason</dt>
                <dd>{d.reason}</dd>
                <dt>Archivist’s views</dt>
                <dd>
                  {d.archivistViews} ({d.archivistViewsOn})
                </dd>
                <dt>Legal holds</dt>
                <dd>
                  {d.holds.length
                    ? `Blocked by ${d.holds.map((h) => h.matter).join(', ')}: release the hold first.`
                    : 'None.'}
                </dd>
              </dl>
              <Steps d={d} zone={zone} />
              <form onSubmit={(e) => void purge(e, d)} aria-label={`Act on ${title(d)}`}>
                <Field
                  label="Why"
                  id={`why-${d.id}`}
                  hint="Recorded in the log with the purge or the withdrawal."
                >
                  <input
                    id={`why-${d.id}`}
                    value={reasons[d.id] ?? ''}
                    onChange={(e) => setReasons({ ...reasons, [d.id]: e.target.value })}
                  />
                </Field>
                <button
                  type="submit"
                  className="btn btn-danger"
                  disabled={d.status !== 'ready' || !reasons[d.id]?.trim()}
                >
                  Purge…
                </button>{' '}
                <button type="button" className="btn" onClick={() => void withdraw(d)}>
                  Withdraw…
                </button>
                {d.status !== 'ready' ? (
                  <p className="muted">
                    {d.status === 'held'
                      ? 'Purging is blocked while a legal hold covers the item.'
                      : `Purging is possible from ${d.eligibleOn}.`}
                  </p>
                ) : null}
              </form>
            </li>
          ))}
        </ul>
      </section>
      <NewDisposalRequest onFiled={load} />
      {closed.length ? (
        <section className="card" aria-labelledby="disposal-closed">
          <h2 id="disposal-closed">Closed requests ({closed.length})</h2>
          <ul className="disposal-list">
            {closed.map((d) => (
              <li key={d.id} aria-label={`Closed disposal request: ${title(d)}`}>
                <h3>{title(d)}</h3>
                <p>
                  <span className={`badge status-${d.status}`}>{STATUS[d.status]}</span>{' '}
                  <span className="muted">
                    {BASIS[d.basis].label} · item {d.itemId}
                  </span>
                </p>
                <Steps d={d} zone={zone} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {confirmDialog}
    </>
  );
}

/** File a disposal request: find the captured item by a search, then the basis, reason and the Archivist's views. */
function NewDisposalRequest({ onFiled }: { onFiled: () => Promise<void> }) {
  const zone = useZone();
  const [q, setQ] = useState('');
  const [personalOnly, setPersonalOnly] = useState(true);
  const [found, setFound] = useState<Results | null>(null);
  const [itemId, setItemId] = useState('');
  const [basis, setBasis] = useState<Request['basis']>('personal');
  const [reason, setReason] = useState('');
  const [views, setViews] = useState('');
  const [viewsOn, setViewsOn] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmDialog, ask] = useConfirm();

  async function find(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      setFound(
        await post<Results>('/api/v1/archive/search', {
          ...(q.trim() ? { q: q.trim() } : {}),
          kind: 'captured_item',
          ...(personalOnly ? { classification: 'personal' } : {}),
          page: 1,
          pageSize: 10,
        }),
      );
    } catch (err) {
      setError(err);
    }
  }

  async function file(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setNotice(null);
    const ok = await ask({
      title: 'File this disposal request',
      body: `The request, the Archivist’s views and your reason are recorded in the log. The waiting period starts today; the item can be purged only after it, and never while held.`,
      confirmLabel: 'File request',
    });
    if (!ok) return;
    try {
      const r = await post<{ eligibleOn: string; recordSeq: number }>('/api/v1/archive/disposal-requests', {
        itemId,
        basis,
        reason,
        archivistViews: views,
        archivistViewsOn: viewsOn,
      });
      setNotice(`Request filed (record #${r.recordSeq}); the item may be purged from ${r.eligibleOn}.`);
      setItemId('');
      await onFiled();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="card" aria-labelledby="disposal-new">
      <h2 id="disposal-new">File a disposal request</h2>
      {error ? <Alert error={error} /> : null}
      {notice ? <Alert kind="success" error={notice} /> : null}
      <form onSubmit={find} aria-label="Find a captured item">
        <Field
          label="Find the captured item"
          id="disposal-q"
          hint="Words of its subject or text, or a correspondent."
        >
          <input id="disposal-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </Field>
        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={personalOnly}
              onChange={(e) => setPersonalOnly(e.target.checked)}
            />{' '}
            Only items classified personal
          </label>
        </div>
        <button type="submit" className="btn">
          Find
        </button>
      </form>
      {found ? (
        <fieldset>
          <legend>Captured item</legend>
          {found.hits.length === 0 ? <p className="muted">No captured items match.</p> : null}
          {found.hits.map((h) => (
            <label key={h.refId} className="choice">
              <input
                type="radio"
                name="disposal-item"
                value={h.refId}
                checked={itemId === h.refId}
                onChange={() => setItemId(h.refId)}
              />{' '}
              {h.title}{' '}
              <span className="muted">
                ({h.classification ?? 'unclassified'}, {when(h.occurredAt, zone)})
              </span>
            </label>
          ))}
        </fieldset>
      ) : null}
      {itemId ? (
        <form onSubmit={file} aria-label="The request">
          <div className="field">
            <label htmlFor="disposal-basis">Basis</label>
            <select
              id="disposal-basis"
              value={basis}
              onChange={(e) => setBasis(e.target.value as Request['basis'])}
            >
              <option value="personal">Personal record (44 U.S.C. 2203(b))</option>
              <option value="non_record_copy">Non-record copy (record copy kept)</option>
            </select>
          </div>
          <Field label="Reason" id="disposal-reason">
            <input id="disposal-reason" required value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <Field label="The Archivist’s views, in writing" id="disposal-views" hint="44 U.S.C. 2203(c)–(e).">
            <textarea id="disposal-views" required value={views} onChange={(e) => setViews(e.target.value)} />
          </Field>
          <Field label="Day the views were given" id="disposal-views-on">
            <input
              id="disposal-views-on"
              type="date"
              required
              value={viewsOn}
              onChange={(e) => setViewsOn(e.target.value)}
            />
          </Field>
          <button type="submit" className="btn btn-primary">
            File request…
          </button>
        </form>
      ) : null}
      {confirmDialog}
    </section>
  );
}
