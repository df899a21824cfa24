import { isHotlineError, newId } from '@hotline/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

const TYPE_BASE = 'https://hotline.example/problems/';

export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  title: string,
  detail: string,
  extras: Record<string, unknown> = {},
): FastifyReply {
  return reply
    .status(status)
    .type('application/problem+json')
    .send({ type: `${TYPE_BASE}${code}`, title, status, detail, code, ...extras });
}

/** RFC 9457 problem+json for every error. A 5xx never leaks internals: it carries an id to quote. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isHotlineError(err)) {
    if ('retryAfterSeconds' in err && typeof err.retryAfterSeconds === 'number') {
      reply.header('Retry-After', String(err.retryAfterSeconds));
    }
    if (err.status >= 500) req.log.warn({ err }, 'service refused');
    return sendProblem(reply, err.status, err.code, err.title, err.detail, {
      ...err.extras,
      instance: req.url,
    });
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'request';
    const issues = err.validation.map((v) => {
      const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      return { field: `${where}${path ? `.${path}` : ''}`, message: v.message ?? 'is not valid' };
    });
    const detail = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    return sendProblem(
      reply,
      400,
      'validation_failed',
      'The request is not valid',
      `Fix these fields and try again: ${detail}.`,
      {
        issues,
      },
    );
  }
  if (err.statusCode === 429) {
    return sendProblem(
      reply,
      429,
      'rate_limited',
      'Too many requests',
      err.message || 'Slow down and try again shortly.',
    );
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    const detail =
      err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'Send the body as application/json.'
        : err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'The request body is empty; send a JSON object.'
          : err.message;
    return sendProblem(reply, err.statusCode, 'bad_request', 'The request could not be processed', detail);
  }
  const errorId = newId();
  req.log.error({ err, errorId }, 'unhandled error');
  return sendProblem(
    reply,
    500,
    'internal_error',
    'Something went wrong on our side',
    `The server could not complete this request. It has been logged; quote error id ${errorId} to support.`,
    { errorId },
  );
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(
    reply,
    404,
    'not_found',
    'Not found',
    `There is nothing at ${req.method} ${req.url.split('?')[0]}. See /api/docs for the API.`,
  );
}
