/**
 * The raw ts-mls library as this package pins it, for tests and benchmarks that must act as a
 * client which does not follow Hotline's rules (a rogue Commit) or measure the bare library.
 * Application code uses the interface in index.ts.
 */
export * from 'ts-mls';
