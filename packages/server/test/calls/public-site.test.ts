import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import { buildAtomFeed, readoutTagUri } from '../../src/public/atom.js';
import { CONTRAST_PAIRS, SITE_CSS } from '../../src/public/html.js';
import {
  type PublicReadout,
  renderNotFound,
  renderReadoutList,
  renderReadoutPage,
} from '../../src/public/readouts-site.js';

function newReadout(over: Partial<PublicReadout> = {}): PublicReadout {
  return {
    id: '01957a2c-0000-7000-8000-0000000000r1',
    callId: '01957a2c-0000-7000-8000-0000000000c1',
    title: "Readout of the President's Call with Prime Minister Mark Carney of Canada",
    bodyMd:
      'President Jordan Avery spoke today with Prime Minister Mark Carney of Canada.\n\n### Trade\n\nThey discussed trade & tariffs.',
    publishedAt: new Date('2026-03-10T20:00:00Z'),
    officeName: 'Office of the President of the United States',
    officeZone: 'America/New_York',
    counterpart: 'Prime Minister Mark Carney of Canada',
    participants: ['President Jordan Avery', 'Prime Minister Mark Carney'],
    recordId: 'rec-123',
    recordSeq: 42,
    leafSalt: 'ab'.repeat(32),
    envelope: '{"id":"rec-123","kind":"readout.published"}',
    content: '{"body":"<b>x</b>","title":"it\'s"}',
    ...over,
  };
}

const EVIL = '<script>alert(1)</script><img src=x onerror=alert(1)>"\'&';

describe('readout page', () => {
  const html = renderReadoutPage(newReadout());

  it('is an accessible page: lang, skip link, landmarks, one h1, labelled sections', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<a class="skip" href="#main">Skip to content</a>');
    expect(html).toMatch(/<header class="site">[\s\S]*<nav aria-label="Site">/);
    expect(html).toContain('<main id="main"');
    expect(html).toContain('<footer class="site">');
    expect(html.match(/<h1[ >]/g)).toHaveLength(1);
    expect(html).toContain('<link rel="stylesheet" href="/public/site.css">');
  });

  it('shows the text, the date, the participants and the log index', () => {
    expect(html).toContain('<h3>Trade</h3>');
    expect(html).toContain('trade &amp; tariffs');
    // In the host office's zone, labelled with it.
    expect(html).toContain('<time datetime="2026-03-10T20:00:00.000Z">March 10, 2026, 4:00 p.m. EDT</time>');
    expect(html).toContain('Participants: President Jordan Avery, Prime Minister Mark Carney');
    expect(html).toContain('entry <strong>42</strong> of the records log');
  });

  it('has a verify button wired by an external script through data attributes, and no inline script', () => {
    expect(html).toContain('<button type="button" id="verify-button">Verify this readout</button>');
    expect(html).toContain('data-index="42"');
    expect(html).toContain('data-record="rec-123"');
    expect(html).toContain('data-proof-endpoint="/api/v1/log/proof?index=42"');
    expect(html).toContain(`data-salt="${'ab'.repeat(32)}"`);
    expect(html).toContain(
      'data-envelope="{&quot;id&quot;:&quot;rec-123&quot;,&quot;kind&quot;:&quot;readout.published&quot;}"',
    );
    expect(html).toContain(
      'data-content="{&quot;body&quot;:&quot;&lt;b&gt;x&lt;/b&gt;&quot;,&quot;title&quot;:&quot;it&#39;s&quot;}"',
    );
    const scripts = html.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? [];
    expect(scripts).toEqual(['<script type="module" src="/public/verify.js"></script>']);
    expect(html).not.toMatch(/\son[a-z]+=|style=|javascript:/i);
  });

  it('escapes HTML in every field', () => {
    const evil = renderReadoutPage(
      newReadout({
        title: EVIL,
        bodyMd: `${EVIL}\n\n[click](javascript:alert(1))`,
        officeName: EVIL,
        participants: [EVIL],
        recordId: EVIL,
        content: EVIL,
      }),
    );
    expect(evil).not.toMatch(/<img|<script>alert|href="javascript:/i);
    // With quoted attribute values blanked, no tag has an event-handler attribute.
    expect(evil.replace(/"[^"]*"/g, '""')).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(evil).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(evil.match(/<script/g)).toHaveLength(1);
  });
});

describe('readout list', () => {
  it('paginates and keeps the query in the links, escaped', () => {
    const html = renderReadoutList({
      readouts: [newReadout()],
      page: 2,
      pageCount: 3,
      query: 'Carney "&<',
      total: 21,
    });
    expect(html).toContain('<label for="q" class="visually-hidden">Search readouts</label>');
    expect(html).toContain('value="Carney &quot;&amp;&lt;"');
    expect(html).toContain('href="/readouts?page=1&amp;q=Carney%20%22%26%3C" rel="prev"');
    expect(html).toContain('href="/readouts?page=3&amp;q=Carney%20%22%26%3C" rel="next"');
    expect(html).toContain('Page 2 of 3');
    expect(html).toContain('21 readouts matching “Carney &quot;&amp;&lt;”');
    expect(html).toContain('href="/readouts/01957a2c-0000-7000-8000-0000000000r1"');
  });

  it('says when nothing matches and has no pager links on a single page', () => {
    const html = renderReadoutList({ readouts: [], page: 1, pageCount: 0, query: '' });
    expect(html).toContain('<p>No readouts match.</p>');
    expect(html).toContain('0 readouts');
    expect(html).not.toMatch(/rel="(prev|next)"/);
  });

  it('renders a not-found page', () => {
    const html = renderNotFound(`No ${EVIL}`);
    expect(html).toContain('<h1>Not found</h1>');
    expect(html).not.toContain('<script>');
  });
});

describe('Atom feed', () => {
  const readouts = [
    newReadout({
      id: 'r2',
      title: 'Readout of the President’s Call with President X of France',
      publishedAt: new Date('2026-03-12T18:00:00Z'),
    }),
    newReadout({
      id: 'r1',
      title: `Readout & <call> with "Y"`,
      bodyMd: 'Text with <script>alert(1)</script> and **bold**.',
      publishedAt: new Date('2026-03-10T20:00:00Z'),
      updatedAt: new Date('2026-03-13T09:00:00Z'),
    }),
  ];
  const xml = buildAtomFeed(readouts, 'https://hotline.example.gov/');

  it('is parsed back by a feed parser with the right titles, links and dates', () => {
    const feed = parseFeed(xml);
    expect(feed.meta.type).toBe('atom');
    expect(feed.title).toBe('Hotline readouts');
    expect(feed.url).toBe('https://hotline.example.gov/readouts');
    expect(feed.self).toBe('https://hotline.example.gov/readouts.atom');
    expect(feed.updated?.toISOString()).toBe('2026-03-13T09:00:00.000Z');
    expect(feed.items.map((i) => i.title)).toEqual([readouts[0]!.title, readouts[1]!.title]);
    expect(feed.items.map((i) => i.url)).toEqual([
      'https://hotline.example.gov/readouts/r2',
      'https://hotline.example.gov/readouts/r1',
    ]);
    expect(feed.items.map((i) => i.id)).toEqual([
      'tag:hotline.example.gov,2026-01-01:readouts/r2',
      'tag:hotline.example.gov,2026-01-01:readouts/r1',
    ]);
    expect(feed.items[1]!.published?.toISOString()).toBe('2026-03-10T20:00:00.000Z');
    expect(feed.items[1]!.updated?.toISOString()).toBe('2026-03-13T09:00:00.000Z');
    expect(feed.items[1]!.content).toContain('<strong>bold</strong>');
    // The feed carries the escaped HTML; the parser hands back decoded text, so check the XML.
    expect(xml).toContain('Text with &lt;script&gt;alert(1)&lt;/script&gt; and <strong>bold</strong>.');
    expect(feed.items[0]!.authors.map((a) => a.name)).toEqual([
      'Office of the President of the United States',
    ]);
  });

  it('is Atom 1.0 with a feed id, updated, author and self/alternate links', () => {
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(xml).toContain('<id>tag:hotline.example.gov,2026-01-01:readouts</id>');
    expect(xml).toMatch(/<link rel="self" href="https:\/\/hotline\.example\.gov\/readouts\.atom"/);
    expect(xml).toMatch(/<link rel="alternate" href="https:\/\/hotline\.example\.gov\/readouts"/);
    expect(xml).toMatch(/<author>\s*<name>Hotline<\/name>/);
    expect(xml).not.toContain('<script>');
    expect(readoutTagUri('http://localhost:8080', '2026-01-01', 'x')).toBe(
      'tag:localhost,2026-01-01:readouts/x',
    );
  });

  it('is valid when empty', () => {
    const feed = parseFeed(
      buildAtomFeed([], 'https://hotline.example.gov', { emptyUpdated: new Date('2026-01-01T00:00:00Z') }),
    );
    expect(feed.items).toEqual([]);
    expect(feed.updated?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('site stylesheet', () => {
  function luminance(hex: string): number {
    const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
    const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
  }
  function contrast(a: string, b: string): number {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  }

  it('gives every text colour at least 4.5:1 contrast (WCAG AA)', () => {
    for (const p of CONTRAST_PAIRS) {
      expect(SITE_CSS.toLowerCase(), p.name).toContain(
        p.fg.toLowerCase().replace('#ffffff', '#fff').replace('#000000', '#000'),
      );
      expect(contrast(p.fg, p.bg), p.name).toBeGreaterThanOrEqual(4.5);
    }
  });
});
