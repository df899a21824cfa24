export * from './credential.js';
export * from './identity.js';
export * from './inspect.js';
export * from './mls.js';
export * from './records-auth.js';
export * from './records-member.js';
export * from './records-rule.js';
export * from './suite.js';
