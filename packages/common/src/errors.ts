/**
 * Errors a person can act on. Every error the services raise is a HotlineError; the HTTP
 * layer maps it to RFC 9457 problem+json using `status`, `code` and `detail`. `detail` must
 * say what was wrong, with which input, and what to do. Anything else that escapes is a 500
 * whose internals are logged, never sent.
 */
export interface ProblemExtras {
  [key: string]: unknown;
}

export class HotlineError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly extras: ProblemExtras;

  constructor(status: number, code: string, title: string, detail: string, extras: ProblemExtras = {}) {
    super(detail);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.title = title;
    this.extras = extras;
  }

  get detail(): string {
    return this.message;
  }
}

/** Input that does not parse or breaks a rule. `field` names where, when there is one place. */
export class ValidationError extends HotlineError {
  constructor(detail: string, extras: ProblemExtras & { field?: string } = {}) {
    super(400, 'validation_failed', 'The request is not valid', detail, extras);
  }
}

export class AuthenticationError extends HotlineError {
  constructor(detail = 'Sign in first: this needs a signed-in session.', code = 'unauthenticated') {
    super(401, code, 'Not signed in', detail);
  }
}

export class ForbiddenError extends HotlineError {
  constructor(detail: string, extras: ProblemExtras = {}) {
    super(403, 'forbidden', 'Not allowed', detail, extras);
  }
}

export class NotFoundError extends HotlineError {
  constructor(what: string, id: string) {
    super(404, 'not_found', 'Not found', `No ${what} with id "${id}" exists, or you may not see it.`, {
      what,
      id,
    });
  }
}

/** The request conflicts with the current state, e.g. an illegal lifecycle transition. */
export class ConflictError extends HotlineError {
  constructor(detail: string, extras: ProblemExtras = {}) {
    super(409, 'conflict', 'Conflict with the current state', detail, extras);
  }
}

export class GoneError extends HotlineError {
  constructor(detail: string, code = 'gone') {
    super(410, code, 'No longer valid', detail);
  }
}

export class RateLimitError extends HotlineError {
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'rate_limited', 'Too many requests', detail, { retryAfter: retryAfterSeconds });
  }
}

/**
 * Backpressure: the system is healthy but will not take more work right now. HTTP maps this
 * to 503 with a Retry-After header (tessera's PushbackError).
 */
export class PushbackError extends HotlineError {
  constructor(
    detail: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(503, 'pushback', 'Busy, try again shortly', detail, { retryAfter: retryAfterSeconds });
  }
}

/** A configuration value that cannot be used. Names the variable and what it accepts. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export function isHotlineError(err: unknown): err is HotlineError {
  return err instanceof HotlineError;
}
