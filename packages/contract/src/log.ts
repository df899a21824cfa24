import { z } from 'zod';

/** The records log's public API (C2SP tlog-tiles beside JSON proofs). Hashes are base64. */

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** A signed checkpoint: a C2SP tlog-checkpoint body and its Ed25519 signature lines (a signed note). */
export const CheckpointText = z.string().meta({
  description: 'origin, tree size and root hash (base64), a blank line, then "— <name> <signature>" lines',
  example:
    'hotline.example.gov/hotline/records\n42\nq1w2...=\n\n— hotline.example.gov/hotline/records Az3...=\n',
});

/** A hash tile (concatenated 32-byte hashes) or an entry bundle, as raw bytes. */
export const TileBytes = z.string().meta({ format: 'binary' });

export const LogKeySchema = z.object({
  origin: z.string(),
  /** the verifier key: name+keyid+base64 public key (C2SP signed-note) */
  verifierKey: z.string(),
  /** the witnesses whose cosignatures a served checkpoint carries (from HOTLINE_WITNESS_POLICY) */
  witnesses: z.array(z.object({ name: z.string(), vkey: z.string() })).optional(),
  /** the policy's quorum, in words */
  quorum: z.string().optional(),
});

/**
 * A log index or tree size in a query string: plain decimal digits only (no "1e3", "0x10", "" or
 * sign), and a safe integer (≤ 2^53 − 1), so no number loses precision on its way to a proof.
 */
const LogNumber = z
  .string()
  .regex(/^\d{1,16}$/, 'must be a whole number in decimal digits')
  .transform(Number)
  .pipe(z.number().int().min(0));

export const InclusionProofQuery = z.object({
  index: LogNumber,
  size: LogNumber.pipe(z.number().min(1)).optional(),
});
export const InclusionProofSchema = z.object({
  index: z.number().int().min(0),
  size: z.number().int().min(1),
  leafHash: Base64,
  proof: z.array(Base64),
  /** the signed checkpoint of `size` the proof leads to */
  checkpoint: z.string(),
});

export const ConsistencyProofQuery = z.object({
  from: LogNumber,
  to: LogNumber.pipe(z.number().min(1)),
});
export const ConsistencyProofSchema = z.object({
  from: z.number().int().min(0),
  to: z.number().int().min(1),
  proof: z.array(Base64),
});

/** GET /api/v1/log/witnesses (log.admin): the witness policy and each witness's state. */
export const LogWitnessesSchema = z.object({
  quorum: z.string(),
  servedSize: z.number().int().nullable(),
  latestSize: z.number().int().nullable(),
  witnesses: z.array(
    z.object({
      name: z.string(),
      vkey: z.string(),
      url: z.string().nullable(),
      size: z.number().int(),
      cosignedAt: z.string().nullable(),
      lastAttemptAt: z.string().nullable(),
      lastError: z.string().nullable(),
      failures: z.number().int(),
    }),
  ),
});
