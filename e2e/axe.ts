import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, Result } from 'axe-core';
import type { Page } from 'playwright-core';

/** axe-core, injected into a page (its browser context needs bypassCSP). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Structure rules (landmarks, headings) that fail the test at any impact, not only serious/critical. */
const STRUCTURE_RULES = new Set([
  'bypass',
  'heading-order',
  'landmark-one-main',
  'landmark-no-duplicate-main',
  'landmark-unique',
  'page-has-heading-one',
  'region',
]);

function describeViolation(v: Result): string {
  const nodes = v.nodes
    .slice(0, 5)
    .map((n) => `    at ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`);
  const more = v.nodes.length > 5 ? [`    …and ${v.nodes.length - 5} more`] : [];
  return [`${v.id} (${v.impact}): ${v.help} [${v.helpUrl}]`, ...nodes, ...more].join('\n');
}

/**
 * Run axe in the page and return its serious/critical (and structural) violations, readably.
 * `wcagOnly` checks the WCAG 2.1 A/AA rules alone, without axe's best practices and the structure
 * rules (for screens checked mid-flow, such as a call room with dialogs open).
 */
export async function axeViolations(page: Page, opts: { wcagOnly?: boolean } = {}): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', ...(opts.wcagOnly ? [] : ['best-practice'])];
  const results = (await page.evaluate(
    (values) =>
      (window as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } }).axe.run(document, {
        runOnly: { type: 'tag', values },
        resultTypes: ['violations'],
      }),
    tags,
  )) as AxeResults;
  return results.violations
    .filter(
      (v) =>
        v.impact === 'serious' || v.impact === 'critical' || (!opts.wcagOnly && STRUCTURE_RULES.has(v.id)),
    )
    .map(describeViolation);
}
