/*
 * PKCE (RFC 7636) as Salesforce applies it: `code_challenge` is taken as the S256 hash of the verifier whatever
 * `code_challenge_method` says (Salesforce documents no such parameter), so a `plain` or malformed challenge still
 * gets a code and fails at the exchange with `invalid_grant` / `invalid code verifier` (behaviours row
 * pkce.challenge-judged-at-exchange; option `pkceChallengeCheck=at-authorize` refuses it at authorize instead).
 * Verifiers of any length from the base64url alphabet; a `~` is rejected although the RFC allows it ([observed]
 * nsflow#249).
 */
import { createHash } from 'node:crypto';
import type { Behaviours } from '../behaviours.js';
import { ERRORS, type OAuthError } from './errors.js';

/**
 * The method the client declared (an absent or unknown one counts as S256). Only the conformance report reads it: the
 * verifier is always checked as S256 ({@link verifierError}).
 */
export type ChallengeMethod = 'S256' | 'plain';

export const s256 = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

/** The method to record for an authorize request's challenge, or (only when judged at authorize) the error to answer. */
export function challengeMethod(
  method: string | null,
  challenge: string,
  check: Behaviours['pkceChallengeCheck'],
): ChallengeMethod | OAuthError {
  if (check === 'at-exchange') return method === 'plain' ? 'plain' : 'S256';
  if (method !== null && method !== '' && method !== 'S256') return ERRORS.challengeMethodInvalid;
  return /^[A-Za-z0-9_-]{43}$/.test(challenge) ? 'S256' : ERRORS.challengeInvalid;
}

/** Checks a token request's verifier against the code's challenge; undefined when PKCE is satisfied. */
export function verifierError(challenge: string | undefined, verifier: string | null): OAuthError | undefined {
  if (!challenge) return verifier ? ERRORS.verifierUnexpected : undefined;
  if (!verifier) return ERRORS.verifierMissing;
  if (!/^[A-Za-z0-9._-]+$/.test(verifier)) return ERRORS.verifierInvalid;
  return s256(verifier) === challenge ? undefined : ERRORS.verifierInvalid;
}
