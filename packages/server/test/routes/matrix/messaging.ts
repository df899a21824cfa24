import {
  AcceptedCommitSchema,
  AcceptedMessageSchema,
  AuthoritySchema,
  ClaimedKeyPackagesSchema,
  ConversationsSchema,
  CredentialSchema,
  CredentialsSchema,
  GroupMessagesSchema,
  GroupSchema,
  GroupSettingsSchema,
  MessagingDirectorySchema,
  PublishedKeyPackagesSchema,
  ReadSchema,
  RecordsMemberSchema,
  RecordsMembersSchema,
  RevokedDeviceSchema,
  StoredBlobSchema,
  WelcomesSchema,
} from '@hotline/contract';
import {
  commitChanges,
  createConversation,
  decodeKeyPackage,
  encryptMessage,
  newArchiveKeyPair,
  newKeyPackage,
  newSignatureKeyPair,
  type RecordsDirectory,
  verifyCredential,
} from '@hotline/e2ee';
import { expect } from 'vitest';
import type { Actor } from '../../../src/policy/policy.js';
import { messagingDevices } from '../../helpers/messaging.js';
import { type Caller, detail, type MatrixWorld, type RouteTable } from './harness.js';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/**
 * Messaging's delivery service (messaging/ in the server; MLS clients from packages/e2ee). Any
 * signed-in person may publish their own key packages, claim others' and start a conversation;
 * a conversation's routes answer its members only, so each caller's request is built on a
 * conversation that caller started. Publishing the office's records member is log.admin.
 */
export const messagingRoutes = (w: MatrixWorld): RouteTable => {
  /** Who acts for a caller; anonymous requests are built as staff's and refused before they count. */
  const actorOf = (caller: Caller): Actor => w.us(caller === 'anonymous' ? 'staff' : caller);
  const devices = messagingDevices(() => w.t.ctx);
  /** A key package of a new device of this person (with its credential). */
  const deviceKeyPackage = (a: Actor) => devices.keyPackage(a, `matrix-${w.next()}`);

  let directory: Promise<RecordsDirectory> | undefined;
  /** The US office's records member, published once for the file. */
  const recordsDirectory = () => {
    directory ??= (async () => {
      const officer = w.us('records');
      const kp = await newKeyPackage({ kind: 'records', officeId: officer.officeId });
      await w.t.ctx.messaging.publishRecordsMember(
        officer,
        b64(kp.publicBytes),
        b64((await newArchiveKeyPair()).publicKey),
      );
      return new Map([[officer.officeId, decodeKeyPackage(kp.publicBytes).leafNode.signaturePublicKey]]);
    })();
    return directory;
  };

  /** A conversation the caller started, with the office's records member added (epoch 1). */
  const conversation = async (caller: Caller) => {
    const a = actorOf(caller);
    const dir = await recordsDirectory();
    const own = await deviceKeyPackage(a);
    const g = await w.t.ctx.messaging.createGroup(a, b64(own.publicBytes));
    const s = await createConversation(new TextEncoder().encode(g.id), own, dir);
    const rec = await w.t.ctx.messaging.claimKeyPackages(a, { recordsOfficeId: a.officeId });
    const added = await commitChanges(s, {
      add: rec.keyPackages.map((k) => new Uint8Array(Buffer.from(k.data, 'base64'))),
    });
    await w.t.ctx.messaging.postCommit(a, g.id, { commit: b64(added.commit), welcome: b64(added.welcome!) });
    return { groupId: g.id, session: added.session };
  };

  return {
    'POST /api/v1/messaging/key-packages': [
      {
        what: "publishing one's own key packages",
        access: 'signed-in',
        request: async (_fx, caller) => {
          const kp = await deviceKeyPackage(actorOf(caller));
          return {
            method: 'POST',
            url: '/api/v1/messaging/key-packages',
            payload: { keyPackages: [{ data: b64(kp.publicBytes), lastResort: true }] },
          };
        },
        status: 201,
        body: detail(PublishedKeyPackagesSchema),
      },
    ],
    'POST /api/v1/messaging/key-packages/claim': [
      {
        what: "claiming a person's key packages",
        access: 'signed-in',
        fixture: async () => {
          const target = w.us('principal', 'ca-pmo');
          const kps = await Promise.all(
            Array.from({ length: 3 }, () => devices.keyPackage(target, 'ca-phone')),
          );
          await w.t.ctx.messaging.publishKeyPackages(
            target,
            kps.map((k, i) => ({ data: b64(k.publicBytes), lastResort: i === 2 })),
          );
          return { target: target.userId };
        },
        request: (fx) => ({
          method: 'POST',
          url: '/api/v1/messaging/key-packages/claim',
          payload: { userId: fx.target },
        }),
        body: (res) =>
          expect(ClaimedKeyPackagesSchema.parse(res.json()).keyPackages.length).toBeGreaterThan(0),
      },
    ],
    'GET /api/v1/messaging/records-members': [
      {
        what: "the offices' records-member keys",
        access: 'signed-in',
        fixture: async () => {
          await recordsDirectory();
          return {};
        },
        request: () => ({ method: 'GET', url: '/api/v1/messaging/records-members' }),
        body: (res) => expect(RecordsMembersSchema.parse(res.json()).length).toBeGreaterThan(0),
      },
    ],
    'POST /api/v1/messaging/records-members': [
      {
        what: "publishing the office's records member",
        access: ['records', 'admin'],
        request: async (_fx, caller) => {
          const kp = await newKeyPackage({ kind: 'records', officeId: actorOf(caller).officeId });
          return {
            method: 'POST',
            url: '/api/v1/messaging/records-members',
            payload: {
              keyPackage: b64(kp.publicBytes),
              archivePublicKey: b64((await newArchiveKeyPair()).publicKey),
            },
          };
        },
        status: 201,
        body: (res) => {
          RecordsMemberSchema.parse(res.json());
          // The matrix's own conversations check against the key published first: keep it current.
          directory = undefined;
        },
      },
    ],
    'POST /api/v1/messaging/groups': [
      {
        what: 'starting a conversation',
        access: 'signed-in',
        request: async (_fx, caller) => {
          const kp = await deviceKeyPackage(actorOf(caller));
          return {
            method: 'POST',
            url: '/api/v1/messaging/groups',
            payload: { creatorKeyPackage: b64(kp.publicBytes) },
          };
        },
        status: 201,
        body: (res) => expect(GroupSchema.parse(res.json()).epoch).toBe(0),
      },
    ],
    'GET /api/v1/messaging/groups/:id': [
      {
        what: 'a conversation the caller is in',
        access: 'signed-in',
        request: async (_fx, caller) => ({
          method: 'GET',
          url: `/api/v1/messaging/groups/${(await conversation(caller)).groupId}`,
        }),
        body: (res) =>
          expect(GroupSchema.parse(res.json()).roster.map((l) => l.kind)).toEqual(['person', 'records']),
      },
    ],
    'POST /api/v1/messaging/groups/:id/commits': [
      {
        what: 'a Commit to a conversation the caller is in',
        access: 'signed-in',
        request: async (_fx, caller) => {
          const c = await conversation(caller);
          const next = await commitChanges(c.session, {});
          return {
            method: 'POST',
            url: `/api/v1/messaging/groups/${c.groupId}/commits`,
            payload: { commit: b64(next.commit) },
          };
        },
        status: 201,
        body: (res) => expect(AcceptedCommitSchema.parse(res.json()).epoch).toBe(2),
      },
    ],
    'POST /api/v1/messaging/groups/:id/messages': [
      {
        what: 'a message to a conversation the caller is in',
        access: 'signed-in',
        request: async (_fx, caller) => {
          const c = await conversation(caller);
          const m = await encryptMessage(c.session, new TextEncoder().encode('matrix message'));
          return {
            method: 'POST',
            url: `/api/v1/messaging/groups/${c.groupId}/messages`,
            payload: { message: b64(m.message) },
          };
        },
        status: 201,
        body: (res) => expect(AcceptedMessageSchema.parse(res.json()).epoch).toBe(1),
      },
    ],
    'GET /api/v1/messaging/groups/:id/messages': [
      {
        what: "a conversation's messages",
        access: 'signed-in',
        request: async (_fx, caller) => ({
          method: 'GET',
          url: `/api/v1/messaging/groups/${(await conversation(caller)).groupId}/messages?after=0`,
        }),
        body: (res) =>
          expect(GroupMessagesSchema.parse(res.json()).messages.map((m) => m.kind)).toEqual(['commit']),
      },
    ],
    'GET /api/v1/messaging/authority': [
      {
        what: "the messaging authority's public key",
        access: 'signed-in',
        request: () => ({ method: 'GET', url: '/api/v1/messaging/authority' }),
        body: detail(AuthoritySchema),
      },
    ],
    'POST /api/v1/messaging/credentials': [
      {
        what: "a credential for one of the caller's devices",
        access: 'signed-in',
        request: async () => ({
          method: 'POST',
          url: '/api/v1/messaging/credentials',
          payload: {
            deviceId: `matrix-${w.next()}`,
            signaturePublicKey: b64((await newSignatureKeyPair()).publicKey),
          },
        }),
        status: 201,
        body: async (res) => {
          const c = CredentialSchema.parse(res.json());
          const authority = await w.t.ctx.messagingCredentials.authorityKey();
          expect(
            await verifyCredential(c, new Uint8Array(Buffer.from(authority.publicKey, 'base64'))),
          ).toEqual({
            ok: true,
          });
        },
      },
    ],
    'GET /api/v1/messaging/credentials': [
      {
        what: "a person's credentials",
        access: 'signed-in',
        fixture: async () => {
          const target = w.us('principal', 'ca-pmo');
          await devices.keysOf(target, 'ca-phone');
          return { target: target.userId };
        },
        request: (fx) => ({ method: 'GET', url: `/api/v1/messaging/credentials?personId=${fx.target}` }),
        body: (res) => expect(CredentialsSchema.parse(res.json()).items.length).toBeGreaterThan(0),
      },
    ],
    'DELETE /api/v1/messaging/credentials/:deviceId': [
      {
        what: "removing one of the caller's devices",
        access: 'signed-in',
        request: async (_fx, caller) => {
          const deviceId = `matrix-${w.next()}`;
          await devices.keysOf(actorOf(caller), deviceId);
          return { method: 'DELETE', url: `/api/v1/messaging/credentials/${deviceId}` };
        },
        body: (res) => expect(RevokedDeviceSchema.parse(res.json()).revoked).toBe(1),
      },
    ],
    'GET /api/v1/messaging/directory': [
      {
        what: 'the people the caller may message',
        access: 'signed-in',
        request: () => ({ method: 'GET', url: '/api/v1/messaging/directory' }),
        body: (res) => expect(MessagingDirectorySchema.parse(res.json()).items.length).toBeGreaterThan(0),
      },
    ],
    'GET /api/v1/messaging/conversations': [
      {
        what: "the caller's conversations",
        access: 'signed-in',
        request: async (_fx, caller) => {
          await conversation(caller);
          return { method: 'GET', url: '/api/v1/messaging/conversations' };
        },
        body: (res) => {
          const items = ConversationsSchema.parse(res.json()).items;
          expect(items.length).toBeGreaterThan(0);
          expect(items.some((i) => i.preservedBy.length === 1)).toBe(true);
        },
      },
    ],
    'POST /api/v1/messaging/groups/:id/read': [
      {
        what: 'marking a conversation read',
        access: 'signed-in',
        request: async (_fx, caller) => ({
          method: 'POST',
          url: `/api/v1/messaging/groups/${(await conversation(caller)).groupId}/read`,
          payload: { seq: 0 },
        }),
        body: detail(ReadSchema),
      },
    ],
    'PUT /api/v1/messaging/groups/:id/settings': [
      {
        what: 'disappearing messages in a conversation',
        access: 'signed-in',
        request: async (_fx, caller) => ({
          method: 'PUT',
          url: `/api/v1/messaging/groups/${(await conversation(caller)).groupId}/settings`,
          payload: { disappearAfterSeconds: 3600 },
        }),
        body: (res) => expect(GroupSettingsSchema.parse(res.json()).disappearAfterSeconds).toBe(3600),
      },
    ],
    'POST /api/v1/messaging/groups/:id/blobs': [
      {
        what: 'an encrypted file to a conversation',
        access: 'signed-in',
        request: async (_fx, caller) => ({
          method: 'POST',
          url: `/api/v1/messaging/groups/${(await conversation(caller)).groupId}/blobs`,
          payload: Buffer.from('ciphertext of a file'),
          headers: { 'content-type': 'application/octet-stream' },
        }),
        status: 201,
        body: (res) => expect(StoredBlobSchema.parse(res.json()).bytes).toBe(20),
      },
    ],
    'GET /api/v1/messaging/groups/:id/blobs/:blobId': [
      {
        what: 'an encrypted file of a conversation',
        access: 'signed-in',
        request: async (_fx, caller) => {
          const c = await conversation(caller);
          const stored = await w.t.ctx.messaging.uploadBlob(
            actorOf(caller),
            c.groupId,
            new Uint8Array([1, 2, 3]),
          );
          return { method: 'GET', url: `/api/v1/messaging/groups/${c.groupId}/blobs/${stored.id}` };
        },
        body: (res) => expect([...res.rawPayload]).toEqual([1, 2, 3]),
      },
    ],
    // The records member's routes: no person's session opens them (403 with one, 401 without);
    // a records member signs each request (records-member-process.db.test.ts runs the real one).
    ...Object.fromEntries(
      [
        ['GET', '/api/v1/messaging/records/self'],
        ['GET', '/api/v1/messaging/records/directory'],
        ['GET', '/api/v1/messaging/records/welcomes'],
        ['GET', '/api/v1/messaging/records/groups'],
        ['GET', '/api/v1/messaging/records/groups/:id/messages'],
        ['POST', '/api/v1/messaging/records/groups/:id/archived/:seq'],
      ].map(([method, pattern]) => [
        `${method} ${pattern}`,
        [
          {
            what: "a records member's route, asked with a person's session",
            access: [],
            request: async (_fx: unknown, caller: Caller) => {
              const id = (await conversation(caller)).groupId;
              return {
                method: method as 'GET' | 'POST',
                url: pattern!.replace(':id', id).replace(':seq', '1'),
                ...(method === 'POST'
                  ? {
                      payload: Buffer.from('sealed'),
                      headers: { 'content-type': 'application/octet-stream' },
                    }
                  : {}),
              };
            },
            body: () => {},
          },
        ],
      ]),
    ),
    'GET /api/v1/messaging/welcomes': [
      {
        what: "the caller's Welcomes",
        access: 'signed-in',
        request: () => ({ method: 'GET', url: '/api/v1/messaging/welcomes' }),
        body: detail(WelcomesSchema),
      },
    ],
  };
};
