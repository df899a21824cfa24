import { describe, expect, it } from 'vitest';
import { isSafeLink, renderMarkdown } from '../../src/calls/markdown.js';

describe('safe Markdown', () => {
  it('renders Markdown', () => {
    const html = renderMarkdown(
      '## Objectives\n\n- **Trade**: keep the _tariff_ truce\n- see https://example.gov/a',
    );
    expect(html).toContain('<h2>Objectives</h2>');
    expect(html).toContain('<strong>Trade</strong>');
    expect(html).toContain(
      '<a href="https://example.gov/a" rel="noopener noreferrer">https://example.gov/a</a>',
    );
  });

  it('escapes raw HTML: script tags, event handlers, iframes', () => {
    const html = renderMarkdown(
      '<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)> <iframe src="https://evil"></iframe> <a href="javascript:alert(1)">x</a>',
    );
    expect(html).not.toMatch(/<script|<img|<iframe|<a href="javascript/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('keeps only http, https and mailto links', () => {
    const html = renderMarkdown(
      [
        '[js](javascript:alert(1))',
        '[JS](JaVaScRiPt:alert(1))',
        '[entity](java&#x73;cript:alert(1))',
        '[data](data:text/html;base64,PHNjcmlwdD4=)',
        '[vb](vbscript:msgbox(1))',
        '[file](file:///etc/passwd)',
        '[rel](/app/calls)',
        '<javascript:alert(1)>',
        '[ok](https://example.gov) [mail](mailto:press@example.gov) [plain](http://example.org)',
      ].join('\n\n'),
    );
    expect(html).not.toMatch(/href="(?!https?:|mailto:)/i);
    expect(html.match(/href=/g)).toHaveLength(3);
    expect(html).toContain('href="mailto:press@example.gov"');
  });

  it('renders images as text, so nothing is fetched from elsewhere', () => {
    const html = renderMarkdown('![pixel](https://tracker.example/p.gif) ![x](javascript:alert(1))');
    expect(html).not.toContain('<img');
  });

  it('escapes attribute-breaking characters inside links', () => {
    const html = renderMarkdown('[x](https://example.gov/"onmouseover="alert(1))');
    expect(html).not.toMatch(/"\s*onmouseover=/);
  });

  it('decides safe schemes', () => {
    expect(isSafeLink('https://a')).toBe(true);
    expect(isSafeLink('MAILTO:a@b')).toBe(true);
    expect(isSafeLink(' javascript:x')).toBe(false);
    expect(isSafeLink('//evil.example')).toBe(false);
  });
});
