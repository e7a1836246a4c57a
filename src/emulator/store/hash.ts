import { createHash, randomBytes } from 'node:crypto';

/** Tokens and secrets are kept and compared as SHA-256 hashes only. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random alphanumeric text (no `-`, `_` or `~`), the alphabet Salesforce's tokens and secrets use. */
export function randomAlnum(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    // 248 = 4 * 62: reject the tail to keep the distribution uniform.
    if (bytes[i] < 248) out += ALNUM.charAt(bytes[i] % 62);
  }
  return out.length === length ? out : out + randomAlnum(length - out.length);
}
