import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  WebAuthnError,
} from '@simplewebauthn/browser';
import { post } from './api';
import type { WebAuthnOptions } from './types';

/**
 * The three passkey ceremonies, each: options from the server → the browser's WebAuthn prompt
 * → the signed response back to the server. Errors come out as sentences a person can act on.
 */

/** Sign in with any passkey registered with this Hotline (discoverable credential). */
export async function signInWithPasskey(): Promise<void> {
  const { challengeId, options } = await post<WebAuthnOptions>('/api/v1/auth/login/options', {});
  const response = await ceremony(() => startAuthentication({ optionsJSON: asOptions(options) }), 'sign-in');
  await post('/api/v1/auth/login/verify', { challengeId, response });
}

/** Create the first passkey from a one-time invite; the server signs the person in. */
export async function registerFromInvite(inviteToken: string, passkeyName: string): Promise<void> {
  const { challengeId, options } = await post<WebAuthnOptions>('/api/v1/auth/register/options', {
    inviteToken,
  });
  const response = await ceremony(() => startRegistration({ optionsJSON: asOptions(options) }), 'create');
  await post('/api/v1/auth/register/verify', { challengeId, inviteToken, response, passkeyName });
}

/** Add another passkey (another device) for the signed-in person. */
export async function addPasskey(passkeyName: string): Promise<void> {
  const { challengeId, options } = await post<WebAuthnOptions>('/api/v1/me/passkeys/options', {});
  const response = await ceremony(() => startRegistration({ optionsJSON: asOptions(options) }), 'create');
  await post('/api/v1/me/passkeys/verify', { challengeId, response, passkeyName });
}

// The contract types WebAuthn options as an open JSON record; @simplewebauthn/browser checks
// the shape at run time, so the cast only hands the server's JSON through.
function asOptions<T>(o: Record<string, unknown>): T {
  return o as T;
}

async function ceremony<T>(run: () => Promise<T>, kind: 'sign-in' | 'create'): Promise<T> {
  if (!browserSupportsWebAuthn()) {
    throw new Error(
      'This browser does not support passkeys. Use a current version of Chrome, Edge, Safari or Firefox.',
    );
  }
  try {
    return await run();
  } catch (err) {
    throw new Error(explain(err, kind), { cause: err });
  }
}

function explain(err: unknown, kind: 'sign-in' | 'create'): string {
  const code = err instanceof WebAuthnError ? err.code : undefined;
  const name = err instanceof Error ? err.name : '';
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') {
    return 'This device already holds a passkey for your account. Sign in with it, or use another device.';
  }
  if (code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError') {
    return kind === 'create' ? 'Passkey creation was stopped. Try again.' : 'Sign-in was stopped. Try again.';
  }
  if (name === 'NotAllowedError') {
    return kind === 'create'
      ? 'Passkey creation was cancelled or timed out. Try again, and confirm on your device when it asks.'
      : 'Sign-in was cancelled or timed out, or this device has no passkey for Hotline. Try again, or open your invite link to create one.';
  }
  if (code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID' || name === 'SecurityError') {
    return 'Passkeys do not work at this address. Open Hotline at the address your administrator gave you.';
  }
  return err instanceof Error && err.message ? err.message : 'The passkey prompt failed. Try again.';
}
