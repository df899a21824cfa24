import type { App } from './types.js';

/**
 * A fast first paint for /api/docs. Swagger UI is a 1.7 MB script that fetches the ~300 KB
 * specification and then draws it: seconds behind an empty page on a busy machine. The page
 * is sent with the API's title, its tags and every operation (method, path, summary) already in
 * it, drawn with Swagger UI's own stylesheet, and the UI's scripts deferred; when they have run,
 * Swagger UI draws itself in the same place (its root replaces the first paint) with "Try it out".
 */

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

interface Spec {
  info?: { title?: string; version?: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, { tags?: string[]; summary?: string; description?: string }>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The first paint's markup: Swagger UI's classes, so its stylesheet draws it. */
export function firstPaintHtml(spec: Spec): string {
  const byTag = new Map<string, { method: string; path: string; summary: string }[]>();
  for (const t of spec.tags ?? []) byTag.set(t.name, []);
  for (const [path, ops] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS) {
      const op = ops[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'default';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, summary: op.summary ?? op.description?.split('\n')[0] ?? '' });
    }
  }
  const described = new Map((spec.tags ?? []).map((t) => [t.name, t.description ?? '']));
  const tags = [...byTag]
    .filter(([, ops]) => ops.length)
    .map(
      ([tag, ops]) =>
        `<section class="opblock-tag-section"><h2 class="opblock-tag"><span>${esc(tag)}</span>` +
        `<small>${esc(described.get(tag) ?? '')}</small></h2><ul class="first-paint-ops">` +
        ops
          .map(
            (o) =>
              `<li class="opblock opblock-${o.method}"><span class="opblock-summary-method">${o.method.toUpperCase()}</span>` +
              `<span class="opblock-summary-path">${esc(o.path)}</span><span class="opblock-summary-description">${esc(o.summary)}</span></li>`,
          )
          .join('') +
        '</ul></section>',
    )
    .join('');
  const info = spec.info ?? {};
  return (
    `<div class="swagger-ui" data-first-paint=""><main class="wrapper">` +
    `<section class="information-container"><div class="info"><h1 class="title">${esc(info.title ?? 'API')}` +
    ` <small class="version">${esc(info.version ?? '')}</small></h1>` +
    `<div class="description"><p>${esc(info.description ?? '')}</p>` +
    `<p class="first-paint-note" role="status">Loading the interactive explorer ("Try it out")…</p></div></div></section>` +
    `${tags}</main></div>`
  );
}

/** A stylesheet for the list of operations (served by Swagger UI's plugin as a theme file). */
export const firstPaintCss = `
.swagger-ui[data-first-paint] .first-paint-ops { list-style: none; margin: 0 0 1em; padding: 0; }
.swagger-ui[data-first-paint] .first-paint-ops .opblock { display: flex; align-items: center; gap: 10px; margin: 0 0 6px; padding: 5px; }
.swagger-ui[data-first-paint] .opblock-summary-method { color: #000; text-shadow: none; }
.swagger-ui[data-first-paint] .info .title small.version { background: #3b4151; color: #fff; }
.swagger-ui[data-first-paint] .first-paint-note { color: #3b4151; font-style: italic; }
`;

/**
 * Turn Swagger UI's index page (registered by @fastify/swagger-ui under `prefix`) into the first
 * paint: call before registering the plugin. The markup is made once, from the cached spec.
 */
export function apiDocsFirstPaint(app: App, prefix: string): void {
  let markup: string | null = null;
  const index = new Set([prefix, `${prefix}/`]);
  app.addHook('onRoute', (route) => {
    if (!index.has(route.url) || route.method !== 'GET') return;
    const before = route.onSend ? (Array.isArray(route.onSend) ? route.onSend : [route.onSend]) : [];
    route.onSend = [
      ...before,
      async (_req, _reply, payload) => {
        if (typeof payload !== 'string' || !payload.includes('<div id="swagger-ui"></div>')) return payload;
        markup ??= firstPaintHtml(app.swagger() as Spec);
        return payload
          .replace('<div id="swagger-ui"></div>', `<div id="swagger-ui">${markup}</div>`)
          .replaceAll('<script src=', '<script defer src=');
      },
    ];
  });
}
