/*
 * The result model of `sf oauth pkce verify` and `sf oauth rtr verify`, shared by the JSON output, the JUnit report and
 * the results store. Evidence is what the server answered (HTTP status, OAuth error code and description): never a
 * token, code, verifier or secret.
 */
import type { CodeSourceName } from '../oauth/code-source.js';
import type { VerifyKind } from '../oauth/client-config.js';

/**
 * pass / fail: the server did or did not behave as RFC 6749 / RFC 7636 / the RTR rules require.
 * not-applicable: the check does not concern this app, or could not be made for a stated reason (e.g. no secret).
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
  ms: number;
};

export type CleanupSummary = { revoked: number; notActive: number; failed: number };

/** not-applicable: no check concerned the app (every check not applicable or informational). */
export type AppVerdict = 'pass' | 'fail' | 'error' | 'not-applicable';

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

export function appVerdict(checks: CheckResult[], error?: string): AppVerdict {
  if (checks.some((c) => c.verdict === 'fail')) return 'fail';
  if (error || checks.some((c) => c.verdict === 'error')) return 'error';
  return checks.some((c) => c.verdict === 'pass') ? 'pass' : 'not-applicable';
}

export function summarize(apps: AppRun[]): Record<Verdict, number> {
  const summary: Record<Verdict, number> = { pass: 0, fail: 0, 'not-applicable': 0, error: 0, info: 0 };
  for (const app of apps) for (const c of app.checks) summary[c.verdict]++;
  return summary;
}
