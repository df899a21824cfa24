import { isIP } from 'node:net';
import { ConfigError } from '@hotline/common';

/** proxy-addr's named ranges, which Fastify's trustProxy accepts beside addresses and CIDRs. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * HOTLINE_TRUST_PROXY: the reverse proxies whose X-Forwarded-For / -Proto / -Host Hotline
 * believes, as a comma-separated list of addresses, CIDR ranges or proxy-addr's names
 * (loopback, linklocal, uniquelocal). Unset or empty: no proxy is trusted and the client address
 * is the TCP peer's. Trusting every address ("true", "*", a /0) is refused: any client could
 * then pick its own address and get around the rate limits.
 */
export function parseTrustProxy(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const usage =
    'list the proxies\' addresses or CIDR ranges, comma-separated, e.g. "127.0.0.1,10.0.0.0/8" (or loopback, linklocal, uniquelocal), or leave it unset when no proxy is in front';
  const entries = raw.split(',').map((s) => s.trim());
  for (const e of entries) {
    if (['true', '1', 'yes', 'on', '*', 'all'].includes(e.toLowerCase())) {
      throw new ConfigError(
        'HOTLINE_TRUST_PROXY',
        `"${e}" would trust every address, letting any client choose its own address; ${usage}.`,
      );
    }
    if (e === '') throw new ConfigError('HOTLINE_TRUST_PROXY', `"${raw}" has an empty entry; ${usage}.`);
    if (NAMED_RANGES.includes(e) || isIP(e) !== 0) continue;
    const m = /^([^/]+)\/(\d{1,3})$/.exec(e);
    const family = m ? isIP(m[1]!) : 0;
    if (!m || family === 0) {
      throw new ConfigError('HOTLINE_TRUST_PROXY', `"${e}" is not an IP address or CIDR range; ${usage}.`);
    }
    const bits = Number(m[2]);
    const max = family === 4 ? 32 : 128;
    if (bits < 1 || bits > max) {
      throw new ConfigError(
        'HOTLINE_TRUST_PROXY',
        `"${e}" has prefix length ${bits}; use 1 to ${max} for an IPv${family} range (a /0 would trust every address).`,
      );
    }
  }
  return entries;
}
