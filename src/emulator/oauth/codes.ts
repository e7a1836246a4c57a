/*
 * Authorization codes: single use, bound to client, user, redirect_uri, scopes and the PKCE challenge.
 */
import type { ChallengeMethod } from './pkce.js';

export type AuthorizationCode = {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  /** The S256 code challenge sent at authorize, if any. */
  challenge?: string;
  challengeMethod?: ChallengeMethod;
};

/** [official] Salesforce authorization codes are valid for 15 minutes. */
export const CODE_LIFETIME_MS = 15 * 60 * 1000;

/** Salesforce codes start `aPrx`; the rest is random. */
export const CODE_PREFIX = 'aPrx';
