/**
 * The public readout site: pure functions from data to complete HTML pages. Accessible (lang,
 * skip link, landmarks, one h1, labelled search, live regions), escaped everywhere, and free
 * of inline script: the "Verify this readout" button is wired by /public/verify.js, which reads
 * the data-* attributes of the #verify section.
 */
import { renderMarkdown } from '../calls/markdown.js';
import { esc, layout } from './html.js';

export interface PublicReadout {
  id: string;
  callId: string;
  title: string;
  bodyMd: string;
  publishedAt: Date;
  updatedAt?: Date;
  officeName: string;
  /** The host office's IANA zone (dates and times on its pages are in it, labelled). */
  officeZone?: string;
  counterpart: string;
  participants: string[];
  /** Its stable address, shared by its corrections (default id). */
  publicId?: string;
  /** 'withdrawn': a tombstone (title, when and why; no text). */
  status?: 'published' | 'withdrawn';
  /** A correction's or withdrawal's reason. */
  reason?: string | null;
  firstPublishedAt?: Date;
  /** A version replaced since (by a correction or withdrawal). */
  supersededAt?: Date | null;
  recordId: string;
  /** The record's index in the records log. */
  recordSeq: number;
  /**
   * What opens this one record's public log entry, disclosed on purpose by its public page: the
   * leaf's salt (hex) and the envelope (canonical JSON). The log entry is
   * "hotline-leaf/v2" ‖ SHA-256(salt ‖ envelope); no other record is opened by them.
   */
  leafSalt: string;
  envelope: string;
  /** the exact bytes the log committed to (canonical JSON), for the in-browser check */
  content: string;
}

/** Where the browser fetches the inclusion proof (with the leaf hash) of a log entry. */
export function proofEndpoint(index: number): string {
  return `/api/v1/log/proof?index=${index}`;
}

/** "March 10, 2026, 9:00 a.m. EDT": in the host office's zone, always labelled with the zone. */
function dateLine(d: Date, zone = 'UTC'): string {
  const day = d.toLocaleDateString('en-US', {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: zone,
  });
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hour: 'numeric',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(d);
  const p = (t: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === t)?.value ?? '';
  const hour = Number(p('hour'));
  return `${day}, ${hour % 12 || 12}:${p('minute')} ${hour < 12 ? 'a.m.' : 'p.m.'} ${p('timeZoneName')}`;
}

function timeEl(d: Date, zone?: string): string {
  return `<time datetime="${esc(d.toISOString())}">${esc(dateLine(d, zone))}</time>`;
}

function pageHref(page: number, query: string): string {
  return `/readouts?page=${page}${query ? `&amp;q=${esc(encodeURIComponent(query))}` : ''}`;
}

export function renderReadoutList(p: {
  readouts: readonly PublicReadout[];
  page: number;
  pageCount: number;
  query: string;
  /** All matches across pages; default the readouts on this page. */
  total?: number;
}): string {
  const pageCount = Math.max(1, p.pageCount);
  const page = Math.min(Math.max(1, Math.trunc(p.page) || 1), pageCount);
  const total = p.total ?? p.readouts.length;
  const items = p.readouts
    .map(
      (
        r,
      ) => `<li><h2><a href="/readouts/${esc(encodeURIComponent(r.publicId ?? r.id))}">${esc(r.title)}</a></h2>
<p class="meta">${esc(r.officeName)} · ${timeEl(r.publishedAt, r.officeZone)}</p></li>`,
    )
    .join('\n');
  const pager = `<nav class="pager" aria-label="Pages">${
    page > 1 ? `<a href="${pageHref(page - 1, p.query)}" rel="prev">← Newer</a>` : '<span></span>'
  }<span class="meta" aria-current="page">Page ${page} of ${pageCount}</span>${
    page < pageCount ? `<a href="${pageHref(page + 1, p.query)}" rel="next">Older →</a>` : '<span></span>'
  }</nav>`;
  return layout(
    'Readouts of leader calls',
    `<h1>Readouts of leader calls</h1>
<p>Public summaries of calls between heads of state and government, published by their offices.</p>
<form class="search" role="search" action="/readouts" method="get"><label for="q" class="visually-hidden">Search readouts</label>
<input id="q" name="q" type="search" maxlength="200" value="${esc(p.query)}" placeholder="Search by leader, country or topic"><button type="submit">Search</button></form>
<p class="meta" role="status">${total} readout${total === 1 ? '' : 's'}${p.query ? ` matching “${esc(p.query)}”` : ''}</p>
${items ? `<ol class="list">${items}</ol>` : '<p>No readouts match.</p>'}
${pager}`,
    { description: 'Public readouts of calls between heads of state and government.' },
  );
}

/** The notices above a readout's text: corrected (when and why), replaced, withdrawn. */
function notices(r: PublicReadout): string {
  const publicHref = `/readouts/${esc(encodeURIComponent(r.publicId ?? r.id))}`;
  if (r.status === 'withdrawn')
    return `<div class="notice" role="note"><strong>Withdrawn</strong> ${timeEl(r.publishedAt, r.officeZone)}: ${esc(r.reason ?? '')}. The text is no longer published; the withdrawal, like the text before it, stays in the records log.</div>`;
  const out: string[] = [];
  if (r.supersededAt)
    out.push(
      `<div class="notice" role="note">This version was replaced ${timeEl(r.supersededAt, r.officeZone)}. <a href="${publicHref}">Read the current version</a>.</div>`,
    );
  if (r.reason)
    out.push(
      `<div class="notice" role="note"><strong>Corrected</strong> ${timeEl(r.publishedAt, r.officeZone)}: ${esc(r.reason)}</div>`,
    );
  return out.join('\n');
}

export function renderReadoutPage(r: PublicReadout): string {
  const first = r.firstPublishedAt ?? r.publishedAt;
  const withdrawn = r.status === 'withdrawn';
  return layout(
    withdrawn ? `Withdrawn: ${r.title}` : r.title,
    `<article class="readout" aria-labelledby="readout-title">
<p class="kicker">${esc(r.officeName)} · ${withdrawn ? 'Withdrawn' : 'For immediate release'}</p>
<h1 id="readout-title">${esc(r.title)}</h1>
<p class="meta">${withdrawn || r.reason ? 'First published ' : ''}${timeEl(first, r.officeZone)}${
      r.updatedAt && r.updatedAt.getTime() !== r.publishedAt.getTime()
        ? ` · Updated ${timeEl(r.updatedAt, r.officeZone)}`
        : ''
    }</p>
${notices(r)}
${withdrawn ? '' : `<p class="meta">Participants: ${esc(r.participants.join(', '))}</p>\n${renderMarkdown(r.bodyMd)}`}
<p class="meta staff-link">Staff of the office: <a href="/app/calls/${esc(encodeURIComponent(r.callId))}">open this call in Hotline</a> (sign-in needed).</p>
</article>
<section class="verify" aria-labelledby="verify-title" id="verify" data-zone="${esc(r.officeZone ?? 'UTC')}" data-index="${esc(r.recordSeq)}" data-record="${esc(r.recordId)}" data-proof-endpoint="${esc(proofEndpoint(r.recordSeq))}" data-checkpoint-endpoint="/log/checkpoint" data-salt="${esc(r.leafSalt)}" data-envelope="${esc(r.envelope)}" data-content="${esc(r.content)}">
<h2 id="verify-title">${withdrawn ? 'Is this the recorded withdrawal?' : 'Is this the published text?'}</h2>
<p>This ${withdrawn ? 'withdrawal' : 'readout'} is entry <strong>${esc(r.recordSeq)}</strong> of the records log (record <code>${esc(r.recordId)}</code>). Your browser can check, without trusting this page, that the text above is exactly what the log committed to and that the entry is in the log's latest signed checkpoint. The log itself shows only a sealed commitment for each entry; this page discloses what opens this one (its salt and record envelope), and nothing that opens any other.</p>
<button type="button" id="verify-button">Verify this readout</button>
<output id="verify-result" aria-live="polite"></output>
<dl id="verify-details" hidden></dl>
<details id="verify-pins">
<summary>Keys you trust</summary>
<p>Without them, the check uses the keys this site gives, so it proves that the page and the log agree. Paste the keys you got elsewhere (the government gazette, each witness's own website): a <code>log &lt;key&gt;</code> line, a <code>witness &lt;key&gt;</code> line per witness, and optionally <code>quorum &lt;how many&gt;</code>. This browser keeps them for this site and refuses a page whose keys differ. A link can carry them too: <code>#log=…&amp;witness=…&amp;quorum=…</code>.</p>
<label for="verify-pins-text">Pinned keys</label>
<textarea id="verify-pins-text" rows="4" spellcheck="false" autocomplete="off"></textarea>
<p><button type="button" id="verify-pins-save">Save keys</button> <button type="button" id="verify-pins-clear">Forget keys</button></p>
<output id="verify-pins-status" aria-live="polite"></output>
</details>
</section>`,
    { scripts: ['/public/verify.js'], description: `Readout: ${r.title}` },
  );
}

export function renderNotFound(what = 'There is no published readout at this address.'): string {
  return layout(
    'Not found',
    `<h1>Not found</h1><p>${esc(what)}</p><p><a href="/readouts">All readouts</a></p>`,
  );
}
