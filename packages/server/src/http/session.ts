import { AuthenticationError } from '@hotline/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { IssuedSession, ResolvedSession } from '../identity/auth-service.js';
import type { Actor } from '../policy/policy.js';

export const SESSION_COOKIE = 'hotline_session';

declare module 'fastify' {
  interface FastifyRequest {
    hotlineSession?: ResolvedSession;
  }
}

export async function requireSession(ctx: AppContext, req: FastifyRequest): Promise<ResolvedSession> {
  if (req.hotlineSession) return req.hotlineSession;
  const raw = req.cookies[SESSION_COOKIE];
  let token: string | undefined;
  if (raw) {
    const unsigned = req.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) {
      throw new AuthenticationError(
        'Your session cookie has been tampered with or is not valid. Sign in again.',
        'invalid_session',
      );
    }
    token = unsigned.value;
  }
  const s = await ctx.auth.resolveSession(token);
  req.hotlineSession = s;
  return s;
}

export async function requireActor(ctx: AppContext, req: FastifyRequest): Promise<Actor> {
  return (await requireSession(ctx, req)).actor;
}

export function setSessionCookie(ctx: AppContext, reply: FastifyReply, s: IssuedSession): void {
  reply.setCookie(SESSION_COOKIE, s.token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.cfg.publicUrl.startsWith('https:'),
    path: '/',
    signed: true,
    expires: s.expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
