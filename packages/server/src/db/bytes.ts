/** A Buffer view (no copy) of bytes, as node-postgres and PGlite take bytea parameters. */
export function bufferView(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
