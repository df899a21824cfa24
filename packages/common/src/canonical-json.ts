import canonicalizeImpl from 'canonicalize';

/**
 * RFC 8785 JSON Canonicalization Scheme. We use the `canonicalize` package (by the RFC's
 * author) rather than our own serializer: number formatting (ECMAScript Number::toString)
 * and UTF-16 key ordering are easy to get subtly wrong.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) throw new TypeError('canonicalJson: undefined is not JSON');
  const out = (canonicalizeImpl as unknown as (v: unknown) => string | undefined)(value);
  if (out === undefined) throw new TypeError('canonicalJson: value is not serializable to JSON');
  return out;
}

const encoder = new TextEncoder();

export function canonicalJsonBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value));
}
