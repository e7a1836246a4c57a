/*
 * Readers for SOAP arguments and parsed XML: one element parses as a value, a repeated one as an array, so every
 * reader accepts both.
 */
export const list = (value: unknown): unknown[] =>
  value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : [value];

export const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export const strs = (value: unknown): string[] => list(value).filter((v): v is string => typeof v === 'string');

export function bool(value: unknown, fallback: boolean): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fallback;
}

export const obj = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
