export * from './auth.js';
export * from './calls.js';
export * from './capture.js';
export * from './common.js';
export * from './identity.js';
export * from './live.js';
export * from './log.js';
export * from './roles.js';
