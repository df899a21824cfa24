import type { InjectOptions } from 'fastify';
import type { App } from '../../src/http/types.js';

/**
 * What a browser adds to a write from one of Hotline's own pages, so the origin check
 * (src/http/origin.ts) lets an injected request through as it would the staff app's.
 */
export const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' } as const;

/**
 * The app with app.inject sending each state-changing request as a page of Hotline would: one
 * that names neither an Origin nor a Sec-Fetch-Site gets Sec-Fetch-Site: same-origin. A test that
 * sets either header (a foreign Origin, say) sends exactly what it set. Tests of the origin check
 * itself use the bare app (test/security/origin.db.test.ts).
 */
export function sameOrigin(app: App): App {
  const inject = app.inject.bind(app);
  const withSameOrigin = (opts: InjectOptions | string) => {
    if (typeof opts === 'string' || !opts.method || /^(GET|HEAD|OPTIONS)$/i.test(opts.method)) return opts;
    const headers = opts.headers ?? {};
    const named = Object.keys(headers).some((k) => /^(origin|sec-fetch-site)$/i.test(k));
    return named ? opts : { ...opts, headers: { ...headers, ...SAME_ORIGIN } };
  };
  app.inject = ((opts?: InjectOptions | string) =>
    opts === undefined ? inject() : inject(withSameOrigin(opts))) as App['inject'];
  return app;
}

export interface Persona {
  userId: string;
  displayName: string;
  roles: string[];
  officeSlug: string;
}

export async function personas(app: App): Promise<Persona[]> {
  const res = await app.inject({ method: 'GET', url: '/api/v1/demo/personas' });
  if (res.statusCode !== 200) throw new Error(`personas: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Sign in as a demo persona and return the Cookie header value to send. */
export async function signInAs(app: App, userId: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/demo/sign-in',
    headers: SAME_ORIGIN,
    payload: { userId },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in: ${res.statusCode} ${res.body}`);
  const c = res.cookies.find((x) => x.name === 'hotline_session');
  if (!c) throw new Error('no session cookie');
  return `hotline_session=${c.value}`;
}

/** A persona with exactly this role in this office. */
export function personaFor(list: Persona[], role: string, officeSlug = 'us-potus'): Persona {
  const p = list.find((x) => x.roles.includes(role) && x.officeSlug === officeSlug);
  if (!p) throw new Error(`no demo persona with role ${role} in ${officeSlug}`);
  return p;
}

/** Serialize form fields and one file the way a browser does, for app.inject. */
export async function multipart(
  fields: Record<string, string>,
  file: { name: string; content: string },
): Promise<{ payload: Buffer; headers: { 'content-type': string } }> {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([file.content]), file.name);
  const res = new Response(fd);
  return {
    payload: Buffer.from(await res.arrayBuffer()),
    headers: { 'content-type': res.headers.get('content-type')! },
  };
}
