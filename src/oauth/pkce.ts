/*
 * PKCE (RFC 7636) for clients. Verifiers use only base64url characters (Salesforce rejects `~`, which the RFC allows)
 * and are 43 characters long: 32 random octets, as RFC 7636 §4.1 recommends.
 */
import { createHash, randomBytes } from 'node:crypto';

export type PkcePair = { verifier: string; challenge: string; method: 'S256' };

export function challengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function newPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: challengeOf(verifier), method: 'S256' };
}
