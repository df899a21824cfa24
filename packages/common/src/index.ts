export * from './canonical-json.js';
export * from './clock.js';
export * from './env.js';
export * from './errors.js';
export * from './ids.js';
export * from './logger.js';
