import { ConflictError, ForbiddenError, GoneError, MINUTE, NotFoundError } from '@hotline/common';
import type { AppContext } from '../context.js';
import { requireActor } from '../http/session.js';
import type { App } from '../http/types.js';
import type { CallAccess, CallEvent, LiveHub } from './index.js';
import { liveRoutes } from './index.js';

const LIVE_STATES = ['scheduled', 'briefed', 'in_progress'];

/**
 * Who may join a call's room: its scheduled principals, interpreters and listeners, on a
 * `hotline` call, from the join window before the start until the call is completed.
 */
export function callAccess(ctx: AppContext): CallAccess {
  return {
    async check(callId, actor, now) {
      const call = await ctx.db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst();
      if (!call) throw new NotFoundError('call', callId);
      if (call.channel !== 'hotline')
        throw new ForbiddenError('This call does not use the in-app Hotline channel.');
      const role = [call.principal_id, call.counterpart_principal_id].includes(actor.userId)
        ? 'principal'
        : call.interpreter_ids.includes(actor.userId)
          ? 'interpreter'
          : call.listener_ids.includes(actor.userId)
            ? 'listener'
            : null;
      if (!role)
        throw new ForbiddenError(
          'You are not a participant of this call: only its principals, interpreters and listeners may join.',
        );
      if (!LIVE_STATES.includes(call.state)) {
        throw new GoneError(
          `The call is ${call.state.replace(/_/g, ' ')}; it can no longer be joined.`,
          'call_ended',
        );
      }
      const opens = new Date(
        new Date(call.scheduled_start!).getTime() - ctx.calls.policy.joinWindowMinutes * MINUTE,
      );
      if (now < opens) {
        throw new ForbiddenError(
          `The call window opens ${ctx.calls.policy.joinWindowMinutes} minutes before the start, at ${opens.toISOString()}.`,
        );
      }
      return { role, canSend: role !== 'listener' };
    },
  };
}

/** Every join, leave, mute and verification becomes a call-log entry and a record; the last principal leaving ends the call. */
export async function onCallEvent(ctx: AppContext, ev: CallEvent): Promise<void> {
  const details: Record<string, unknown> = { peerId: ev.peerId, role: ev.role, displayName: ev.displayName };
  if (ev.kind === 'join')
    await ctx.calls.logEntry(ev.callId, ev.role === 'listener' ? 'listening' : 'joined', ev.userId, details);
  else if (ev.kind === 'mute')
    await ctx.calls.logEntry(ev.callId, ev.muted ? 'muted' : 'unmuted', ev.userId, details);
  else if (ev.kind === 'verification') {
    await ctx.calls.logEntry(
      ev.callId,
      ev.result === 'verified' ? 'verified' : ev.result === 'mismatch' ? 'mismatch' : 'unverified',
      ev.userId,
      {
        ...details,
        code: ev.code,
        with: ev.withDisplayName,
        withUserId: ev.withUserId,
      },
    );
  } else if (ev.kind === 'leave') {
    await ctx.calls.logEntry(ev.callId, 'left', ev.userId, { ...details, reason: ev.reason });
    if (ev.role === 'principal' && !ev.remaining.some((r) => r.role === 'principal')) {
      try {
        await ctx.calls.endFromLive(
          ev.callId,
          `${ev.displayName} hung up; no principal remained on the line.`,
        );
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  }
}

export async function wireLive(app: App, ctx: AppContext): Promise<LiveHub> {
  const hub = await liveRoutes(app, {
    authenticate: (req) => requireActor(ctx, req),
    callAccess: callAccess(ctx),
    onCallEvent: (ev) => onCallEvent(ctx, ev),
    logger: app.log,
    clock: ctx.clock,
    iceServers: ctx.cfg.iceServers,
    allowedOrigins: [ctx.cfg.publicUrl],
  });
  ctx.calls.onEnded((callId) => hub.endCall(callId, 'The secretariat ended the call.'));
  return hub;
}
