import { z } from 'zod';
import { IdSchema } from './common.js';

/**
 * Messaging (end-to-end encrypted with MLS, RFC 9420): the server is the delivery service. It
 * carries MLS messages as base64 and never sees a readable message. Every conversation carries
 * each involved office's records member (see packages/e2ee).
 */

/** MLS message bytes (MLSMessage: key package, PublicMessage, PrivateMessage or Welcome), base64. */
export const MlsBytesSchema = z
  .string()
  .min(4)
  .max(1_400_000)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, { message: 'must be base64 (RFC 4648, with padding)' });

export const PublishKeyPackagesBody = z.object({
  keyPackages: z
    .array(
      z.object({
        data: MlsBytesSchema,
        /** The device's last-resort package: handed out again when its others are used up (RFC 9750 §5.1). */
        lastResort: z.boolean().default(false),
      }),
    )
    .min(1)
    .max(100),
});
export const PublishedKeyPackagesSchema = z.object({
  refs: z.array(z.string()),
  recordSeq: z.number().int(),
});

export const PublishRecordsMemberBody = z.object({
  keyPackage: MlsBytesSchema,
  /** The office's archive public key (HPKE X25519, 32 bytes, base64): the records member seals each message to it. */
  archivePublicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be 32 bytes, base64' }),
});
export const RecordsMemberSchema = z.object({
  officeId: IdSchema,
  signatureKey: z.string(),
  ref: z.string(),
  recordSeq: z.number().int(),
});
export const RecordsMembersSchema = z.array(
  z.object({ officeId: IdSchema, signatureKey: z.string(), archivePublicKey: z.string() }),
);

/** Whose key packages to claim: a person (one per device) or an office's records member. */
export const ClaimKeyPackagesBody = z.union([
  z.object({ userId: IdSchema }),
  z.object({ recordsOfficeId: IdSchema }),
]);
export const ClaimedKeyPackagesSchema = z.object({
  keyPackages: z.array(
    z.object({ ref: z.string(), deviceId: z.string().nullable(), data: z.string(), lastResort: z.boolean() }),
  ),
});

export const CreateGroupBody = z.object({
  /** The creator's own key package, the one its MLS group starts from (leaf 0). */
  creatorKeyPackage: MlsBytesSchema,
});
export const GroupSchema = z.object({
  id: IdSchema,
  /** The MLS group id: the UTF-8 bytes of `id`, base64. */
  mlsGroupId: z.string(),
  epoch: z.number().int(),
  roster: z.array(
    z.object({
      leafIndex: z.number().int(),
      kind: z.enum(['person', 'records', 'unknown']),
      officeId: z.string().nullable(),
      userId: z.string().nullable(),
      deviceId: z.string().nullable(),
    }),
  ),
});

export const PostCommitBody = z.object({
  /** The Commit as MLSMessage(PublicMessage). */
  commit: MlsBytesSchema,
  /** The Welcome for the members it adds, delivered only once the Commit is accepted. */
  welcome: MlsBytesSchema.optional(),
});
export const AcceptedCommitSchema = z.object({
  seq: z.number().int(),
  epoch: z.number().int(),
  recordSeq: z.number().int(),
});

export const PostMessageBody = z.object({ message: MlsBytesSchema });
export const AcceptedMessageSchema = z.object({
  seq: z.number().int(),
  epoch: z.number().int(),
  recordSeq: z.number().int(),
});

export const GroupMessagesQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
/** One stored MLS message of a conversation (ciphertext only). */
export const GroupMessageSchema = z.object({
  seq: z.number().int(),
  epoch: z.number().int(),
  kind: z.enum(['commit', 'application']),
  senderUserId: z.string(),
  data: z.string(),
  at: z.string(),
  /** When every records member of the conversation acknowledged archiving it; null until then (and for Commits). */
  archivedAt: z.string().nullable(),
});
export type GroupMessage = z.infer<typeof GroupMessageSchema>;
export const GroupMessagesSchema = z.object({ messages: z.array(GroupMessageSchema) });

/** Live events carry a message's ciphertext up to this size (bytes before base64); bigger ones are fetched. */
export const LIVE_INLINE_MESSAGE_BYTES = 64 * 1024;

export const WelcomesSchema = z.object({
  welcomes: z.array(
    z.object({
      id: IdSchema,
      groupId: IdSchema,
      epoch: z.number().int(),
      keyPackageRef: z.string(),
      data: z.string(),
    }),
  ),
});

// ------------------------------------------------------------------ authentication service, directory, conversations

/** POST /api/v1/messaging/credentials: bind this device's MLS signature key to the signed-in person. */
export const IssueCredentialBody = z.object({
  deviceId: z.string().min(1).max(100),
  /** Ed25519 public key, 32 bytes, base64. */
  signaturePublicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be 32 bytes, base64' }),
});
/**
 * A credential: the messaging authority's Ed25519 signature over the UTF-8 bytes of
 * "hotline-credential/1\n" + JSON.stringify({officeId, personId, deviceId, signaturePublicKey, issuedAt}).
 */
export const CredentialSchema = z.object({
  officeId: z.string(),
  personId: z.string(),
  deviceId: z.string(),
  signaturePublicKey: z.string(),
  issuedAt: z.string(),
  signature: z.string(),
});
export const CredentialsQuery = z.object({ personId: IdSchema });
export const CredentialsSchema = z.object({ items: z.array(CredentialSchema) });
export const AuthoritySchema = z.object({ publicKey: z.string(), fingerprint: z.string() });

export const MessagingDirectorySchema = z.object({
  items: z.array(
    z.object({
      personId: z.string(),
      name: z.string(),
      title: z.string(),
      officeId: z.string(),
      officeName: z.string(),
      role: z.string(),
    }),
  ),
});

export const ConversationsSchema = z.object({
  items: z.array(
    z.object({
      groupId: z.string(),
      title: z.string(),
      memberPersonIds: z.array(z.string()),
      officeIds: z.array(z.string()),
      /** The offices whose records member is in the conversation: who preserves it. */
      preservedBy: z.array(z.object({ officeId: z.string(), officeName: z.string() })),
      unread: z.number().int(),
      lastSeq: z.number().int(),
      lastAt: z.string(),
      disappearAfterSeconds: z.number().int().nullable(),
    }),
  ),
});

export const ReadBody = z.object({ seq: z.number().int().min(0) });
export const ReadSchema = z.object({ groupId: z.string(), seq: z.number().int() });

export const GroupSettingsBody = z.object({
  /** Devices delete a message this long after it was sent, once it is archived; null keeps messages. */
  disappearAfterSeconds: z.number().int().min(60).max(31_536_000).nullable(),
});
export const GroupSettingsSchema = z.object({
  groupId: z.string(),
  disappearAfterSeconds: z.number().int().nullable(),
});

/** POST /api/v1/messaging/groups/:id/blobs (application/octet-stream: the encrypted file). */
export const StoredBlobSchema = z.object({ id: z.string(), sha256: z.string(), bytes: z.number().int() });
export const BlobParams = z.object({ id: IdSchema, blobId: IdSchema });

/** A device of the caller's, by the id it chose (DELETE /api/v1/messaging/credentials/:deviceId). */
export const DeviceParams = z.object({ deviceId: z.string().min(1).max(100) });
export const RevokedDeviceSchema = z.object({ deviceId: z.string(), revoked: z.number().int() });
