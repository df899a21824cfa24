import type { ColumnType, Generated } from 'kysely';

/** A server process taking part in live calls, alive while its heartbeat is recent. */
export interface LiveNodesTable {
  node_id: string;
  heartbeat_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A peer in a call's room, whichever node holds its socket (the room's authoritative membership). */
export interface LivePeersTable {
  peer_id: string;
  call_id: string;
  user_id: string;
  office_id: string;
  display_name: string;
  roles: ColumnType<string[], string, string>;
  role: string;
  can_send: boolean;
  muted: ColumnType<boolean, boolean | undefined, boolean>;
  speaking: ColumnType<boolean, boolean | undefined, boolean>;
  /** sha-256 of the peer's current resume token (hex); a resume on any node swaps it. */
  resume_token_hash: string;
  node_id: string;
  joined_at: ColumnType<Date, Date | undefined, never>;
}

/** A relayed payload too big for NOTIFY (over 8,000 bytes: SDP offers can be); the notification names its id. */
export interface LiveMessagesTable {
  id: Generated<string>;
  payload: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** Request counts per rate-limit key and window, shared by every node. */
export interface RateLimitsTable {
  key: string;
  hits: number;
  resets_at: ColumnType<Date, Date | string, Date | string>;
}
