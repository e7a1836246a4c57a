/*
 * What the conformance recorder keeps per OAuth client. Everything here may be persisted with the org state and shown in
 * a report, so it holds counts, timestamps, lengths, app names, consumer keys and redirect URIs only: never a token,
 * code, verifier, challenge or secret, nor a hash of one.
 */
import type { ClientKind } from '../store/client-kind.js';

/** How often something happened, and when first and last (ISO 8601). */
export type Tally = { count: number; first: string; last: string };

/** Every kind of event the recorder counts. The requirements (requirements.ts) are verdicts over these. */
export const EVENT_NAMES = [
  // authorization requests that reached a decision (a code, or a PKCE error)
  'authorize.total',
  'authorize.challenge',
  'authorize.noChallenge',
  'authorize.methodS256',
  'authorize.methodAbsent',
  'authorize.methodPlain',
  'authorize.methodOther',
  'authorize.challengeMalformed',
  'authorize.challengeReused',
  // authorization code exchanges at the token endpoint
  'exchange.total',
  'exchange.withChallenge',
  'exchange.verifierChecked',
  'exchange.verifierMatched',
  'exchange.verifierMissing',
  'exchange.verifierHashed',
  'exchange.verifierMismatch',
  'exchange.verifierShort',
  'exchange.verifierLong',
  'exchange.verifierCharset',
  'exchange.verifierWithoutChallenge',
  // client authentication at the token endpoint (code exchange and refresh)
  'secret.publicRequests',
  'secret.publicSent',
  'secret.confidentialRequests',
  'secret.confidentialSent',
  'secret.confidentialMissing',
  'secret.invalid',
  'secret.publicInvalid',
  'secret.confidentialInvalid',
  // refresh token grant
  'refresh.total',
  'refresh.current',
  'refresh.rotated',
  'refresh.staleRotatedOut',
  'refresh.parallelInFlight',
  'refresh.parallelLostRace',
  'refresh.rejected',
  'refresh.retryAfterInvalidGrant',
  'refresh.verifierSent',
  'refresh.unknownToken',
  // errors injected by the rehearsal mode or fault rules, and what the client did next
  'injected.busy',
  'injected.transient',
  'retry.afterBackoff',
  'retry.tooSoon',
  // access tokens past their session lifetime
  'session.expired',
  'session.expiredReused',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

export type RedirectUriLog = Tally & { registered: boolean };

/**
 * One presentation of a rotated-out refresh token: when, and how long after its rotation. The rotation time is known
 * only for tokens rotated while this emulator process ran (the recorder keeps token hashes in memory only); for a token
 * rotated before a restart (or forgotten by the bounded memory) `rotatedBefore` says by when it was rotated and
 * `minMsAfterRotation` how long before the presentation that was, at least.
 */
export type RotatedOutUse = {
  at: string;
  /** Exact time since the rotation, when the rotation was seen by this process. */
  msAfterRotation?: number;
  /** When only a bound is known: the rotation happened before this time (ISO 8601), such as the emulator's start. */
  rotatedBefore?: string;
  /** When only a bound is known: the presentation came at least this many ms after the rotation. */
  minMsAfterRotation?: number;
  race: boolean;
};

export type ClientLog = {
  clientId: string;
  appName: string;
  kind: ClientKind;
  /** Public: the app makes the secret optional and does not require it for refresh; else confidential. */
  clientType: 'public' | 'confidential';
  rotationEnabled: boolean;
  firstSeen: string;
  lastSeen: string;
  events: Partial<Record<EventName, Tally>>;
  redirectUris: Record<string, RedirectUriLog>;
  /** Shortest and longest code_verifier seen (lengths only). */
  verifierLength?: { min: number; max: number };
  /** The most recent presentations of rotated-out refresh tokens (at most 50). */
  rotatedOutUses: RotatedOutUse[];
  /** Injected busy or transient refresh errors whose token was not presented again (yet). */
  pendingRetries: number;
};

export type ConformanceLog = {
  version: 1;
  /** When recording started (the first start with this state, or the last reset). */
  since: string;
  clients: Record<string, ClientLog>;
  /** The same, for the requests of the plugin's own smoke tests (smoke-marker.ts): left out of the report by default. */
  smoke?: Record<string, ClientLog>;
};

export const emptyLog = (now: string): ConformanceLog => ({ version: 1, since: now, clients: {} });

/** Thresholds of the recorder; the defaults suit real clients and the rehearsal mode. */
export type ConformanceOptions = {
  /** A rotated-out refresh token presented within this many ms of its rotation counts as a lost race (parallel refresh), later as a dropped token. Default 1000. */
  raceWindowMs?: number;
  /** A retry after an injected busy or transient error sooner than this counts as a retry without backoff. Default 100. */
  minBackoffMs?: number;
};

export const DEFAULT_RACE_WINDOW_MS = 1000;
export const DEFAULT_MIN_BACKOFF_MS = 100;
