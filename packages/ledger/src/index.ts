export * from './bundle.js';
export * from './checkpoint.js';
export * from './client.js';
export * from './hash.js';
export * from './layout.js';
export * from './note.js';
export * from './proof.js';
export * from './tree.js';
