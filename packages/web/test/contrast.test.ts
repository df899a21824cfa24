import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  colourIn,
  contrast,
  hex,
  over,
  type Rgba,
  readStylesheet,
  resolveVars,
  rootVars,
} from './css-colours.js';

/**
 * Contrast of the staff app's colours (packages/web/src/styles.css, which imports the files of
 * src/styles/ in cascade order), WCAG 2.1 AA: text 4.5:1 (3:1 when large: 24px, or 18.66px
 * bold), the borders of controls 3:1 against the surface they sit on (1.4.11), and the focus
 * ring 3:1 on every surface (2.4.7 with 1.4.11).
 *
 * Each check is a stack of elements as the app nests them, outermost first, each element named
 * by the rules that apply to it in cascade order ('.btn | .btn-ghost'). Within an element the
 * last background wins; an element's background is painted over its ancestors' (so a
 * transparent or translucent one counts); the text colour and font are the last declared, as
 * they inherit. `:root` (body text on the page) is always the outermost element. Every rule of
 * the stylesheets that sets a colour must appear in some check, so a new colour cannot go unchecked.
 */
const RULES = readStylesheet(new URL('../src/styles.css', import.meta.url));
const VARS = rootVars(RULES);
const TOP = RULES.filter((r) => r.atRule === null);

/** What the person sees: text on the page, on panels and cards, in the bars, in badges and alerts. */
const TEXT: [name: string, stack: string[]][] = [
  ['body text on the page', []],
  ['body text on a panel', ['.panel']],
  ['page title', ['h1']],
  ['section heading on a panel', ['.panel', 'h2']],
  ['sub-heading on a panel', ['.panel', 'h3']],
  ['link on the page', ['a']],
  ['link on the page, under the pointer', ['a | a:hover']],
  ['link on a panel', ['.panel', 'a']],
  ['link on a panel, under the pointer', ['.panel', 'a | a:hover']],
  ['link in a table row under the pointer', ['.panel', '.table tbody tr:hover', 'a']],
  ['skip link', ['.skip-link']],
  ['classification banner', ['.banner']],
  ['memcon print view (text on its white page)', ['.memcon-print']],
  [
    'memcon classification banner (print view, top and bottom of each page)',
    ['.memcon-print', '.memcon-banner'],
  ],
  ['top bar', ['.topbar']],
  ['wordmark', ['.topbar', 'a | .wordmark']],
  ['wordmark under the pointer', ['.topbar', 'a | .wordmark | .wordmark:hover']],
  ['wordmark symbol', ['.topbar', '.wordmark-mark']],
  ['office name in the top bar (dimmed)', ['.topbar', '.whoami-office']],
  ['role badge in the top bar', ['.topbar', '.badge | .topbar .badge']],
  ['sign-out button', ['.topbar', '.btn | .btn-ghost']],
  ['sign-out button under the pointer', ['.topbar', '.btn | .btn-ghost | .btn:hover | .btn-ghost:hover']],
  ['navigation link', ['.sidenav', 'a | .sidenav a']],
  ['navigation link under the pointer', ['.sidenav', 'a | a:hover | .sidenav a | .sidenav a:hover']],
  ['navigation link of the current page', ['.sidenav', 'a | .sidenav a | .sidenav a.active']],
  ['who vouched for an office, on a panel', ['.panel', '.vouched']],
  ['label of a stacked table cell (small screens), on a panel', ['.panel', '.table td[data-label]::before']],
  ['the step needed from you, on a panel', ['.panel', '.needed strong']],
  ['meta text on the page', ['.meta']],
  ['meta text on a panel', ['.panel', '.meta']],
  ['meta text in a table row under the pointer', ['.panel', '.table tbody tr:hover', '.meta']],
  ['hint in the demo chooser', ['.demo', '.hint']],
  ['hint on the sign-in card', ['.signin-card', '.hint']],
  ['sign-in card text', ['.signin-card']],
  ['lede on the sign-in card', ['.signin-card', '.lede']],
  ['table column heading', ['.panel', '.table thead th']],
  ['empty table', ['.panel', '.table .empty']],
  ['role badge', ['.panel', '.badge']],
  ['principal badge', ['.panel', '.badge | .badge-principal']],
  ['administrator badge', ['.panel', '.badge | .badge-admin']],
  ['records officer badge', ['.panel', '.badge | .badge-records']],
  ['button', ['.panel', '.btn']],
  ['button under the pointer', ['.panel', '.btn | .btn:hover']],
  ['primary button', ['.panel', '.btn | .btn-primary']],
  ['primary button under the pointer', ['.panel', '.btn | .btn-primary | .btn:hover | .btn-primary:hover']],
  ['danger button', ['.panel', '.btn | .btn-danger']],
  ['danger button under the pointer', ['.panel', '.btn | .btn-danger | .btn:hover']],
  ['error alert', ['.alert | .alert-error']],
  ['information alert', ['.alert | .alert-info']],
  ['success alert', ['.alert | .alert-success']],
  ['warning alert', ['.alert | .alert-warn']],
  ['form label', ['.panel', '.field label']],
  ['fieldset legend', ['.panel', 'fieldset legend']],
  ['typed text in a field', ['.panel', '.field input']],
  ['field error', ['.panel', '.field-error']],
  ['fact name', ['.panel', '.facts dt']],
  ['invite link', ['.alert | .alert-success', '.invite-link']],
  ['loading on the page', ['.loading']],
  ['loading on a panel', ['.panel', '.loading']],
  ['persona name', ['.demo', '.persona', '.persona-name']],
  ['persona title', ['.demo', '.persona', '.persona-title']],
  ['persona name under the pointer', ['.demo', '.persona | .persona:hover', '.persona-name']],
  ['persona title under the pointer', ['.demo', '.persona | .persona:hover', '.persona-title']],
  ['"your office" tag', ['.panel', '.tag']],
  ['office clock', ['.panel', '.clock-time']],
  ['office time zone', ['.panel', '.clock-zone']],
  ['directory filter label', ['.search label']],
  ['invited status', ['.panel', '.status-invited']],
  ['disabled status', ['.panel', '.status-disabled']],
  ['disposal request held or withdrawn', ['.panel', '.badge | .status-held']],
  ['disposal request withdrawn', ['.panel', '.badge | .status-withdrawn']],
  ['disposal request ready', ['.panel', '.badge | .status-ready']],
  ['saved note', ['.panel', '.saved']],
  ['call state', ['.panel', '.state']],
  ['state: requested', ['.panel', '.state | .state-requested']],
  ['state: approved', ['.panel', '.state | .state-approved']],
  ['state: in progress', ['.panel', '.state | .state-in_progress']],
  ['state: completed', ['.panel', '.state | .state-completed']],
  ['state: closed', ['.panel', '.state | .state-closed']],
  ['state: declined', ['.panel', '.state | .state-declined']],
  ['state: alarm', ['.panel', '.state | .state-alarm']],
  ['flash urgency', ['.panel', '.urgent']],
  ['flash urgency in a row under the pointer', ['.panel', '.table tbody tr:hover', '.urgent']],
  ['timeline caption', ['.panel', '.timeline figcaption']],
  ['timeline legend', ['.panel', '.timeline-legend']],
  ['document text', ['.panel', '.doc']],
  ['added in a diff', ['.panel', '.diff', '.diff-add']],
  ['removed in a diff', ['.panel', '.diff', '.diff-del']],
  ['classification line of a memcon', ['.panel', '.doc', '.banner-inline']],
  ['classification line on a panel', ['.panel', '.banner-inline']],
  ['calendar time', ['.panel', '.agenda-time']],
  ['error summary', ['.panel', '.error-summary']],
  ['error summary heading', ['.panel', '.error-summary', '.error-summary h4']],
  ['error summary link', ['.panel', '.error-summary', 'a | .error-summary a']],
  ['approvals count', ['.panel', '.approvals']],
  ['chip', ['.panel', 'ul.chips li']],
  ['tile', ['.tile']],
  ['tile count', ['.tile', '.tile-count']],
  ['rendered briefing or readout', ['.panel', '.doc-rendered']],
  ['heading in a rendered document', ['.panel', '.doc-rendered', 'h2']],
  ['unread count in the navigation', ['.sidenav', 'a | .sidenav a', '.count-badge']],
  [
    'unread count on the current navigation link',
    ['.sidenav', 'a | .sidenav a | .sidenav a.active', '.count-badge'],
  ],
  ['a read notification', ['.notification']],
  ['hint in a read notification', ['.notification', '.hint']],
  ['an unread notification', ['.notification | .notification.unread']],
  ['hint in an unread notification', ['.notification | .notification.unread', '.hint']],
  ['unread tag in an unread notification', ['.notification | .notification.unread', '.tag']],
  ['preserved-by banner of a conversation', ['.preserved']],
  ['name in an unread conversation', ['.conversation.unread strong']],
  ['membership change line', ['.thread-change']],
  ['hint on a membership change line', ['.thread-change', '.hint']],
  ['message', ['.bubble']],
  ['hint on a message', ['.bubble', '.hint']],
  ['own message', ['.bubble | .bubble.mine']],
  ['hint on an own message', ['.bubble | .bubble.mine', '.hint']],
  ['button on an own message', ['.bubble | .bubble.mine', '.btn']],
  ['quoted message in a reply', ['.bubble', '.reply-quote']],
  ['archived tag on a message', ['.bubble', '.tag | .tag-archived']],
  ['archived tag on an own message', ['.bubble | .bubble.mine', '.tag | .tag-archived']],
  ['unchecked-credential tag on a panel', ['.panel', '.tag | .tag-warn']],
];

/** Rules that set a colour but put no text on it, and why. */
const NOT_TEXT: Record<string, string> = {
  '.whoami-sep': 'a 1px divider between the office and the name in the top bar',
  '.spinner': 'the loading spinner, beside a text that says what is loading',
};

/** Surfaces controls sit on; a focus ring or a control's border must stand out on them. */
const SURFACES: [name: string, stack: string[]][] = [
  ['the page', []],
  ['a panel', ['.panel']],
  ['the top bar', ['.topbar']],
  ['the navigation', ['.sidenav']],
  ['the current navigation link', ['.sidenav', 'a | .sidenav a | .sidenav a.active']],
  ['the demo chooser', ['.demo']],
  ['a success alert', ['.alert | .alert-success']],
  ['an error alert', ['.alert | .alert-error']],
  ['an information alert', ['.alert | .alert-info']],
  ['a warning alert', ['.alert | .alert-warn']],
  ['a document', ['.panel', '.doc']],
  ['an unread notification', ['.notification | .notification.unread']],
];

/** Controls, by the border that shows where they are, on the surface they sit on. */
const CONTROLS: [name: string, control: string[], surface: string[]][] = [
  ['form field on a panel', ['.field input'], ['.panel']],
  ['form field on the page', ['.field input'], []],
  ['refused form field', ['.field input | .field-invalid input'], ['.panel']],
  ['refused group of fields', ['fieldset.field-invalid'], ['.panel']],
  ['directory filter', ['.search input[type="search"]'], []],
  ['memcon version picker', ['.diff-picker select'], ['.panel']],
  ['calls state filter', ['.search select'], ['.panel']],
  ['button on a panel', ['.btn'], ['.panel']],
  ['button on the page', ['.btn'], []],
  ['danger button', ['.btn | .btn-danger'], ['.panel']],
  ['sign-out button', ['.btn | .btn-ghost'], ['.topbar']],
  ['persona', ['.persona'], ['.demo']],
  ['persona under the pointer', ['.persona | .persona:hover'], ['.demo']],
];
/** Selectors of controls, whose borders must be checked above. */
const CONTROL_SELECTOR =
  /(^|[\s>+~])(input|select|textarea|button)\b|\.btn(-(primary|danger|ghost))?(?![\w-])|\.persona(?![\w-])/;

/** The selectors of one element of a stack: '.btn | .btn-ghost' → ['.btn | .btn-ghost']. */
function selectorsOf(element: string): string[] {
  return element.split(' | ');
}

/**
 * The declarations an element gets from its rules ('.btn | .btn-ghost'): every top-level rule
 * with one of these selectors, later selectors and later rules over earlier ones.
 */
function layer(element: string): Map<string, string> {
  const decls = new Map<string, string>();
  for (const selector of selectorsOf(element)) {
    const rules = TOP.filter((r) => r.selectors.includes(selector));
    if (rules.length === 0) throw new Error(`no rule for "${selector}" in the stylesheets; update this test`);
    for (const r of rules) for (const [k, v] of r.decls) decls.set(k, v);
  }
  return decls;
}

function colourOf(decls: Map<string, string>, ...props: string[]): Rgba | null {
  for (const p of props) {
    const v = decls.get(p);
    if (v === undefined || /^(inherit|currentcolor|none|0)$/i.test(v)) continue;
    const c = colourIn(resolveVars(v, VARS));
    if (c) return c;
  }
  return null;
}

function backgroundOf(stack: string[]): Rgba {
  let bg: Rgba = { r: 255, g: 255, b: 255, a: 1 };
  for (const decls of [layer(':root'), ...stack.map(layer)]) {
    const c = colourOf(decls, 'background-color', 'background');
    if (c) bg = over(c, bg);
  }
  return bg;
}

function lastOf(stack: string[], prop: string): string | undefined {
  return [':root', ...stack]
    .map(layer)
    .findLast((d) => d.has(prop))
    ?.get(prop);
}

function px(size: string | undefined): number {
  if (!size) return 16;
  const m = size.match(/^([\d.]+)(rem|em|px)$/);
  if (!m) throw new Error(`font-size ${size} is not understood by this test`);
  return Number(m[1]) * (m[2] === 'px' ? 1 : 16);
}

/** Text colour, background, and whether WCAG counts the text as large. */
function text(stack: string[]) {
  const bg = backgroundOf(stack);
  const decls = [layer(':root'), ...stack.map(layer)];
  let fg = decls.map((d) => colourOf(d, 'color')).findLast((c) => c !== null)!;
  const opacity = stack.length ? layer(stack.at(-1)!).get('opacity') : undefined;
  fg = over(fg, bg, opacity ? Number(opacity) : 1);
  const size = px(lastOf(stack, 'font-size'));
  const declared = lastOf(stack, 'font-weight');
  // Headings and table headers are bold unless a rule says otherwise.
  const weight = declared
    ? declared === 'bold'
      ? 700
      : Number(declared)
    : /(^|\s)(h[1-6]|th)$/.test(stack.at(-1) ?? '')
      ? 700
      : 400;
  const large = size >= 24 || (size >= 18.66 && weight >= 700);
  return { fg, bg, large, ratio: contrast(fg, bg) };
}

describe('contrast of the staff app (styles.css, WCAG 2.1 AA)', () => {
  it('reads every file of src/styles through styles.css', () => {
    const imported = [...new Set(RULES.map((r) => r.file))].filter((f) => f !== 'styles.css');
    const onDisk = readdirSync(new URL('../src/styles/', import.meta.url))
      .filter((f) => f.endsWith('.css'))
      .map((f) => `styles/${f}`);
    expect([...imported].sort()).toEqual(onDisk.sort());
  });

  it('parses the stylesheet and its custom properties', () => {
    expect(TOP.length).toBeGreaterThan(100);
    expect(hex(colourIn(resolveVars('var(--navy)', VARS))!)).toBe('#0b2545');
    expect(contrast(colourIn('#000')!, colourIn('#fff')!)).toBeCloseTo(21, 5);
    expect(contrast(colourIn('#767676')!, colourIn('#ffffff')!)).toBeCloseTo(4.54, 2);
  });

  it.each(TEXT)('text: %s has at least 4.5:1 (3:1 if large)', (_name, stack) => {
    const t = text(stack);
    const need = t.large ? 3 : 4.5;
    expect(
      Number(t.ratio.toFixed(2)),
      `${hex(t.fg)} on ${hex(t.bg)}${t.large ? ' (large text)' : ''}`,
    ).toBeGreaterThanOrEqual(need);
  });

  it.each(CONTROLS)(
    'control: the border of a %s has at least 3:1 against its surface',
    (_n, control, surface) => {
      const border = control
        .map(layer)
        .map((d) => colourOf(d, 'border-color', 'border'))
        .findLast((c) => c !== null);
      expect(border, 'a border colour').toBeTruthy();
      const bg = backgroundOf(surface);
      const ratio = contrast(over(border!, bg), bg);
      expect(Number(ratio.toFixed(2)), `${hex(border!)} on ${hex(bg)}`).toBeGreaterThanOrEqual(3);
    },
  );

  const focusRules = TOP.filter(
    (r) => r.selectors.some((s) => s.includes(':focus')) && colourOf(r.decls, 'outline') !== null,
  );
  it('has a focus ring', () => {
    expect(focusRules.map((r) => r.selectors.join(', '))).toContain(':focus-visible');
  });

  it.each(focusRules.map((r) => [r.selectors.join(', '), r] as const))(
    'focus ring of %s stands out (3:1) on every surface, and its two rings from each other',
    (_sel, rule) => {
      const rings = [colourOf(rule.decls, 'outline'), colourOf(rule.decls, 'box-shadow')].filter(
        (c): c is Rgba => c !== null,
      );
      for (const [name, stack] of SURFACES) {
        const bg = backgroundOf(stack);
        const best = Math.max(...rings.map((c) => contrast(c, bg)));
        expect(
          Number(best.toFixed(2)),
          `on ${name} (${hex(bg)}): rings ${rings.map(hex).join(' and ')}`,
        ).toBeGreaterThanOrEqual(3);
      }
      if (rings.length === 2) expect(contrast(rings[0]!, rings[1]!)).toBeGreaterThanOrEqual(3);
    },
  );

  it('checks every rule that sets a colour (add new ones to TEXT, CONTROLS or NOT_TEXT)', () => {
    const checked = new Set(
      [':root', ...TEXT.flatMap(([, s]) => s), ...SURFACES.flatMap(([, s]) => s)].flatMap(selectorsOf),
    );
    const controls = new Set(CONTROLS.flatMap(([, c]) => c).flatMap(selectorsOf));
    const unchecked: string[] = [];
    for (const r of RULES) {
      const where = `${r.file} line ${r.line}: ${r.selectors.join(', ')}`;
      const sets = (p: string) => colourOf(r.decls, p) !== null && colourOf(r.decls, p)!.a > 0;
      const textColour = sets('color') || sets('background') || sets('background-color');
      const borderColour = sets('border') || sets('border-color');
      if (r.atRule !== null) {
        if (textColour || borderColour)
          unchecked.push(`${where} (colours inside ${r.atRule} are not checked)`);
        continue;
      }
      const isFocus = r.selectors.some((s) => s.includes(':focus'));
      if (textColour && !isFocus && !r.selectors.some((s) => checked.has(s) || s in NOT_TEXT)) {
        unchecked.push(`${where} (text colour or background)`);
      }
      if (
        borderColour &&
        r.selectors.some((s) => CONTROL_SELECTOR.test(s)) &&
        !r.selectors.some((s) => controls.has(s))
      ) {
        unchecked.push(`${where} (border of a control)`);
      }
    }
    expect(unchecked).toEqual([]);
  });
});
