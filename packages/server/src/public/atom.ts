/**
 * The Atom 1.0 feed of published readouts (RFC 4287), built with `feed`. Ids are tag URIs
 * (RFC 4151: tag:<host>,<date>:readouts/<id>) so they stay the same if the site moves to
 * another path; links point at the HTML pages.
 */
import { Feed } from 'feed';
import { renderMarkdown } from '../calls/markdown.js';
import { esc } from './html.js';

export interface FeedReadout {
  id: string;
  title: string;
  bodyMd: string;
  publishedAt: Date;
  /** A correction republished later; default publishedAt. */
  updatedAt?: Date;
  /** The latest correction: when and why (said at the top of the entry). */
  correction?: { at: Date; reason: string } | undefined;
  officeName: string;
}

/** tag:hotline.example.gov,2026-01-01:readouts/<id> */
export function readoutTagUri(siteUrl: string, tagDate: string, id?: string): string {
  const host = new URL(siteUrl).hostname;
  return `tag:${host},${tagDate}:readouts${id ? `/${id}` : ''}`;
}

export interface AtomOptions {
  /** The date in the tag URIs: a day the site's host name was held (RFC 4151). */
  tagDate?: string;
  title?: string;
  /** The feed's updated time when there are no readouts. */
  emptyUpdated?: Date;
}

export function buildAtomFeed(
  readouts: readonly FeedReadout[],
  siteUrl: string,
  opts: AtomOptions = {},
): string {
  const base = siteUrl.replace(/\/+$/, '');
  const tagDate = opts.tagDate ?? '2026-01-01';
  const updatedOf = (r: FeedReadout) => r.updatedAt ?? r.publishedAt;
  const newest = readouts.reduce<Date | null>(
    (max, r) => (!max || updatedOf(r).getTime() > max.getTime() ? updatedOf(r) : max),
    null,
  );
  const feed = new Feed({
    title: opts.title ?? 'Hotline readouts',
    description: 'Readouts of calls between heads of state and government',
    id: readoutTagUri(base, tagDate),
    link: `${base}/readouts`,
    language: 'en',
    updated: newest ?? opts.emptyUpdated ?? new Date(0),
    generator: 'Hotline',
    copyright: 'Public domain',
    feedLinks: { atom: `${base}/readouts.atom` },
    author: { name: 'Hotline', link: `${base}/readouts` },
  });
  for (const r of readouts) {
    feed.addItem({
      title: r.title,
      id: readoutTagUri(base, tagDate, r.id),
      link: `${base}/readouts/${encodeURIComponent(r.id)}`,
      date: updatedOf(r),
      published: r.publishedAt,
      content: `${
        r.correction
          ? `<p><strong>Corrected ${esc(r.correction.at.toISOString().slice(0, 10))}:</strong> ${esc(r.correction.reason)}</p>\n`
          : ''
      }${renderMarkdown(r.bodyMd)}`,
      author: [{ name: r.officeName }],
    });
  }
  return feed.atom1();
}
