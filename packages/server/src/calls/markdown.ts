/**
 * Safe Markdown for briefings, memcon notes and readouts. Raw HTML is never passed through
 * (`html: false` escapes it), links are kept only for http, https and mailto (relative links,
 * javascript:, data:, vbscript: and every other scheme stay as plain text), and images are
 * turned off: an image would make the reader's browser fetch a third-party URL, which leaks
 * that a briefing is being read (a tracking pixel). Links get rel="noopener noreferrer".
 */
import MarkdownIt from 'markdown-it';

export const SAFE_LINK_SCHEMES = ['http:', 'https:', 'mailto:'] as const;

/** True when `url` uses one of the safe schemes (after markdown-it's own normalization). */
export function isSafeLink(url: string): boolean {
  const u = url.trim();
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(u);
  if (!m) return false;
  return (SAFE_LINK_SCHEMES as readonly string[]).includes(`${m[1]!.toLowerCase()}:`);
}

function createRenderer(): ReturnType<typeof MarkdownIt> {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: true });
  md.disable(['image']);
  const builtIn = md.validateLink.bind(md);
  md.validateLink = (url: string) => isSafeLink(url) && builtIn(url);
  const defaultOpen =
    md.renderer.rules.link_open ??
    ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx]!.attrSet('rel', 'noopener noreferrer');
    return defaultOpen(tokens, idx, options, env, self);
  };
  return md;
}

const md = createRenderer();

/** Markdown → HTML that is safe to put in a page as is. */
export function renderMarkdown(src: string): string {
  return md.render(src ?? '');
}

/** One paragraph of inline Markdown (no wrapping <p>), for titles and table cells. */
export function renderMarkdownInline(src: string): string {
  return md.renderInline(src ?? '');
}
