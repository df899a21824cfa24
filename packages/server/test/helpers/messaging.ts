import { writeFileSync } from 'node:fs';
import {
  commitChanges,
  createConversation,
  decodeKeyPackage,
  type KeyPackageBundle,
  newArchiveKeyPair,
  newDeviceKeyPackage,
  newKeyPackage,
  newSignatureKeyPair,
  type RecordsDirectory,
} from '@hotline/e2ee';
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

export const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
export const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
export const enc = (s: string) => new TextEncoder().encode(s);

/**
 * Write an office's messaging archive private key as a `hotline-messaging-archive/1` key file
 * (mode 0600), the form `hotline messages open-archive --key` and `keys split --messaging-keys` read.
 */
export function writeMessagingArchiveKeyFile(path: string, officeId: string, privateKey: Uint8Array): void {
  writeFileSync(
    path,
    JSON.stringify({ kind: 'hotline-messaging-archive/1', officeId, privateKey: b64(privateKey) }),
    { mode: 0o600 },
  );
}

/**
 * A records officer publishes the office's records member: a new records key package (or the one
 * given, e.g. a records-member process's) and a new archive key pair (or the one given). Returns
 * them and the signature key clients accept for the office (for the records directory).
 */
export async function publishRecordsMember(
  ctx: AppContext,
  officer: Actor,
  given: { bundle?: KeyPackageBundle; archive?: { publicKey: Uint8Array; privateKey: Uint8Array } } = {},
) {
  const bundle = given.bundle ?? (await newKeyPackage({ kind: 'records', officeId: officer.officeId }));
  const archive = given.archive ?? (await newArchiveKeyPair());
  const published = await ctx.messaging.publishRecordsMember(
    officer,
    b64(bundle.publicBytes),
    b64(archive.publicKey),
  );
  const signatureKey = decodeKeyPackage(bundle.publicBytes).leafNode.signaturePublicKey;
  return { bundle, archive, signatureKey, published };
}

/**
 * A conversation as a client starts one: the creator's device registers it (leaf 0), claims a key
 * package of each member named (a person's devices, or an office's records member), and adds them
 * all in one Commit, accepted with its Welcome. Returns the creator's session after the Commit.
 */
export async function startConversation(
  ctx: AppContext,
  devices: ReturnType<typeof messagingDevices>,
  creator: Actor,
  deviceId: string,
  directory: RecordsDirectory,
  members: ({ userId: string } | { recordsOfficeId: string })[],
) {
  const own = await devices.keyPackage(creator, deviceId);
  const g = await ctx.messaging.createGroup(creator, b64(own.publicBytes));
  const session = await createConversation(enc(g.id), own, directory);
  const claimed: { ref: string; deviceId: string | null; data: string; lastResort: boolean }[] = [];
  for (const m of members) claimed.push(...(await ctx.messaging.claimKeyPackages(creator, m)).keyPackages);
  const add = await commitChanges(session, { add: claimed.map((k) => unb64(k.data)) });
  const commit = await ctx.messaging.postCommit(creator, g.id, {
    commit: b64(add.commit),
    welcome: b64(add.welcome!),
  });
  return { groupId: g.id, session: add.session, claimed, commit, welcome: add.welcome! };
}
