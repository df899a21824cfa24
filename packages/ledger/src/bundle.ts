/** C2SP tlog-tiles entry bundles: each entry as uint16 big-endian length ‖ bytes. */
export function encodeBundle(entries: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const e of entries) {
    if (e.length > 0xffff)
      throw new RangeError(`entry of ${e.length} bytes exceeds the 65535-byte limit of entry bundles`);
    n += 2 + e.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const e of entries) {
    out[o] = e.length >> 8;
    out[o + 1] = e.length & 0xff;
    out.set(e, o + 2);
    o += 2 + e.length;
  }
  return out;
}

export function decodeBundle(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < bytes.length) {
    if (o + 2 > bytes.length)
      throw new Error(`entry bundle truncated at byte ${o}: no room for a length prefix`);
    const len = (bytes[o]! << 8) | bytes[o + 1]!;
    if (o + 2 + len > bytes.length)
      throw new Error(`entry bundle truncated at byte ${o}: entry of ${len} bytes runs past the end`);
    out.push(bytes.subarray(o + 2, o + 2 + len));
    o += 2 + len;
  }
  return out;
}
