/*
 * The checklist of `sf oauth org check`: one item per check (org-wide) or per check and app, each pass / warn / fail
 * with the action that fixes it. What the JSON result, the table and the Markdown report are made of. No item ever holds
 * a token, secret, code or session id.
 */

export type CheckStatus = 'pass' | 'warn' | 'fail';

/** `access`: what this user may do; `answers`: how this org answers; `app`: one app each. */
export type CheckGroup = 'access' | 'answers' | 'app';

export type CheckItem = {
  /** Stable id, `group.what` (e.g. `access.api-version`, `app.headroom`). */
  id: string;
  group: CheckGroup;
  /** The app's developer name, for `app` checks. */
  app?: string;
  status: CheckStatus;
  /** What was checked, in a few words. */
  title: string;
  /** What the org answered. */
  detail: string;
  /** What to do, for warn and fail. */
  action?: string;
};

export type CheckedOrg = {
  id: string | null;
  name: string | null;
  environment: 'sandbox' | 'production' | null;
  /** API version of this session's requests. */
  apiVersion: string;
  /** The newest API version the org offers, when it said. */
  latestApiVersion: string | null;
};

export type OrgCheckResult = {
  org: CheckedOrg;
  /** The user the smoke tests sign in as (this session's user). JSON only: the Markdown report leaves it out. */
  smokeUser: string | null;
  /** Activity window in days for "recent traffic". */
  days: number;
  /** No check failed. */
  passed: boolean;
  summary: Record<CheckStatus, number>;
  checks: CheckItem[];
};

export const STATUS_ORDER: readonly CheckStatus[] = ['fail', 'warn', 'pass'];

export function summarize(checks: readonly CheckItem[]): Record<CheckStatus, number> {
  const summary: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0 };
  for (const c of checks) summary[c.status]++;
  return summary;
}
