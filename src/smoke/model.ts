/*
 * The result model of `sf oauth pkce verify` and `sf oauth rtr verify`, shared by the JSON output, the JUnit report and
 * the results store. Evidence is what the server answered (HTTP status, OAuth error code and description): never a
 * token, code, verifier or secret.
 */
import type { CodeSourceName } from '../oauth/code-source.js';
import type { VerifyKind } from '../oauth/client-config.js';

/**
 * pass / fail: the server did or did not behave as RFC 6749 / RFC 7636 / the RTR rules require.
 * not-applicable: the check does not concern this app (`outOfScope`), or could not be made for a stated reason (e.g.
 * no secret).
 * error: the check could not be made because of the server or the network (HTTP 5xx, dropped connection, timeout).
 * info: informational only (what the server does with code_challenge_method=plain); never fails a run.
 */
export type Verdict = 'pass' | 'fail' | 'not-applicable' | 'error' | 'info';

export type Evidence = {
  /** Where the decisive answer came from. */
  at: 'authorize' | 'token' | 'none';
  /** HTTP status of that answer (302 for an authorize redirect). */
  status?: number;
  error?: string;
  error_description?: string;
};

export type CheckResult = {
  id: string;
  title: string;
  verdict: Verdict;
  evidence: Evidence;
  /** How the verdict was reached, in one or two sentences. */
  note: string;
  /**
   * Set on a not-applicable check when the app itself is outside what the check is about (RTR on an app whose metadata
   * gives it no refresh scope), as opposed to a check that could not be made here (no consumer secret, for one).
   */
  outOfScope?: boolean;
  ms: number;
};

export type CleanupSummary = { revoked: number; notActive: number; failed: number };

/**
 * The check whose pass proves an app works, per kind: PKCE's correct S256 flow, RTR's rotation. The app verdict, the
 * status word of progress lines and the Require PKCE gate all judge by it, so none of them claims more than it shows.
 */
export const DECIDING_CHECK = { pkce: 's256-flow', rtr: 'rotation' } as const satisfies Record<VerifyKind, string>;

export type DecidingCheck = (typeof DECIDING_CHECK)[VerifyKind];

/**
 * pass: no check failed or erred, and the deciding check (DECIDING_CHECK) passed.
 * fail / error: a check failed / a check could not be made because of the server, the network or the approval limit.
 * not-proven: nothing failed or erred, but the deciding check did not pass: it could not be made here (a confidential
 * client without its consumer secret; no refresh token issued to rotate) or did not run. Other checks may have passed;
 * the run still does not show that the app works, so it never counts as a pass.
 * not-applicable: the deciding check does not concern the app at all (marked `outOfScope`). This stays a case of its
 * own only for RTR on an app whose metadata gives it no refresh scope: it cannot get refresh tokens, so there is
 * nothing to rotate and nothing to prove. It never happens for PKCE: an app without a code flow cannot be authorized,
 * so its run ends in `error` (the authorize step is refused), and the only not-applicable S256 flow is the one without
 * a secret, which is `not-proven`.
 */
export type AppVerdict = 'pass' | 'fail' | 'error' | 'not-proven' | 'not-applicable';

export type AppRun = {
  app: string;
  kind: VerifyKind;
  verdict: AppVerdict;
  clientId: string;
  clientType: 'public' | 'confidential' | null;
  serverUrl: string;
  codeSource: CodeSourceName;
  settingsComponent: { type: string; fullName: string } | null;
  settingsLastModified: string | null;
  settings: { pkceRequired: boolean | null; rtrEnabled: boolean | null; source: 'metadata' | 'overrides' };
  checks: CheckResult[];
  /** Why the app's run stopped early (server error, network, consent needed), with what to do. */
  error?: string;
  action?: string;
  /**
   * True when the app could not be tested without a person (consent or login page, app access refused) or without
   * pushing the smoke user past the approval limit: neither a pass nor a failure of the app.
   */
  blocked?: boolean;
  cleanup: CleanupSummary;
  timings: { startedAt: string; finishedAt: string; ms: number };
};

export type VerifyResult = {
  kind: VerifyKind;
  orgId: string;
  username: string;
  serverUrl: string;
  passed: boolean;
  summary: Record<Verdict, number>;
  apps: AppRun[];
  cleanup: CleanupSummary;
  /** Where each app's result was stored (for the org-wide gate). */
  resultFiles: string[];
  timings: { startedAt: string; finishedAt: string; ms: number; concurrency: number };
};

/** The verdict of one app's run of a kind's checks (see AppVerdict): `pass` only when the deciding check passed. */
export function appVerdict(kind: VerifyKind, checks: CheckResult[], error?: string): AppVerdict {
  if (checks.some((c) => c.verdict === 'fail')) return 'fail';
  if (error || checks.some((c) => c.verdict === 'error')) return 'error';
  const deciding = checks.find((c) => c.id === DECIDING_CHECK[kind]);
  if (deciding?.verdict === 'pass') return 'pass';
  if (deciding?.verdict === 'not-applicable' && deciding.outOfScope) return 'not-applicable';
  return 'not-proven';
}

export function summarize(apps: AppRun[]): Record<Verdict, number> {
  const summary: Record<Verdict, number> = { pass: 0, fail: 0, 'not-applicable': 0, error: 0, info: 0 };
  for (const app of apps) for (const c of app.checks) summary[c.verdict]++;
  return summary;
}
