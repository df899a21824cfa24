import { readFileSync } from 'node:fs';

/**
 * Just enough CSS for the contrast test: the rules of a stylesheet with their declarations, the
 * custom properties of :root resolved, colours parsed, and the WCAG 2.x contrast ratio.
 */

export interface CssRule {
  selectors: string[];
  decls: Map<string, string>;
  /** The enclosing at-rule (an @media query), or null at the top level. */
  atRule: string | null;
  line: number;
  /** The file the rule is in, when read with readStylesheet (e.g. 'styles/calls.css'). */
  file?: string;
}

/**
 * The rules of a stylesheet and of the files it @imports, in cascade order: each @import is
 * replaced by the imported file's rules, so the result is what the browser (and the Vite build,
 * which inlines the imports) applies. Each rule names its file, relative to the entry's folder.
 */
export function readStylesheet(entry: URL, base: URL = new URL('.', entry)): CssRule[] {
  const css = readFileSync(entry, 'utf8');
  const file = entry.href.slice(base.href.length);
  const rules: CssRule[] = [];
  const imports = [...css.matchAll(/@import\s+(?:url\()?\s*['"]([^'"]+)['"]\s*\)?\s*;/g)];
  for (const m of imports) rules.push(...readStylesheet(new URL(m[1]!, entry), base));
  // The entry's own rules come after its imports (CSS requires @import first).
  rules.push(...parseCss(css).map((r) => ({ ...r, file })));
  return rules;
}

/** Parse a flat stylesheet (rules, and rules nested one level in @media). @keyframes are skipped. */
export function parseCss(css: string): CssRule[] {
  // Comments out, keeping line numbers.
  const src = css.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '));
  const rules: CssRule[] = [];
  const open: string[] = [];
  let prelude = '';
  let preludeStart = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '{') {
      const head = prelude.trim();
      prelude = '';
      if (head.startsWith('@')) {
        open.push(head);
        continue;
      }
      const close = src.indexOf('}', i);
      if (close < 0) throw new Error(`unclosed rule "${head}" at line ${lineAt(src, i)}`);
      const atRule = open.at(-1) ?? null;
      if (!atRule?.startsWith('@keyframes')) {
        rules.push({
          selectors: head.split(',').map((s) => s.trim().replace(/\s+/g, ' ')),
          decls: parseDecls(src.slice(i + 1, close)),
          atRule,
          line: lineAt(src, preludeStart + (src.slice(preludeStart).search(/\S/) || 0)),
        });
      }
      i = close;
      preludeStart = close + 1;
    } else if (c === '}') {
      open.pop();
      prelude = '';
      preludeStart = i + 1;
    } else {
      prelude += c;
    }
  }
  return rules;
}

function lineAt(src: string, index: number): number {
  return src.slice(0, index).split('\n').length;
}

function parseDecls(body: string): Map<string, string> {
  const decls = new Map<string, string>();
  for (const part of body.split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    decls.set(part.slice(0, colon).trim().toLowerCase(), part.slice(colon + 1).trim());
  }
  return decls;
}

/** The custom properties declared on :root. */
export function rootVars(rules: CssRule[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const r of rules) {
    if (!r.selectors.includes(':root')) continue;
    for (const [k, v] of r.decls) if (k.startsWith('--')) vars.set(k, v);
  }
  return vars;
}

/** Replace var(--x) (and var(--x, fallback)) with the :root values, recursively. */
export function resolveVars(value: string, vars: Map<string, string>, depth = 0): string {
  if (depth > 10) throw new Error(`custom properties refer to each other in a loop: ${value}`);
  const out = value.replace(
    /var\(\s*(--[\w-]+)\s*(?:,\s*([^)]*))?\)/g,
    (_m, name: string, fallback?: string) => {
      const v = vars.get(name) ?? fallback;
      if (v === undefined) throw new Error(`${name} is used but not declared on :root`);
      return v;
    },
  );
  return out.includes('var(') ? resolveVars(out, vars, depth + 1) : out;
}

export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

const NAMED: Record<string, string> = { white: '#ffffff', black: '#000000' };

/** The first colour in a (resolved) value, e.g. of `1px solid #8592a6`; null when it names none. */
export function colourIn(value: string): Rgba | null {
  const m = value.match(/#[0-9a-f]{3,8}\b|rgba?\([^)]*\)|\b(?:transparent|white|black)\b/i);
  if (!m) return null;
  const t = m[0].toLowerCase();
  if (t === 'transparent') return { r: 0, g: 0, b: 0, a: 0 };
  if (t.startsWith('rgb')) {
    const [r, g, b, a = '1'] = t.replace(/rgba?\(|\)/g, '').split(/[\s,/]+/);
    return { r: Number(r), g: Number(g), b: Number(b), a: Number(a) };
  }
  let hex = (NAMED[t] ?? t).slice(1);
  if (hex.length === 3 || hex.length === 4) hex = [...hex].map((c) => c + c).join('');
  if (hex.length !== 6 && hex.length !== 8) throw new Error(`not a colour: ${t}`);
  const n = (i: number) => Number.parseInt(hex.slice(i, i + 2), 16);
  return { r: n(0), g: n(2), b: n(4), a: hex.length === 8 ? n(6) / 255 : 1 };
}

/** `top` painted over the opaque `under`, with `alpha` applied on top of its own. */
export function over(top: Rgba, under: Rgba, alpha = 1): Rgba {
  const a = top.a * alpha;
  const mix = (x: number, y: number) => x * a + y * (1 - a);
  return { r: mix(top.r, under.r), g: mix(top.g, under.g), b: mix(top.b, under.b), a: 1 };
}

export function hex(c: Rgba): string {
  return `#${[c.r, c.g, c.b].map((x) => Math.round(x).toString(16).padStart(2, '0')).join('')}`;
}

function luminance(c: Rgba): number {
  const lin = (x: number) => {
    const s = x / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

/** The WCAG 2.x contrast ratio of two opaque colours, 1 to 21. */
export function contrast(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
