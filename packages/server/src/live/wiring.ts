import { ConflictError } from '@hotline/common';
import { RECORDS_AUTH_SCHEME } from '@hotline/e2ee';
import type { AppContext } from '../context.js';
import { requireSession } from '../http/session.js';
import type { App } from '../http/types.js';
import { recordsChannel } from '../messaging/events.js';
import { requireRecordsMember } from '../messaging/records-routes.js';
import { authorizeCallJoin } from '../policy/policy.js';
import { type Backplane, newNodeId } from './backplane.js';
import { MemoryBackplane } from './backplane-memory.js';
import { PostgresBackplane } from './backplane-postgres.js';
import type { CallAccess, CallEvent, LiveHub } from './index.js';
import { liveRoutes } from './index.js';
import { LiveRepository } from './repository.js';

/**
 * Who may join a call's room: the calls queries read the call, and the policy decides (its
 * scheduled principals, interpreters and listeners, on a `hotline` call, from the join window
 * before the start until the call is completed).
 */
export function callAccess(ctx: AppContext): CallAccess {
  return {
    async check(callId, actor, now) {
      const call = await ctx.calls.queries.joinFacts(callId);
      const zone = await ctx.calls.queries.zoneOf(actor.userId);
      return authorizeCallJoin(call, actor.userId, now, ctx.calls.policy, zone);
    },
  };
}

/** Every join, leave, mute and verification becomes a call-log entry and a record; the last principal leaving ends the call. */
export async function onCallEvent(ctx: AppContext, ev: CallEvent): Promise<void> {
  const details: Record<string, unknown> = { peerId: ev.peerId, role: ev.role, displayName: ev.displayName };
  if (ev.kind === 'join')
    await ctx.calls.callLog.logEntry(
      ev.callId,
      ev.role === 'listener' ? 'listening' : 'joined',
      ev.userId,
      details,
    );
  else if (ev.kind === 'mute')
    await ctx.calls.callLog.logEntry(ev.callId, ev.muted ? 'muted' : 'unmuted', ev.userId, details);
  else if (ev.kind === 'verification') {
    await ctx.calls.callLog.logEntry(
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
    await ctx.calls.callLog.logEntry(ev.callId, 'left', ev.userId, { ...details, reason: ev.reason });
    if (ev.role === 'principal' && !ev.remaining.some((r) => r.role === 'principal')) {
      try {
        await ctx.calls.callLog.endFromLive(
          ev.callId,
          `${ev.displayName} hung up; no principal remained on the line.`,
        );
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  }
}

/**
 * On PostgreSQL the rooms are shared by every node (LISTEN/NOTIFY and live_peers); on the
 * embedded database, one process, they stay in memory.
 */
function backplaneFor(app: App, ctx: AppContext): Backplane {
  const nodeId = newNodeId(process.env.HOTLINE_NODE_ID || undefined);
  const { database } = ctx;
  if (database.kind !== 'postgres' || !database.listen || !database.channel)
    return new MemoryBackplane(nodeId);
  return new PostgresBackplane({
    repo: new LiveRepository(ctx.db),
    listen: database.listen,
    channel: database.channel,
    logger: app.log,
    nodeId,
  });
}

export async function wireLive(app: App, ctx: AppContext): Promise<LiveHub> {
  const hub = await liveRoutes(app, {
    backplane: backplaneFor(app, ctx),
    // The session's id and expiry go with the connection: ending that session, or its expiry, closes it.
    authenticate: async (req) => {
      // An office's records member signs the upgrade with its key (it has no session): it
      // listens on its own channel for its conversations' events and may join no call.
      if (req.headers.authorization?.startsWith(`${RECORDS_AUTH_SCHEME} `)) {
        const officeId = await requireRecordsMember(ctx, req, new Uint8Array(0));
        return {
          userId: recordsChannel(officeId),
          officeId,
          roles: [],
          displayName: `Records member of office ${officeId}`,
        };
      }
      const s = await requireSession(ctx, req);
      return { ...s.actor, sessionId: s.sessionId, expiresAt: s.expiresAt };
    },
    callAccess: callAccess(ctx),
    onCallEvent: (ev) => onCallEvent(ctx, ev),
    logger: app.log,
    clock: ctx.clock,
    iceServers: ctx.cfg.iceServers,
    allowedOrigins: [ctx.cfg.publicUrl],
  });
  ctx.calls.callLog.onEnded((callId) => hub.endCall(callId, 'The secretariat ended the call.'));
  // Notifications reach each socket of the person, on whichever node it is.
  ctx.notifications.setPush((userId, msg) => hub.notifyUser(userId, msg));
  // So do messaging's events (a small message's ciphertext inline), to a conversation's people and records members.
  ctx.messaging.events.setPush((userIds, msg) => hub.notifyUsers(userIds, msg));
  const failed = (err: unknown) =>
    app.log.error({ err }, 'could not close the live connections of ended sessions');
  const offEnded = ctx.auth.sessionEvents.on('ended', (e) => {
    // Deactivation ends every session of the person; sign-out and revocation end the ones named.
    if (e.why === 'deactivated')
      hub.disconnectUser(e.userId, 'Your account has been deactivated.').catch(failed);
    else
      hub
        .disconnectSessions(
          e.userId,
          e.sessionIds,
          e.why === 'signed_out'
            ? 'You signed out of this session. Sign in again to rejoin.'
            : 'This session was ended. Sign in again to rejoin.',
        )
        .catch(failed);
  });
  const offRoles = ctx.auth.sessionEvents.on('roles-changed', (e) => {
    // A role taken away may take access with it: the person reconnects and every check runs again.
    const lost = e.from.filter((r) => !e.to.includes(r));
    if (lost.length > 0)
      hub
        .disconnectUser(
          e.userId,
          `Your roles changed (${lost.join(', ')} removed). Reconnect to continue with your current access.`,
        )
        .catch(failed);
  });
  app.addHook('onClose', async () => {
    offEnded();
    offRoles();
  });
  return hub;
}
