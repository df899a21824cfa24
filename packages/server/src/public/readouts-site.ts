import { Feed } from 'feed';
import MarkdownIt from 'markdown-it';
import { esc, layout } from './html.js';

/** Markdown without raw HTML; links limited to http(s) and mailto. */
const md = new MarkdownIt({ html: false, linkify: true, typographer: true });
const defaultValidate = md.validateLink.bind(md);
md.validateLink = (url: string) => /^(https?:|mailto:)/i.test(url.trim()) && defaultValidate(url);

export function renderMarkdown(src: string): string {
  return md.render(src);
}

export interface PublicReadout {
  id: string;
  callId: string;
  title: string;
  bodyMd: string;
  publishedAt: Date;
  officeName: string;
  counterpart: string;
  participants: string[];
  recordId: string;
  recordSeq: number;
  /** the exact bytes the log committed to (canonical JSON), for the in-browser check */
  content: string;
}

function dateLine(d: Date): string {
  return d.toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}

export function renderReadoutList(p: {
  readouts: PublicReadout[];
  page: number;
  pageCount: number;
  query: string;
  total: number;
}): string {
  const items = p.readouts
    .map(
      (r) => `<li><h2><a href="/readouts/${esc(r.id)}">${esc(r.title)}</a></h2>
<p class="meta">${esc(r.officeName)} · <time datetime="${esc(r.publishedAt.toISOString())}">${esc(dateLine(r.publishedAt))}</time></p></li>`,
    )
    .join('\n');
  const q = p.query ? `&q=${encodeURIComponent(p.query)}` : '';
  const pager = `<nav class="pager" aria-label="Pages">${
    p.page > 1 ? `<a href="/readouts?page=${p.page - 1}${q}" rel="prev">← Newer</a>` : '<span></span>'
  }<span class="meta">Page ${p.page} of ${Math.max(1, p.pageCount)}</span>${
    p.page < p.pageCount
      ? `<a href="/readouts?page=${p.page + 1}${q}" rel="next">Older →</a>`
      : '<span></span>'
  }</nav>`;
  return layout(
    'Readouts of leader calls',
    `<h1>Readouts of leader calls</h1>
<p>Public summaries of calls between heads of state and government, published by their offices.</p>
<form class="search" role="search" action="/readouts" method="get"><label for="q" class="skip">Search readouts</label>
<input id="q" name="q" type="search" value="${esc(p.query)}" placeholder="Search by leader, country or topic"><button type="submit">Search</button></form>
<p class="meta" aria-live="polite">${p.total} readout${p.total === 1 ? '' : 's'}${p.query ? ` matching “${esc(p.query)}”` : ''}</p>
${items ? `<ol class="list">${items}</ol>` : '<p>No readouts match.</p>'}
${pager}`,
  );
}

export function renderReadoutPage(r: PublicReadout): string {
  return layout(
    r.title,
    `<article class="readout">
<p class="kicker">${esc(r.officeName)} · For immediate release</p>
<h1>${esc(r.title)}</h1>
<p class="meta"><time datetime="${esc(r.publishedAt.toISOString())}">${esc(dateLine(r.publishedAt))}</time> · Participants: ${esc(r.participants.join(', '))}</p>
${renderMarkdown(r.bodyMd)}
</article>
<section class="verify" aria-labelledby="verify-title" id="verify" data-index="${r.recordSeq}" data-record="${esc(r.recordId)}" data-content="${esc(r.content)}">
<h2 id="verify-title">Is this the published text?</h2>
<p>This readout is entry <strong>${r.recordSeq}</strong> of the records log. Your browser can check, without trusting this page, that the text above is exactly what the log committed to and that the entry is in the log's latest signed checkpoint.</p>
<button type="button" id="verify-button">Verify this readout</button>
<output id="verify-result" aria-live="polite"></output>
<dl id="verify-details" hidden></dl>
</section>
<script src="/public/verify.js" defer></script>`,
  );
}

export function renderNotFound(what: string): string {
  return layout(
    'Not found',
    `<h1>Not found</h1><p>${esc(what)}</p><p><a href="/readouts">All readouts</a></p>`,
  );
}

export function buildAtomFeed(readouts: PublicReadout[], siteUrl: string): string {
  const feed = new Feed({
    title: 'Hotline readouts',
    description: 'Readouts of calls between heads of state and government',
    id: `${siteUrl}/readouts`,
    link: `${siteUrl}/readouts`,
    language: 'en',
    updated: readouts[0]?.publishedAt ?? new Date(0),
    generator: 'Hotline',
    copyright: 'Public domain',
    feedLinks: { atom: `${siteUrl}/readouts.atom` },
    author: { name: 'Hotline', link: `${siteUrl}/readouts` },
  });
  for (const r of readouts) {
    feed.addItem({
      title: r.title,
      id: `${siteUrl}/readouts/${r.id}`,
      link: `${siteUrl}/readouts/${r.id}`,
      date: r.publishedAt,
      published: r.publishedAt,
      content: renderMarkdown(r.bodyMd),
      author: [{ name: r.officeName }],
    });
  }
  return feed.atom1();
}
