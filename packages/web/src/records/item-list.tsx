import type { CapturedItemView, ComplianceListItem } from '@hotline/contract';
import { Fragment, useEffect, useState } from 'react';
import { get, post } from '../api';
import { Alert, Loading } from '../components';
import { when as whenIn } from '../time';
import { ShareFilesField } from './share-files';

const STATUS_LABEL: Record<string, string> = {
  overdue: 'Overdue',
  due: 'Due',
  late: 'Late',
  'needs-classification': 'Needs classification',
  'compliant-copied': 'Copied at creation',
  'compliant-forwarded': 'Forwarded in time',
  'compliant-captured': 'Captured in time',
  'not-applicable': 'Not applicable',
};

/**
 * The items behind the 20-day counts (overdue and due first), filterable by person, account,
 * kind and status; each opens to where its copy was found and the trail of how its state was
 * decided. Times in the officer's own zone.
 */
export function ComplianceItems({ zone, people }: { zone: string; people: string[] }) {
  const [status, setStatus] = useState('overdue,due');
  const [person, setPerson] = useState('');
  const [account, setAccount] = useState('');
  const [kind, setKind] = useState('');
  const [rows, setRows] = useState<ComplianceListItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const q = new URLSearchParams();
    if (status) q.set('status', status);
    if (person) q.set('person', person);
    if (account.trim()) q.set('account', account.trim().toLowerCase());
    if (kind) q.set('kind', kind);
    setRows(null);
    setError(null);
    // A filter changed again before this answer came: it is dropped, so an older, slower answer
    // never replaces the list the filters now ask for.
    let current = true;
    get<ComplianceListItem[]>(`/api/v1/capture/compliance/items?${q}`).then(
      (r) => current && setRows(r),
      (err: unknown) => current && setError(err),
    );
    return () => {
      current = false;
    };
  }, [status, person, account, kind]);
  const when = (iso: string) => whenIn(iso, zone);
  return (
    <section className="panel" aria-labelledby="items">
      <h2 id="items">Items</h2>
      <div className="filters">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="overdue,due">Overdue and due</option>
            <option value="">Any</option>
            {Object.entries(STATUS_LABEL).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Person{' '}
          <select value={person} onChange={(e) => setPerson(e.target.value)}>
            <option value="">Anyone</option>
            {people.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>{' '}
        <label>
          Account <input value={account} onChange={(e) => setAccount(e.target.value)} placeholder="any" />
        </label>{' '}
        <label>
          Kind{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">Any</option>
            {['email', 'sms', 'mms', 'tweet', 'tweet.deleted', 'call'].map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
      </div>
      {error ? <Alert error={error} /> : null}
      {rows === null ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p>No items match.</p>
      ) : (
        <ul className="plain">
          {rows.map((r) => (
            <li key={r.itemId}>
              <details>
                <summary>
                  <strong>{STATUS_LABEL[r.status] ?? r.status}</strong>
                  {r.daysLeft !== null ? `, ${r.daysLeft} day(s) left` : ''}
                  {r.daysOverdue !== null
                    ? `, ${r.daysOverdue} day(s) ${r.status === 'late' ? 'late' : 'over'}`
                    : ''}
                  {' — '}
                  {r.kind} “{r.title}”, {r.owner}, {r.account}, {when(r.occurredAt)}
                </summary>
                <ItemDetail itemId={r.itemId} when={when} />
                <dl>
                  <dt>Deadline</dt>
                  <dd>{r.deadline ? when(r.deadline) : '—'}</dd>
                  <dt>Copy</dt>
                  <dd>
                    {r.copy
                      ? `${r.copy.route}${r.copy.account ? ` to ${r.copy.account}` : ''} at ${when(r.copy.at)}${r.copy.method ? `, matched by ${r.copy.method}` : ''}${r.copy.via ? ` (${r.copy.via})` : ''}`
                      : 'none found'}
                  </dd>
                  <dt>How this was decided</dt>
                  <dd>
                    <ol>
                      {r.trail.map((t) => (
                        <li key={t}>{t}</li>
                      ))}
                    </ol>
                  </dd>
                </dl>
              </details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type ItemView = CapturedItemView;

/** The item itself: headers, the archived body, attachments (loaded when opened). */
function ItemDetail({ itemId, when }: { itemId: string; when: (iso: string) => string }) {
  const [item, setItem] = useState<ItemView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [shares, setShares] = useState<string[]>([]);
  const [openError, setOpenError] = useState<unknown>(null);
  useEffect(() => {
    get<ItemView>(`/api/v1/capture/items/${itemId}`).then(setItem).catch(setError);
  }, [itemId]);
  // A sealed body (split archive key) opened with k custodians' share files; the opening is recorded.
  const openSealed = async () => {
    setOpenError(null);
    try {
      setItem(await post<ItemView>(`/api/v1/capture/items/${itemId}/open`, { shares }));
    } catch (err) {
      setOpenError(err);
    }
  };
  if (error) return <Alert error={error} />;
  if (!item) return <Loading />;
  const h = item.headers;
  return (
    <div className="item-detail">
      <dl>
        {h.from && (
          <>
            <dt>From</dt>
            <dd>{h.from}</dd>
          </>
        )}
        {[
          ['To', h.to],
          ['Cc', h.cc],
          ['Bcc', h.bcc],
        ].map(([k, v]) =>
          (v as string[]).length ? (
            <Fragment key={k as string}>
              <dt>{k as string}</dt>
              <dd>{(v as string[]).join(', ')}</dd>
            </Fragment>
          ) : null,
        )}
        <dt>Date</dt>
        <dd>{when(item.occurredAt)}</dd>
        {h.messageId && (
          <>
            <dt>Message-ID</dt>
            <dd>{h.messageId}</dd>
          </>
        )}
        <dt>Attachments</dt>
        <dd>
          {item.attachments.length
            ? item.attachments.map((a) => `${a.filename} (${a.contentType})`).join(', ')
            : 'none'}
        </dd>
      </dl>
      {item.sealed ? (
        <section className="item-sealed" aria-label="Sealed original">
          <p>
            <strong>
              Sealed: opening needs{' '}
              {item.sealed.threshold && item.sealed.of
                ? `${item.sealed.threshold} of ${item.sealed.of}`
                : 'enough of the'}{' '}
              custodians.
            </strong>{' '}
            This server holds only the archive's public key. Opening the original is recorded in the records
            log with the custodians who took part.
          </p>
          <ShareFilesField
            id={`shares-${itemId}`}
            label="Custodians' share files"
            hint={`choose ${item.sealed.threshold ?? 'k'} share files (archive-key-share-….txt)`}
            onChange={setShares}
          />
          <button
            type="button"
            className="btn"
            disabled={shares.length === 0}
            onClick={() => void openSealed()}
          >
            Open with these shares
          </button>
          <Alert error={openError} />
        </section>
      ) : (
        <pre className="item-body">{item.body ?? '(the archived original could not be read)'}</pre>
      )}
    </div>
  );
}
