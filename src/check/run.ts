/*
 * `sf oauth org check` and the rollout's audit: every check of src/check against one org, read-only (lists, queries,
 * retrieves and one browser session from the existing access token; never a deploy, never a new token). Never prints.
 */
import type { Connection } from '@salesforce/core';
import { loadCatalog, type CatalogApp } from '../apps/catalog.js';
import { buildInventory, selectApps, type Inventory } from '../apps/inventory.js';
import type { AppRow } from '../apps/model.js';
import { loadCertificateProof } from '../metadata/certificate-proof.js';
import type { HttpOptions } from '../oauth/http.js';
import {
  apiVersionCheck,
  currentUserId,
  ecaSettingsCheck,
  errorCode,
  latestApiVersion,
  metadataDeployCheck,
  metadataReadCheck,
} from './access.js';
import {
  browserSessionCheck,
  loadTokenRows,
  oauthTokenCheck,
  orgSettingsCheck,
  toolingCheck,
  usageQueriesCheck,
  type TokenRow,
} from './answers.js';
import { appChecks } from './apps.js';
import { summarize, type CheckItem, type OrgCheckResult } from './model.js';

export type CheckOptions = {
  /** The current access token of the session (for the browser-session check). */
  accessToken: () => Promise<string>;
  /** Activity window in days (default 90). */
  days?: number;
  /** Limit the per-app checks to these apps (developer names or labels); unknown names throw UnknownAppsError. */
  apps?: string[];
  env?: NodeJS.ProcessEnv;
  http?: HttpOptions;
  /** An inventory already built for this connection (the rollout's audit), to save its API calls. */
  inventory?: Inventory;
  now?: () => number;
};

/** The session is not valid (expired or revoked): nothing can be checked. */
export class SessionInvalidError extends Error {
  public constructor(detail: string) {
    super(detail);
    this.name = 'SessionInvalidError';
  }
}

const SESSION = /INVALID_SESSION_ID|Session expired|invalid_grant|expired access\/refresh token|INVALID_AUTH_HEADER/i;

type OrgRow = { Id?: string; Name?: string; IsSandbox?: boolean };

/** The first call: the org record. An invalid session stops the check here. */
async function orgRow(conn: Connection): Promise<OrgRow | undefined> {
  try {
    return (await conn.query<OrgRow>('SELECT Id, Name, IsSandbox FROM Organization')).records[0];
  } catch (e) {
    const text = `${(e as { errorCode?: string }).errorCode ?? ''} ${(e as Error).message ?? ''} ${(e as { name?: string }).name ?? ''}`;
    if (SESSION.test(text)) throw new SessionInvalidError(errorCode(e));
    return undefined;
  }
}

export async function checkOrg(conn: Connection, options: CheckOptions): Promise<OrgCheckResult> {
  const days = options.days ?? 90;
  const env = options.env ?? process.env;
  const org = await orgRow(conn);
  const sessionVersion = conn.getApiVersion();

  const [latest, userId, metadataRead, tooling, usage, tokenRead, catalogRead, proof, accessToken] = await Promise.all([
    latestApiVersion(conn),
    currentUserId(conn).catch(() => null),
    metadataReadCheck(conn),
    toolingCheck(conn),
    usageQueriesCheck(conn, days),
    loadTokenRows(conn).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
    loadCatalog(conn).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
    loadCertificateProof(conn),
    options.accessToken(),
  ]);
  const [deploy, browser, inventoryRead] = await Promise.all([
    metadataDeployCheck(conn, userId),
    browserSessionCheck(conn.instanceUrl, accessToken, options.http ?? {}),
    options.inventory
      ? Promise.resolve(options.inventory)
      : buildInventory(conn, { days }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
  ]);

  const checks: CheckItem[] = [
    apiVersionCheck(sessionVersion, latest),
    metadataRead,
    deploy,
    oauthTokenCheck(tokenRead),
    tooling,
  ];
  let rows: AppRow[] = [];
  if (inventoryRead instanceof Error) {
    checks.push({
      id: 'access.inventory',
      group: 'access',
      status: 'fail',
      title: 'Read the OAuth apps',
      detail: `The inventory could not be built: ${errorCode(inventoryRead)}.`,
      action: 'Fix the access checks above, then run the check again.',
    });
  } else {
    rows = inventoryRead.result.apps;
    const unreadable = inventoryRead.warnings.flatMap((w) => (w.code === 'consumerSecretPermission' ? w.apps : []));
    checks.push(ecaSettingsCheck(unreadable, rows.filter((r) => r.kind === 'ExternalClientApplication').length));
  }
  checks.push(browser, usage);
  if (!(inventoryRead instanceof Error)) checks.push(orgSettingsCheck(inventoryRead.result.orgSettings));

  const tracked = rows.filter((r) => r.kind !== 'untracked');
  const selected = options.apps?.length ? selectApps(tracked, options.apps) : tracked;
  const catalog =
    catalogRead instanceof Error
      ? undefined
      : new Map<string, CatalogApp>(catalogRead.apps.map((a) => [`${a.kind}:${a.name}`, a]));
  const tokens: TokenRow[] | undefined = tokenRead instanceof Error ? undefined : tokenRead.rows;
  const now = (options.now ?? Date.now)();
  for (const row of [...selected].sort((a, b) => a.name.localeCompare(b.name))) {
    checks.push(...appChecks(row, { userId, tokens, days, now, env, appsInRun: selected.length, catalog, proof }));
  }

  const summary = summarize(checks);
  return {
    org: {
      id: org?.Id ?? conn.getAuthInfoFields().orgId ?? null,
      name: org?.Name ?? null,
      environment: org?.IsSandbox === undefined ? null : org.IsSandbox ? 'sandbox' : 'production',
      apiVersion: sessionVersion,
      latestApiVersion: latest,
    },
    smokeUser: conn.getUsername() ?? null,
    days,
    passed: summary.fail === 0,
    summary,
    checks,
  };
}

/** The failing checks that concern the whole org or one of `apps` (what stops a rollout of those apps). */
export function blockingChecks(result: OrgCheckResult, apps: readonly string[]): CheckItem[] {
  const wanted = new Set(apps.map((a) => a.toLowerCase()));
  return result.checks.filter((c) => c.status === 'fail' && (!c.app || wanted.has(c.app.toLowerCase())));
}
