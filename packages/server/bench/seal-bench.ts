/**
 * Sealing cost per content: the symmetric archive key (AES-256-GCM) against sealing to the
 * archive's X25519 public key (a split server), with HPKE wrapping one data key per batch (what
 * RecordsService.prepare does: one batch per transaction, up to 500 items in an import; the data
 * key is reused across batches for 10,000 contents or a minute) and, for comparison, one HPKE
 * encapsulation per content (a fresh data key each time). Run: npx tsx bench/seal-bench.ts
 */
import { randomBytes } from 'node:crypto';
import { ArchiveCipher, type ArchiveKeyring } from '../src/records/archive-key.js';
import { generateX25519, X25519ArchiveKey } from '../src/records/archive-key-x25519.js';

const CONTENTS = Number(process.env.BENCH_CONTENTS ?? 20_000);
const SIZE = 2_000;
const plains = Array.from({ length: 500 }, () => new Uint8Array(randomBytes(SIZE)));

async function perContent(k: ArchiveKeyring, batch: number): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  while (n < CONTENTS) {
    const b = Math.min(batch, CONTENTS - n);
    await k.sealBatch(plains.slice(0, b));
    n += b;
  }
  return ((performance.now() - t0) * 1000) / CONTENTS;
}

const aes = new ArchiveCipher(ArchiveCipher.generateKey());
const pub = X25519ArchiveKey.fromPublic(generateX25519().publicKey);
await perContent(aes, 200);
await perContent(pub, 200);
const rows: [string, number][] = [];
for (let round = 0; round < 3; round++) {
  rows.push(['symmetric AES-256-GCM, batch 200', await perContent(aes, 200)]);
  rows.push(['X25519 public key, batches of 200', await perContent(pub, 200)]);
  rows.push(['X25519 public key, batches of 1 (one-record tx)', await perContent(pub, 1)]);
}
const single = await (async () => {
  const t0 = performance.now();
  const pk = generateX25519().publicKey;
  for (let i = 0; i < 300; i++) await X25519ArchiveKey.fromPublic(pk).sealBatch([plains[0]!]);
  return ((performance.now() - t0) * 1000) / 300;
})();
const best = (name: string) => Math.min(...rows.filter((r) => r[0] === name).map((r) => r[1]));
const base = best('symmetric AES-256-GCM, batch 200');
console.log(`\nSealing ${CONTENTS.toLocaleString('en')} contents of ${SIZE} bytes (best of 3 rounds)\n`);
for (const name of new Set(rows.map((r) => r[0])))
  console.log(
    `${name.padEnd(50)} ${best(name).toFixed(1).padStart(7)} µs/content (ratio ${(best(name) / base).toFixed(2)})`,
  );
console.log(
  `${'X25519, fresh data key per content (no reuse)'.padEnd(50)} ${single.toFixed(1).padStart(7)} µs/content (ratio ${(single / base).toFixed(2)})`,
);
