/*
 * Pure classification of what a client sent, for the recorder. Nothing here keeps a value.
 */
import { createHash } from 'node:crypto';

/** RFC 7636 §4.1 length bounds of a code_verifier, which the partner requirements repeat. */
export const VERIFIER_MIN = 43;
export const VERIFIER_MAX = 128;

/** Characters Salesforce accepts in a verifier: RFC 7636's unreserved set without `~` (see pkce.ts). */
const VERIFIER_CHARSET = /^[A-Za-z0-9._-]+$/;

export type MethodSent = 'absent' | 'S256' | 'plain' | 'other';

export function methodSent(value: string | null): MethodSent {
  if (value === null || value === '') return 'absent';
  if (value === 'S256') return 'S256';
  if (value === 'plain') return 'plain';
  return 'other';
}

/** A challenge as BASE64URL(SHA-256) yields it: 43 base64url characters. */
export const wellFormedChallenge = (challenge: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(challenge);

/**
 * Whether the "verifier" is the challenge itself, in any common encoding of the 32 hash bytes (base64url, base64 with
 * or without padding, hex): the client sent the hash at the token endpoint instead of the original verifier.
 */
export function isTheChallenge(verifier: string, challenge: string): boolean {
  if (verifier === challenge) return true;
  if (!wellFormedChallenge(challenge)) return false;
  const bytes = Buffer.from(challenge, 'base64url');
  const b64 = bytes.toString('base64');
  return [b64, b64.replace(/=+$/, ''), bytes.toString('hex'), bytes.toString('hex').toUpperCase()].includes(verifier);
}

export type VerifierVerdict = {
  /** Exactly one of these describes how the verifier relates to the code's challenge. */
  relation: 'ok' | 'missing' | 'hashed' | 'mismatch';
  /** Format problems of a verifier that is not the hash (empty when fine or not applicable). */
  format: Array<'short' | 'long' | 'charset'>;
  length?: number;
};

const s256 = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

/** Classifies the verifier sent with a code whose authorize request carried `challenge`. */
export function classifyVerifier(
  challenge: string,
  method: 'S256' | 'plain' | undefined,
  verifier: string | null,
): VerifierVerdict {
  if (!verifier) return { relation: 'missing', format: [] };
  if (method !== 'plain' && isTheChallenge(verifier, challenge))
    return { relation: 'hashed', format: [], length: verifier.length };
  const format: VerifierVerdict['format'] = [];
  if (verifier.length < VERIFIER_MIN) format.push('short');
  if (verifier.length > VERIFIER_MAX) format.push('long');
  if (!VERIFIER_CHARSET.test(verifier)) format.push('charset');
  const expected = method === 'plain' ? verifier : s256(verifier);
  return { relation: expected === challenge ? 'ok' : 'mismatch', format, length: verifier.length };
}
