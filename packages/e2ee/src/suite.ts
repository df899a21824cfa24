import { type CiphersuiteImpl, getCiphersuiteFromName, getCiphersuiteImpl } from 'ts-mls';

/** The one cipher suite Hotline enables: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (RFC 9420 suite 1). */
export const SUITE_NAME = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' as const;
export const SUITE_ID = 1;

let impl: Promise<CiphersuiteImpl> | undefined;

export function suite(): Promise<CiphersuiteImpl> {
  impl ??= getCiphersuiteImpl(getCiphersuiteFromName(SUITE_NAME));
  return impl;
}
