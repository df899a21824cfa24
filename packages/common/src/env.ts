import { ConfigError } from './errors.js';

/** Helpers for envToConfig(): each failure names the variable and the values it accepts. */
export function parseIntVar(
  name: string,
  raw: string | undefined,
  dflt: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return dflt;
  if (!/^-?\d+$/.test(raw.trim())) {
    throw new ConfigError(name, `"${raw}" is not a whole number; use an integer from ${min} to ${max}.`);
  }
  const n = Number(raw);
  if (n < min || n > max)
    throw new ConfigError(name, `${n} is out of range; use an integer from ${min} to ${max}.`);
  return n;
}

export function parseBoolVar(name: string, raw: string | undefined, dflt: boolean): boolean {
  if (raw === undefined || raw === '') return dflt;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, `"${raw}" is not a boolean; use one of 1, 0, true, false, yes, no, on, off.`);
}

export function parseEnumVar<T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly T[],
  dflt: T,
): T {
  if (raw === undefined || raw === '') return dflt;
  const v = raw.trim() as T;
  if (!allowed.includes(v))
    throw new ConfigError(name, `"${raw}" is not allowed; use one of ${allowed.join(', ')}.`);
  return v;
}
