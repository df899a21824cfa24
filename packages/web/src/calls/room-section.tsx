import type { CallDetail } from '@hotline/contract';
import { CallRoom } from '../rtc/CallRoom';
import { NotesPad } from './notes-pad';

const ROOM_STATES = ['scheduled', 'briefed', 'in_progress'];
const NOTES_STATES = [...ROOM_STATES, 'completed', 'memcon_draft'];

/**
 * The call room of an in-app call (for its participants), and a listener's private notes pad
 * (during the call and after it, until the memcon is final). The principal's "End the call for
 * everyone" sits in the room apart from "Leave"; the call log reloads when who is on the line
 * changes.
 */
export function RoomSection({
  call,
  me,
  zone,
  participant,
  canEnd,
  onEnd,
  onActivity,
}: {
  call: CallDetail;
  me: { userId: string; displayName: string };
  zone: string;
  participant: boolean;
  canEnd: boolean;
  onEnd: () => void;
  onActivity: () => void;
}) {
  const listener = call.listeners.some((l) => l.id === me.userId);
  const room = call.channel === 'hotline' && ROOM_STATES.includes(call.state) && participant;
  return (
    <>
      {room && (
        <section className="panel" aria-labelledby="room">
          <h2 id="room">Secure call room</h2>
          <CallRoom
            callId={call.id}
            me={me}
            opensAt={call.joinOpensAt}
            opensInSeconds={call.joinOpensInSeconds}
            zone={zone}
            onActivity={onActivity}
            {...(canEnd ? { onEnd } : {})}
          />
        </section>
      )}
      {listener && NOTES_STATES.includes(call.state) && <NotesPad callId={call.id} zone={zone} />}
    </>
  );
}
