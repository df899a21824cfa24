import { z } from 'zod';
import { IdSchema } from './common.js';
import { UserSchema } from './identity.js';

/**
 * WebAuthn JSON payloads are validated structurally here and cryptographically by
 * @simplewebauthn/server; we keep the JSON shape loose so authenticator extensions pass.
 */
const WebAuthnJson = z.record(z.string(), z.unknown());

export const RegisterOptionsBody = z.object({ inviteToken: z.string().min(16).max(200) });
export const AddPasskeyOptionsBody = z.object({});
export const OptionsResponse = z.object({ challengeId: IdSchema, options: WebAuthnJson });

export const RegisterVerifyBody = z.object({
  challengeId: IdSchema,
  inviteToken: z.string().min(16).max(200),
  response: WebAuthnJson,
  passkeyName: z.string().trim().min(1).max(100).optional(),
});
export const AddPasskeyVerifyBody = z.object({
  challengeId: IdSchema,
  response: WebAuthnJson,
  passkeyName: z.string().trim().min(1).max(100).optional(),
});
export const LoginOptionsBody = z.object({});
export const LoginVerifyBody = z.object({ challengeId: IdSchema, response: WebAuthnJson });
export const SignedInSchema = z.object({ user: UserSchema });
