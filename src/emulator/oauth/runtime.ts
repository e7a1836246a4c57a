/*
 * The OAuth endpoints' in-memory state for one emulator: codes, browser sessions, pending consents, single-access
 * values and the refresh tokens being processed right now. None of it is persisted, as on a real org restart.
 */
import type { EmulatorServices } from '../services.js';
import { CODE_PREFIX, type AuthorizationCode } from './codes.js';
import { Ephemeral } from './ephemeral.js';
import { RefreshesInFlight } from './in-flight.js';
import type { AuthorizationRequest } from './request.js';

/** A signed-in browser: the value behind the `sid` cookie. */
export type BrowserSession = { userId: string };

/** A one-time frontdoor value: whose session it starts and where it lands (`redirect_uri`, relative). */
export type SingleAccess = { userId: string; redirect?: string };

/** A consent page that waits for Allow or Deny, bound to the session that saw it. */
export type PendingConsent = { request: AuthorizationRequest; userId: string; sessionId: string };

export type OAuthRuntime = {
  services: EmulatorServices;
  codes: Ephemeral<AuthorizationCode>;
  sessions: Ephemeral<BrowserSession>;
  consents: Ephemeral<PendingConsent>;
  /** One-time frontdoor values from `/services/oauth2/singleaccess`, with the relative path to land on. */
  otps: Ephemeral<SingleAccess>;
  /** Refresh tokens (by SHA-256) with a token request in progress or just finished. */
  inflight: RefreshesInFlight;
};

export function createRuntime(services: EmulatorServices): OAuthRuntime {
  const clock = services.store.clock;
  return {
    services,
    codes: new Ephemeral<AuthorizationCode>(clock, CODE_PREFIX, 60),
    sessions: new Ephemeral<BrowserSession>(clock, '', 48),
    consents: new Ephemeral<PendingConsent>(clock, '', 32),
    otps: new Ephemeral<SingleAccess>(clock, '', 48),
    inflight: new RefreshesInFlight(),
  };
}
