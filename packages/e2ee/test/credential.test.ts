import { describe, expect, it } from 'vitest';
import {
  type Credential,
  credentialMessage,
  decodeKeyPackage,
  formatSafetyCode,
  inspectKeyPackage,
  newDeviceKeyPackage,
  newSignatureKeyPair,
  safetyCode,
  signCredential,
  toBase64,
  verifyCredential,
} from '../src/index.js';

const issued = async (authority: { signKey: Uint8Array }, personId: string, deviceId: string) => {
  const device = await newSignatureKeyPair();
  return signCredential(authority.signKey, {
    officeId: 'office-1',
    personId,
    deviceId,
    signaturePublicKey: toBase64(device.publicKey),
    issuedAt: '2026-03-02T14:00:00.000Z',
  });
};

describe('credentials of the authentication service', () => {
  it('signs the exact text of the contract, with the fields in a fixed order', () => {
    const text = new TextDecoder().decode(
      credentialMessage({
        issuedAt: 't',
        signaturePublicKey: 'k',
        deviceId: 'd',
        personId: 'p',
        officeId: 'o',
      }),
    );
    expect(text).toBe(
      'hotline-credential/1\n{"officeId":"o","personId":"p","deviceId":"d","signaturePublicKey":"k","issuedAt":"t"}',
    );
  });

  it('verifies under the authority key, and refuses another authority, a changed field, another person', async () => {
    const authority = await newSignatureKeyPair();
    const other = await newSignatureKeyPair();
    const c = await issued(authority, 'alice', 'phone');
    expect(await verifyCredential(c, authority.publicKey)).toEqual({ ok: true });
    expect(await verifyCredential(c, other.publicKey)).toMatchObject({
      ok: false,
      reason: /does not verify/,
    });
    const moved: Credential = { ...c, deviceId: 'laptop' };
    expect(await verifyCredential(moved, authority.publicKey)).toMatchObject({ ok: false });
    expect(await verifyCredential(c, authority.publicKey, { personId: 'bob' })).toMatchObject({
      ok: false,
      reason: /not bob/,
    });
    const otherKey = await newSignatureKeyPair();
    expect(
      await verifyCredential(c, authority.publicKey, { signaturePublicKey: otherKey.publicKey }),
    ).toMatchObject({ ok: false, reason: /another signature key/ });
  });

  it('gives a person one 30-digit safety code for all their devices, whatever the order, and a new one when a device is added', async () => {
    const authority = await newSignatureKeyPair();
    const phone = await issued(authority, 'alice', 'phone');
    const laptop = await issued(authority, 'alice', 'laptop');
    const bobs = await issued(authority, 'bob', 'phone');
    const code = await safetyCode('alice', [phone, laptop, bobs]);
    expect(code).toMatch(/^\d{30}$/);
    expect(await safetyCode('alice', [laptop, phone])).toBe(code);
    expect(await safetyCode('alice', [phone])).not.toBe(code);
    const tablet = await issued(authority, 'alice', 'tablet');
    expect(await safetyCode('alice', [phone, laptop, tablet])).not.toBe(code);
    expect(await safetyCode('bob', [bobs])).not.toBe(
      await safetyCode('alice', [{ ...bobs, personId: 'alice' }]),
    );
    expect(formatSafetyCode(code)).toMatch(/^(\d{5} ){5}\d{5}$/);
    await expect(safetyCode('carol', [phone])).rejects.toThrow(/no credential for carol/);
  });

  it("makes every key package of a device with the device's one signature key", async () => {
    const keys = await newSignatureKeyPair();
    const id = { kind: 'person' as const, officeId: 'o', personId: 'p', deviceId: 'd' };
    const a = await newDeviceKeyPackage(id, keys);
    const b = await newDeviceKeyPackage(id, keys);
    expect(decodeKeyPackage(a.publicBytes).leafNode.signaturePublicKey).toEqual(keys.publicKey);
    expect((await inspectKeyPackage(b.publicBytes)).signatureKey).toEqual(keys.publicKey);
    expect((await inspectKeyPackage(a.publicBytes)).ref).not.toBe(
      (await inspectKeyPackage(b.publicBytes)).ref,
    );
  });
});
