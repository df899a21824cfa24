/**
 * Building blocks of the server-rendered public site. Every interpolated value goes through
 * esc(). Pages carry no inline script or style (the CSP is script-src 'self'): styles come from
 * /public/site.css (SITE_CSS) and the verifier from /public/verify.js.
 */
export function esc(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface LayoutOptions {
  /** Link the Atom feed in <head> (default true). */
  feed?: boolean;
  /** The page's language (BCP 47), default "en". */
  lang?: string;
  /** External scripts (same origin), loaded as modules (deferred). */
  scripts?: string[];
  /** A short description for <meta name="description">. */
  description?: string;
}

export function layout(title: string, body: string, opts: LayoutOptions = {}): string {
  const scripts = (opts.scripts ?? [])
    .map((s) => `<script type="module" src="${esc(s)}"></script>`)
    .join('\n');
  return `<!doctype html>
<html lang="${esc(opts.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Hotline readouts</title>
${opts.description ? `<meta name="description" content="${esc(opts.description)}">\n` : ''}<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/public/site.css">
${opts.feed !== false ? '<link rel="alternate" type="application/atom+xml" title="Readouts" href="/readouts.atom">\n' : ''}${scripts}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><a class="brand" href="/readouts">Hotline · Readouts</a><nav aria-label="Site"><a href="/readouts">All readouts</a> <a href="/readouts.atom">Atom feed</a> <a href="/log/checkpoint">Log checkpoint</a> <a href="/app/">Staff sign-in</a></nav></header>
<main id="main" tabindex="-1">
${body}
</main>
<footer class="site"><p>Every readout is a record in an append-only, signed transparency log. Anyone can check that it is included and unchanged.</p></footer>
</body>
</html>`;
}

/**
 * The public site's stylesheet, served at /public/site.css. Text colours meet WCAG AA (4.5:1)
 * on their backgrounds; the tests check the pairs listed in CONTRAST_PAIRS.
 */
export const SITE_CSS = `
:root{--navy:#0b2545;--muted:#4d5766;--line:#d5dae1;--accent:#1d5fa8;--ok:#1f6f43;--alarm:#b3261e;--bg:#f7f8fa;--text:#1b2330;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;line-height:1.6;color:var(--text);background:var(--bg)}
body{margin:0}main{max-width:760px;margin:0 auto;padding:1.5rem 1rem}main:focus{outline:none}
a{color:var(--accent)}:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:.5rem;top:.5rem;background:#ffbf47;color:#000;padding:.4rem .8rem;z-index:1}
.visually-hidden{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
header.site{background:var(--navy);color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;justify-content:space-between;align-items:center}
header.site a{color:#fff}header.site nav a{margin-left:1rem;font-size:.95rem}.brand{font-weight:800;text-decoration:none;font-size:1.15rem}
footer.site{max-width:760px;margin:2rem auto;padding:0 1rem;color:var(--muted);font-size:.9rem;border-top:1px solid var(--line)}
h1{color:var(--navy);line-height:1.25}h2{color:var(--navy);font-size:1.15rem;margin:0}
.kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.8rem;color:var(--muted);font-weight:700}
.meta{color:var(--muted);font-size:.92rem}
ol.list{list-style:none;padding:0}ol.list li{background:#fff;border:1px solid var(--line);border-radius:4px;padding:.9rem 1rem;margin-bottom:.75rem}
form.search{display:flex;gap:.5rem;margin:1rem 0}form.search input{flex:1;font:inherit;padding:.45rem .6rem;border:1px solid #8592a6;border-radius:4px}
button,.button{font:inherit;font-weight:600;padding:.45rem .9rem;border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
.pager{display:flex;justify-content:space-between;margin:1rem 0}
article.readout{background:#fff;border:1px solid var(--line);border-radius:4px;padding:1.25rem 1.5rem}
.notice{border-left:4px solid var(--alarm);background:#fdf3f2;color:var(--text);padding:.6rem .9rem;margin:1rem 0}
.verify{margin-top:1.5rem;border:1px solid var(--line);background:#fff;border-radius:4px;padding:1rem 1.25rem}
.verify output{display:block;margin-top:.5rem;font-weight:600}.verify .ok{color:var(--ok)}.verify .bad{color:var(--alarm)}
.verify details{margin-top:1rem}.verify summary{cursor:pointer;font-weight:600}.verify label{display:block;font-weight:600}
.verify textarea{display:block;width:100%;box-sizing:border-box;font:inherit;font-family:ui-monospace,monospace;font-size:.85rem;padding:.4rem}
.verify dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;font-size:.9rem}.verify dd{margin:0;word-break:break-all;font-family:ui-monospace,monospace}
`;

/** Foreground/background pairs the site uses for text, for the contrast test. */
export const CONTRAST_PAIRS: { name: string; fg: string; bg: string }[] = [
  { name: 'body text', fg: '#1b2330', bg: '#f7f8fa' },
  { name: 'muted text', fg: '#4d5766', bg: '#f7f8fa' },
  { name: 'muted text on cards', fg: '#4d5766', bg: '#ffffff' },
  { name: 'links', fg: '#1d5fa8', bg: '#ffffff' },
  { name: 'links on page', fg: '#1d5fa8', bg: '#f7f8fa' },
  { name: 'headings', fg: '#0b2545', bg: '#ffffff' },
  { name: 'header', fg: '#ffffff', bg: '#0b2545' },
  { name: 'buttons', fg: '#ffffff', bg: '#1d5fa8' },
  { name: 'verified', fg: '#1f6f43', bg: '#ffffff' },
  { name: 'not verified', fg: '#b3261e', bg: '#ffffff' },
  { name: 'skip link', fg: '#000000', bg: '#ffbf47' },
  { name: 'correction or withdrawal notice', fg: '#1b2330', bg: '#fdf3f2' },
  { name: 'link in a notice', fg: '#1d5fa8', bg: '#fdf3f2' },
];
