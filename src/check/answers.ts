/*
 * How this org answers: whether the user's session becomes a browser session (`singleaccess` or `frontdoor.jsp`, what the
 * smoke tests need to get a code without a person), whether OauthToken answers the queries the inventory runs and
 * gives Ids, whether the Tooling API answers, and the org-wide OAuth settings. Creates no token: a browser session is
 * opened from the existing access token and nothing is authorized.
 */
import type { Connection } from '@salesforce/core';
import type { OrgOAuthSettings } from '../apps/model.js';
import { loadPackages } from '../apps/owners.js';
import { loadUsage } from '../apps/usage.js';
import { FrontdoorSession } from '../oauth/frontdoor.js';
import type { HttpOptions } from '../oauth/http.js';
import { errorCode } from './access.js';
import type { CheckItem } from './model.js';

/** Salesforce keeps at most this many rows per OauthToken query (500 a batch). */
export const OAUTH_TOKEN_ROW_CAP = 2500;

export type TokenRow = { Id?: string; AppName?: string | null; UserId?: string | null; LastUsedDate?: string | null };

export const TOKEN_ROWS_QUERY = 'SELECT Id, AppName, UserId, LastUsedDate FROM OauthToken';

export async function browserSessionCheck(
  instanceUrl: string,
  accessToken: string,
  http: HttpOptions,
): Promise<CheckItem> {
  const base = {
    id: 'answers.browser-session',
    group: 'answers' as const,
    title: 'A browser session from the sf session',
  };
  const action =
    'Smoke tests then need a person: use --browser on sf oauth pkce verify / rtr verify, or check that the session is valid (sf org display).';
  try {
    const session = await FrontdoorSession.open(instanceUrl, accessToken, http);
    if (!session.signedIn)
      return {
        ...base,
        status: 'fail',
        detail: 'Neither singleaccess nor frontdoor.jsp gave a browser session: the org sent the login page.',
        action,
      };
    const how =
      session.method === 'singleaccess'
        ? 'POST /services/oauth2/singleaccess gives a one-time frontdoor URL'
        : 'singleaccess gave none; /secur/frontdoor.jsp with the session id works';
    return { ...base, status: 'pass', detail: `${how}: smoke tests get codes without a person.` };
  } catch (e) {
    return { ...base, status: 'fail', detail: `No browser session: ${errorCode(e)}.`, action };
  }
}

/**
 * The OauthToken rows the per-app checks use (app, user, last use), paged up to Salesforce's 2,500-row cap, and what
 * they say about the object: whether Ids come back (documented as always null).
 */
export async function loadTokenRows(conn: Connection): Promise<{ rows: TokenRow[]; capped: boolean }> {
  const result = await conn.query<TokenRow>(TOKEN_ROWS_QUERY, { autoFetch: true, maxFetch: OAUTH_TOKEN_ROW_CAP });
  return { rows: result.records, capped: result.records.length >= OAUTH_TOKEN_ROW_CAP || result.done === false };
}

export function oauthTokenCheck(read: { rows: TokenRow[]; capped: boolean } | Error): CheckItem {
  const base = { id: 'access.oauth-token', group: 'access' as const, title: 'Query OauthToken (approvals and usage)' };
  if (read instanceof Error) {
    return {
      ...base,
      status: 'fail',
      detail: `The org refused: ${errorCode(read)}. Approval headroom, consent and recent traffic cannot be judged.`,
      action: 'OauthToken needs "Customize Application" or "Manage Users"; ask an admin, or run as a user who has it.',
    };
  }
  const ids =
    read.rows.length === 0 ? 'no rows' : read.rows.every((r) => !r.Id) ? 'Ids null, as documented' : 'Ids returned';
  return {
    ...base,
    status: read.capped ? 'warn' : 'pass',
    detail: `${read.rows.length} approval(s) read (${ids}).${read.capped ? ` Salesforce stops at ${OAUTH_TOKEN_ROW_CAP} rows: per-app figures are partial.` : ''}`,
    ...(read.capped
      ? {
          action: 'Revoke stale approvals (Setup > Connected Apps OAuth Usage) or check apps one at a time with --app.',
        }
      : {}),
  };
}

/** Runs the inventory's own usage queries (src/apps/usage.ts): whether this org answers them. */
export async function usageQueriesCheck(conn: Connection, days: number): Promise<CheckItem> {
  const base = {
    id: 'answers.usage-queries',
    group: 'answers' as const,
    title: 'OauthToken answers the inventory queries',
  };
  try {
    await loadUsage(conn, days);
    return { ...base, status: 'pass', detail: 'The usage queries of sf oauth app list ran.' };
  } catch (e) {
    return {
      ...base,
      status: 'fail',
      detail: `The org refused them: ${errorCode(e)}. Usage, activity and verdicts would be missing.`,
      action: 'Report it with the --trace-file output attached: the inventory must not depend on this query form.',
    };
  }
}

export async function toolingCheck(conn: Connection): Promise<CheckItem> {
  const base = {
    id: 'access.tooling-api',
    group: 'access' as const,
    title: 'Query the Tooling API (installed packages)',
  };
  try {
    const packages = await loadPackages(conn);
    return { ...base, status: 'pass', detail: `InstalledSubscriberPackage answered (${packages.size} package(s)).` };
  } catch (e) {
    return {
      ...base,
      status: 'warn',
      detail: `The org refused: ${errorCode(e)}. Managed-package apps cannot be named with their publisher.`,
      action: 'Ask an admin for "View Setup and Configuration", or run as a user who has it.',
    };
  }
}

export function orgSettingsCheck(s: OrgOAuthSettings): CheckItem {
  const base = { id: 'answers.org-oauth-settings', group: 'answers' as const, title: 'Org-wide OAuth settings' };
  if (s.requirePkce === null) {
    return {
      ...base,
      status: 'warn',
      detail: 'The OAuth and OpenID Connect Settings (OauthOidc) were not returned.',
      action: 'The Require PKCE gate cannot read the current value; check Setup > OAuth and OpenID Connect Settings.',
    };
  }
  const word = (v: boolean | null, on: string, off: string): string => (v === null ? 'unknown' : v ? on : off);
  return {
    ...base,
    status: 'pass',
    detail: `Require PKCE ${word(s.requirePkce, 'on', 'off')}; username-password flow ${word(s.usernamePasswordFlowBlocked, 'blocked', 'allowed')}; user-agent flow ${word(s.userAgentFlowBlocked, 'blocked', 'allowed')}; code-credential flow ${word(s.codeCredentialFlowAllowed, 'allowed', 'not allowed')}.`,
  };
}
