import { type KeyPackageBundle, newDeviceKeyPackage, newSignatureKeyPair } from '@hotline/e2ee';
import type { AppContext } from '../../src/context.js';
import type { Actor } from '../../src/policy/policy.js';

/**
 * Devices of people in messaging tests: each (person, device) gets one signature key pair and a
 * credential from the server's authentication service (as after a passkey sign-in); its key
 * packages all carry that key, as a real device's do.
 */
export function messagingDevices(ctx: () => AppContext) {
  const devices = new Map<string, Promise<{ publicKey: Uint8Array; signKey: Uint8Array }>>();
  const keysOf = (a: Actor, deviceId: string) => {
    const k = `${a.userId}/${deviceId}`;
    let p = devices.get(k);
    if (!p) {
      p = (async () => {
        const kp = await newSignatureKeyPair();
        await ctx().messagingCredentials.issue(a, 'passkey', {
          deviceId,
          signaturePublicKey: Buffer.from(kp.publicKey).toString('base64'),
        });
        return kp;
      })();
      devices.set(k, p);
    }
    return p;
  };
  return {
    keysOf,
    async keyPackage(a: Actor, deviceId: string): Promise<KeyPackageBundle> {
      return newDeviceKeyPackage(
        { kind: 'person', officeId: a.officeId, personId: a.userId, deviceId },
        await keysOf(a, deviceId),
      );
    },
  };
}
