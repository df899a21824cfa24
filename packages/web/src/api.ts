/** A small API client: JSON in and out, problem+json errors as ApiError. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly issues: { field: string; message: string }[] = [],
    /** A conflict about one input (e.g. a taken slug) names it in `field`. */
    readonly field?: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();
export function onUnauthorized(l: Listener): () => void {
  unauthorizedListeners.add(l);
  return () => unauthorizedListeners.delete(l);
}

/**
 * One JSON request. `keepalive` lets it outlive the page (a sign-out the person follows at once
 * with another address still reaches the server).
 */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: { keepalive?: boolean } = {},
): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    keepalive: opts.keepalive ?? false,
    headers:
      body === undefined
        ? { accept: 'application/json' }
        : { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.ok) {
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return failure(res, path);
}

/** POST without a body, answered with a file (a zip): its bytes and response headers. */
export async function postForFile(path: string): Promise<{ blob: Blob; headers: Headers }> {
  const res = await fetch(path, { method: 'POST', credentials: 'same-origin' });
  if (res.ok) return { blob: await res.blob(), headers: res.headers };
  return failure(res, path);
}

/** A refused request as an ApiError (the problem+json's detail and field issues). */
async function failure(res: Response, path: string): Promise<never> {
  let problem: {
    code?: string;
    detail?: string;
    title?: string;
    issues?: { field: string; message: string }[];
    field?: string;
  } = {};
  try {
    problem = await res.json();
  } catch {
    // not JSON: keep the status text
  }
  const err = new ApiError(
    res.status,
    problem.code ?? 'error',
    problem.detail ?? problem.title ?? res.statusText,
    problem.issues ?? [],
    typeof problem.field === 'string' ? problem.field : undefined,
  );
  if (res.status === 401 && !path.includes('/auth/') && !path.includes('/demo/'))
    for (const l of unauthorizedListeners) l();
  throw err;
}

/**
 * Every page of a cursor-paged list, in order: each response's x-next-cursor header is the next
 * request's `after`, until there is none.
 */
export async function getAllPages<T>(path: string, pageSize = 1000): Promise<T[]> {
  const out: T[] = [];
  let after: string | null = null;
  do {
    const url: string = `${path}${path.includes('?') ? '&' : '?'}limit=${pageSize}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const res: Response = await fetch(url, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    if (!res.ok) return failure(res, url);
    out.push(...((await res.json()) as T[]));
    after = res.headers.get('x-next-cursor');
  } while (after);
  return out;
}

export const get = <T>(p: string) => api<T>('GET', p);
export const post = <T>(p: string, b: unknown = {}) => api<T>('POST', p, b);
export const put = <T>(p: string, b: unknown) => api<T>('PUT', p, b);
export const del = <T>(p: string) => api<T>('DELETE', p);

/** Field errors from a problem: "body.email" → "email". */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ApiError) {
    for (const i of err.issues) out[i.field.replace(/^(body|querystring|query|params)\./, '')] = i.message;
    if (err.field && !out[err.field]) out[err.field] = err.detail;
  }
  return out;
}
