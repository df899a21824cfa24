export { buildApp } from './app.js';
export type { ImportFormat } from './capture/capture-service.js';
export { envToConfig, type ServerConfig } from './config/config.js';
export { readEnv } from './config/env.js';
export { AppContext, startEmbeddedDatabase } from './context.js';
export { restrictUmask, securePrivateTree } from './db/data-dir.js';
export { openDatabase } from './db/database.js';
export { migrateToLatest } from './db/migrate.js';
export { createSessionKeyFile } from './identity/session-key.js';
export {
  demoMessagingArchiveKeyFiles,
  MESSAGING_ARCHIVE_KEY_SEALED,
  messagingArchiveSealedError,
  openMessagingArchiveWithShares,
  readMessagingArchiveKeyFile,
  sealedMessagingKeys,
  sealMessagingArchiveKeys,
} from './messaging/archive-key-split.js';
export { type OpenedMessage, openMessagingArchive } from './messaging/archive-reader.js';
export {
  ARCHIVE_KEY_OPENED,
  ARCHIVE_KEY_SPLIT,
  type ArchiveAct,
  ArchiveKeyCustody,
} from './records/key-custody.js';
export {
  countStaleSealed,
  loadArchiveKeyring,
  readLogTransition,
  resealArchive,
  rotateArchiveKeyFile,
  rotateLogKeyFile,
} from './records/key-rotation.js';
export {
  combineShares,
  formatShare,
  type KeyShare,
  KeyShareError,
  keyIdOf,
  parseShare,
  splitArchiveKey,
} from './records/key-shares.js';
export { beginSplit, finishSplit, privateArchiveKeyFiles, splitState } from './records/key-split.js';
export {
  archivePublicKeyFile,
  createArchiveKeyFile,
  createLogKeyFile,
  readArchiveKeyBytes,
  readArchivePublicFile,
  readLogSignerKey,
  writeArchivePublicFile,
} from './records/keys.js';
export { LOG_MIGRATED_KIND, migrateLogToV2 } from './records/migrate-v2.js';
export { V1_LOG_MESSAGE, V1LogError } from './records/records-service.js';
export { verifyLocal } from './records/verify.js';
export {
  MANIFEST as REPLICA_MANIFEST,
  type ReplicateResult,
  readManifest as readReplicaManifest,
  replicate,
} from './replica/replicate.js';
export { openReplicaStore, type ReplicaStore } from './replica/store.js';
export { type ReplicaVerifyResult, verifyReplica } from './replica/verify-replica.js';
export { serve } from './serve.js';
export { type BagReport, validateBag } from './transfer/bag-validator.js';
export type { TransferResult } from './transfer/transfer-service.js';
export { STATE_FILE as TRANSFER_STATE_FILE } from './transfer/transfer-state.js';
export { type BagVerification, verifyTransfer } from './transfer/verify-bag.js';
export { buildWitnessApp } from './witness/routes.js';
export {
  ensureWitnessKey,
  parseWitnessConfig,
  type RunningWitness,
  startWitnessServer,
} from './witness/standalone.js';
export { WitnessService } from './witness/witness-service.js';
