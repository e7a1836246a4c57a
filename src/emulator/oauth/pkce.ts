/*
 * PKCE (RFC 7636) as Salesforce applies it: S256 only (an absent method means S256), verifiers of any length from
 * the base64url alphabet; a `~` is rejected although the RFC allows it ([observed] nsflow#249).
 */
import { createHash } from 'node:crypto';
import { ERRORS, PLAIN_CHALLENGE_ACCEPTED, type OAuthError } from './errors.js';

export type ChallengeMethod = 'S256' | 'plain';

export const s256 = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

/** The method to record for an authorize request, or the error to answer with. */
export function challengeMethod(method: string | null, challenge: string): ChallengeMethod | OAuthError {
  if (method === null || method === '' || method === 'S256') {
    return /^[A-Za-z0-9_-]{43}$/.test(challenge) ? 'S256' : ERRORS.challengeInvalid;
  }
  if (method === 'plain' && PLAIN_CHALLENGE_ACCEPTED) return 'plain';
  return ERRORS.challengeMethodInvalid;
}

/** Checks a token request's verifier against the code's challenge; undefined when PKCE is satisfied. */
export function verifierError(challenge: string | undefined, method: ChallengeMethod | undefined, verifier: string | null): OAuthError | undefined {
  if (!challenge) return verifier ? ERRORS.verifierUnexpected : undefined;
  if (!verifier) return ERRORS.verifierMissing;
  if (!/^[A-Za-z0-9._-]+$/.test(verifier)) return ERRORS.verifierInvalid;
  const expected = method === 'plain' ? verifier : s256(verifier);
  return expected === challenge ? undefined : ERRORS.verifierInvalid;
}
