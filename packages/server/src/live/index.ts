export { LIVE_PATH, type LiveHub, liveRoutes } from './live-hub.js';
export { fingerprints, mediaSections, sendingMediaSections } from './sdp.js';
export type {
  CallAccess,
  CallAccessGrant,
  CallEvent,
  LiveActor,
  LiveDeps,
  LiveLogger,
  RelayedSignal,
} from './types.js';
