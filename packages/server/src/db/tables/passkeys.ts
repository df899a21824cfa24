export const passkeysTableName = 'passkeys';

export interface PasskeysTable {
  /** base64url credential id */
  id: string;
  user_id: string;
  public_key: Uint8Array;
  counter: string;
  transports: string[];
  device_type: string;
  backed_up: boolean;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}
