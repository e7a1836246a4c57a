/*
 * The stricter rehearsal mode: short sessions, and injected `token request is already being processed` and transient
 * errors on refresh, so that a client's refresh and retry logic runs within seconds instead of hours. Implemented with
 * the ordinary fault rules (stage `token`, grant type `refresh_token`) and a per-run session lifetime.
 */
import type { FaultAction, Faults, LatencyModel } from '../faults.js';
import type { OrgStore } from '../store/store.js';
import { BUSY_DESCRIPTION } from './recorder.js';

export type RehearsalOptions = {
  /** Access token lifetime in seconds for this run (the org's own setting is kept in the state file). */
  sessionSeconds?: number;
  /** Answer every Nth refresh with `invalid_grant` / `token request is already being processed` (0: never). */
  busyEvery?: number;
  /** Answer every Nth refresh with a transient HTTP 503 (0: never). */
  transientEvery?: number;
  /** Minimum time the token endpoint works on a request, so that parallel refreshes of one token really overlap. */
  tokenMs?: number;
};

/** `--strict`: every kind of trouble within a few seconds of a client's life. */
export const STRICT_REHEARSAL: Required<RehearsalOptions> = {
  sessionSeconds: 10,
  busyEvery: 3,
  transientEvery: 5,
  tokenMs: 50,
};

/** The duplicate-refresh answer Salesforce gives since Winter '25 ([official] release note 252). */
export const BUSY_ACTION: FaultAction = {
  kind: 'oauthError',
  status: 400,
  error: 'invalid_grant',
  description: BUSY_DESCRIPTION,
};

/**
 * A transient failure of the token endpoint. The body is our choice (UNVERIFIED): Salesforce answers outages with 503
 * pages or `unknown_error`; what matters to a client is the status.
 */
export const TRANSIENT_ACTION: FaultAction = {
  kind: 'http',
  status: 503,
  body: JSON.stringify({ error: 'unknown_error', error_description: 'retry your request' }),
};

/** Applies rehearsal options to a running org's store, fault rules and latency model. */
export function applyRehearsal(
  target: { store: OrgStore; faults: Faults; latency: LatencyModel },
  options: RehearsalOptions,
): void {
  if (options.sessionSeconds !== undefined && options.sessionSeconds > 0)
    target.store.sessionSecondsOverride = options.sessionSeconds;
  const match = { path: '/services/oauth2/token', grantType: 'refresh_token' };
  if (options.busyEvery) target.faults.add({ match, action: BUSY_ACTION, every: options.busyEvery }, 'token');
  if (options.transientEvery)
    target.faults.add({ match, action: TRANSIENT_ACTION, every: options.transientEvery }, 'token');
  if (options.tokenMs !== undefined) target.latency.tokenMs = Math.max(target.latency.tokenMs, options.tokenMs);
}

/** The strict preset overridden by explicit options (an explicit 0 switches an injection off). */
export function rehearsalOptions(strict: boolean, explicit: RehearsalOptions): RehearsalOptions | undefined {
  const base: RehearsalOptions = strict ? { ...STRICT_REHEARSAL } : {};
  for (const [key, value] of Object.entries(explicit) as Array<[keyof RehearsalOptions, number | undefined]>)
    if (value !== undefined) base[key] = value;
  return Object.keys(base).length ? base : undefined;
}
