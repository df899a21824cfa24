import type {
  ArchiveAccessSchema,
  ArchiveHitSchema,
  ArchiveRecordSchema,
  ArchiveResultsSchema,
} from '@hotline/contract';
import { type FormEvent, useState } from 'react';
import type { z } from 'zod';
import { get, post } from '../api';
import { zonedToIso } from '../calls/zoned';
import { Alert, Field, PageHeader } from '../components';
import { useZone } from '../session';
import { when } from '../time';
import { HoldsPanel, RedactExport } from './archive-work';
import { resultCount } from './result-count';
import { TransferPanel } from './transfer-panel';

type Results = z.infer<typeof ArchiveResultsSchema>;
type Hit = z.infer<typeof ArchiveHitSchema>;
type OpenRecord = z.infer<typeof ArchiveRecordSchema> & { access: z.infer<typeof ArchiveAccessSchema> };

const KINDS: [string, string][] = [
  ['', 'Any kind'],
  ['call', 'Calls'],
  ['briefing', 'Briefings'],
  ['memcon', 'Memcons'],
  ['readout', 'Readouts'],
  ['call_log', 'Call log'],
  ['captured_item', 'Captured items'],
];

const START = String.fromCharCode(2);
const STOP = String.fromCharCode(3);

/** A snippet's matched words (between U+0002 and U+0003) as <mark>, the rest as text: never HTML. */
/** The first instant of a day ("2026-03-10") in the person's zone, as ISO UTC. */
function dayStart(day: string, zone: string): string {
  const r = zonedToIso(`${day}T00:00`, zone);
  return r.ok ? r.iso : `${day}T00:00:00.000Z`;
}

function Snippet({ text }: { text: string }) {
  const parts: { text: string; mark: boolean }[] = [];
  const [first = '', ...chunks] = text.split(START);
  parts.push({ text: first, mark: false });
  for (const chunk of chunks) {
    const [marked = '', rest = ''] = chunk.split(STOP);
    parts.push({ text: marked, mark: true }, { text: rest, mark: false });
  }
  return (
    <p className="snippet">
      {parts.map((p, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one snippet never move
        p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
      )}
    </p>
  );
}

/** The count line of a search's results (result-count.ts). */
export function ResultCount({ results }: { results: Results }) {
  const c = resultCount(results);
  return (
    <>
      <strong>{c.count}</strong> {c.note ? <span className="muted">{c.note}</span> : null}
    </>
  );
}

/** Records → Search: full-text and name search of the office's archive; place a legal hold on results. */
export function SearchPage() {
  const zone = useZone();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [classification, setClassification] = useState('');
  const [heldOnly, setHeldOnly] = useState(false);
  const [open, setOpen] = useState<OpenRecord | null>(null);
  const [page, setPage] = useState(1);
  const [results, setResults] = useState<Results | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [matter, setMatter] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [holdsShown, setHoldsShown] = useState(0);

  const filters = () => ({
    ...(q.trim() ? { q: q.trim() } : {}),
    ...(kind ? { kind } : {}),
    ...(from ? { from: dayStart(from, zone) } : {}),
    ...(to ? { to: new Date(new Date(dayStart(to, zone)).getTime() + 86_399_999).toISOString() } : {}),
    ...(classification ? { classification } : {}),
    ...(heldOnly ? { held: true } : {}),
  });

  /** Opening a record is itself recorded in the log; then its access history (which shows it). */
  async function openRecord(h: Hit) {
    setError(null);
    try {
      const path = `/api/v1/archive/records/${h.refKind}/${h.refId}`;
      const rec = await get<z.infer<typeof ArchiveRecordSchema>>(path);
      setOpen({ ...rec, access: await get<z.infer<typeof ArchiveAccessSchema>>(`${path}/access`) });
    } catch (err) {
      setError(err);
    }
  }

  async function run(p: number) {
    setError(null);
    try {
      setResults(await post<Results>('/api/v1/archive/search', { ...filters(), page: p, pageSize: 20 }));
      setPage(p);
    } catch (err) {
      setError(err);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setSelected(new Set());
    void run(1);
  }

  const key = (h: Hit) => `${h.refKind}:${h.refId}`;
  function toggle(h: Hit) {
    const next = new Set(selected);
    if (next.has(key(h))) next.delete(key(h));
    else next.add(key(h));
    setSelected(next);
  }

  async function placeHold(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const records = [...selected].map((k) => {
        const [refKind, refId] = k.split(':');
        return { refKind, refId };
      });
      const r = await post<{ items: number; recordSeq: number }>('/api/v1/archive/holds', {
        matter,
        reason,
        scope: { kind: 'records', records },
      });
      setNotice(`Legal hold placed on ${r.items} record(s); record #${r.recordSeq} in the log.`);
      setHoldsShown((n) => n + 1);
      setSelected(new Set());
      await run(page);
    } catch (err) {
      setError(err);
    }
  }

  const pages = results ? Math.max(1, Math.ceil(results.total / results.pageSize)) : 1;
  return (
    <>
      <PageHeader title="Records: search" />
      {error ? <Alert error={error} /> : null}
      {notice ? <Alert kind="success" error={notice} /> : null}
      <form className="card" onSubmit={submit} aria-label="Search the archive">
        <Field
          label="Search"
          id="archive-q"
          hint='Words, "a phrase", -excluded, prefix*; names match even when misspelled.'
        >
          <input id="archive-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </Field>
        <div className="field">
          <label htmlFor="archive-kind">Kind</label>
          <select id="archive-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {KINDS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <Field label="From" id="archive-from">
          <input id="archive-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field label="To" id="archive-to">
          <input id="archive-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
        <Field label="Classification" id="archive-classification" hint="e.g. SECRET, personal, presidential">
          <input
            id="archive-classification"
            value={classification}
            onChange={(e) => setClassification(e.target.value)}
          />
        </Field>
        <div className="field">
          <label>
            <input type="checkbox" checked={heldOnly} onChange={(e) => setHeldOnly(e.target.checked)} /> Only
            records on legal hold
          </label>
        </div>
        <button type="submit">Search</button>
      </form>
      {results ? (
        <section aria-label="Results">
          <p aria-live="polite">
            <ResultCount results={results} /> Page {page} of {pages}. This search is record #
            {results.recordSeq} in the log.
          </p>
          <ol className="archive-results">
            {results.hits.map((h) => (
              <li key={key(h)}>
                <label>
                  <input type="checkbox" checked={selected.has(key(h))} onChange={() => toggle(h)} />{' '}
                  <strong>{h.title}</strong>
                </label>{' '}
                <span className="muted">
                  {h.kind} · {when(h.occurredAt, zone)}
                  {h.classification ? ` · ${h.classification}` : ''}
                  {h.held ? ' · on legal hold' : ''}
                  {h.provenance.seq !== null ? ` · log #${h.provenance.seq}` : ''}
                </span>
                <Snippet text={h.snippet} />
                <button type="button" onClick={() => void openRecord(h)}>
                  Open
                </button>
              </li>
            ))}
          </ol>
          <button type="button" disabled={page <= 1} onClick={() => void run(page - 1)}>
            Previous
          </button>{' '}
          <button type="button" disabled={page >= pages} onClick={() => void run(page + 1)}>
            Next
          </button>
        </section>
      ) : null}
      {open ? (
        <section className="card" aria-label="Record">
          <h2>{open.title}</h2>
          <p className="muted">
            {open.provenance.seq !== null
              ? `Record #${open.provenance.seq} in the log (${open.provenance.recordKind ?? 'record'}), sequenced ${open.provenance.sequencedAt ? when(open.provenance.sequencedAt, zone) : ''}.`
              : 'Not in the log.'}{' '}
            Your view is record #{open.recordSeq}.
            {open.holds.length ? ` On legal hold: ${open.holds.map((x) => x.matter).join(', ')}.` : ''}
          </p>
          <p style={{ whiteSpace: 'pre-wrap' }}>{open.body}</p>
          <h3>Access history</h3>
          <ol>
            {open.access.map((a) => (
              <li key={`${a.recordSeq}:${a.action}`}>
                {a.action} by {a.actorName ?? a.actorId}, {when(a.at, zone)} (log #{a.recordSeq})
              </li>
            ))}
          </ol>
          <RedactExport key={`${open.refKind}:${open.refId}`} refKind={open.refKind} refId={open.refId} />
          <button type="button" onClick={() => setOpen(null)}>
            Close
          </button>
        </section>
      ) : null}
      {selected.size > 0 ? (
        <form className="card" onSubmit={placeHold} aria-label="Place a legal hold">
          <h2>Place a legal hold on {selected.size} record(s)</h2>
          <Field label="Matter" id="hold-matter">
            <input id="hold-matter" required value={matter} onChange={(e) => setMatter(e.target.value)} />
          </Field>
          <Field label="Why" id="hold-reason">
            <input id="hold-reason" required value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <button type="submit">Place hold</button>
        </form>
      ) : null}
      <HoldsPanel refresh={holdsShown} />
      <TransferPanel />
    </>
  );
}
