/**
 * Response types derived from the zod contract, so the web app follows any change to the API.
 * `ReturnType<S['parse']>` is the schema's output type without importing zod here.
 */
import type {
  DemoPersonaSchema,
  InviteCreatedSchema,
  InviteInfoSchema,
  MetaSchema,
  OptionsResponse,
} from '@hotline/contract';

type Out<S extends { parse(v: unknown): unknown }> = ReturnType<S['parse']>;

export type {
  Me,
  Office,
  Passkey,
  PasskeyRevoked,
  PendingInvite,
  RoleGrant,
  Session,
  User,
} from '@hotline/contract';
export type Meta = Out<typeof MetaSchema>;
export type DemoPersona = Out<typeof DemoPersonaSchema>;
export type InviteInfo = Out<typeof InviteInfoSchema>;
export type InviteCreated = Out<typeof InviteCreatedSchema>;
/** The WebAuthn options are typed loosely by the contract; @simplewebauthn/browser checks them. */
export type WebAuthnOptions = Out<typeof OptionsResponse>;
