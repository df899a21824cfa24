export * from './auth.js';
export * from './calls.js';
export * from './common.js';
export * from './identity.js';
export * from './live.js';
