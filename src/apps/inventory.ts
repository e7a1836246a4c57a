/*
 * The OAuth app inventory behind `sf oauth app list`: the app catalog (one retrieve, read in memory), token usage
 * (OauthToken rows counted here: one query while the org holds at most 2,500 of them, see usage.ts), installed packages
 * (one Tooling query) and the org record (one query), read in parallel, then one typed
 * row per app. The number of API calls does not depend on the number of apps. Never prints.
 */
import type { Connection } from '@salesforce/core';
import { loadCatalog, type RetrieveCache } from './catalog.js';
import type { AppListResult, AppRow, OrgHeader, TokenUsage, Verdict } from './model.js';
import { readOrgSettings } from './org-settings.js';
import { loadPackages, metadataOwner, untrackedOwner, type InstalledPackage } from './owners.js';
import { activityOf, assess, compareRows, needsAction, VERDICT_ORDER } from './readiness.js';
import { flowsInUse, readAppSettings, type AppSettings } from './settings.js';
import { EMPTY_USAGE, loadUsage } from './usage.js';
import { unknownApps } from './scope.js';

export type InventoryOptions = {
  /** Activity window in days. */
  days: number;
  /** Developer names or labels (case-insensitive); unknown names throw UnknownAppsError. */
  apps?: string[];
  needsAction?: boolean;
  /** A run's cache of retrieved files (catalog.ts RetrieveCache): unchanged components are not retrieved again. */
  cache?: RetrieveCache;
};

export type InventoryWarning =
  | { code: 'consumerSecretPermission'; apps: string[] }
  | { code: 'usageUnavailable'; detail: string }
  /** The OauthToken page budget ran out: apps after `detail` (the last AppName read, in AppName order) show no usage. */
  | { code: 'usagePartial'; detail: string }
  | { code: 'packagesUnavailable'; detail: string }
  | { code: 'retrieveMessages'; detail: string };

export type Inventory = { result: AppListResult; warnings: InventoryWarning[] };

export { closeMatches, UnknownAppsError } from './scope.js';

type OrgRecord = { Id?: string; Name?: string; IsSandbox?: boolean; NamespacePrefix?: string | null };

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function orgRecord(conn: Connection): Promise<OrgRecord | undefined> {
  try {
    const result = await conn.query<OrgRecord>('SELECT Id, Name, IsSandbox, NamespacePrefix FROM Organization');
    return result.records[0];
  } catch {
    return undefined;
  }
}

function header(conn: Connection, org: OrgRecord | undefined): OrgHeader {
  const fields = conn.getAuthInfoFields();
  return {
    id: org?.Id ?? fields.orgId ?? null,
    name: org?.Name ?? null,
    username: conn.getUsername() ?? null,
    instanceUrl: conn.instanceUrl ?? null,
    environment: org?.IsSandbox === undefined ? null : org.IsSandbox ? 'sandbox' : 'production',
    apiVersion: conn.getApiVersion(),
  };
}

type RowContext = {
  packages?: Map<string, InstalledPackage>;
  orgNamespace: string | null;
  org: AppListResult['orgSettings'];
  days: number;
  /** The org refused to show ECA global OAuth settings (missing permission). */
  permissionDenied: boolean;
};

/**
 * An ECA installed from a managed package has no global OAuth settings in a subscriber org: they stay in the
 * publisher's org. Told apart from a missing permission by the retrieve's messages (none about the permission).
 */
export function settingsInPublisherOrg(s: AppSettings, owner: AppRow['owner'], permissionDenied: boolean): boolean {
  return (
    s.kind === 'ExternalClientApplication' && !s.globalSettingsReadable && owner.type === 'package' && !permissionDenied
  );
}

function metadataRow(s: AppSettings, usage: TokenUsage, ctx: RowContext): AppRow {
  const flows = flowsInUse(s, usage);
  const activity = activityOf(usage, flows);
  const owner = metadataOwner(s.namespacePrefix, ctx.packages, ctx.orgNamespace);
  const publisherOrg = settingsInPublisherOrg(s, owner, ctx.permissionDenied);
  const assessment = assess({ settings: s, flows, usage, activity, owner, org: ctx.org, days: ctx.days, publisherOrg });
  return {
    name: s.name,
    label: s.label,
    kind: s.kind,
    owner,
    clientType: s.clientType,
    flows: flows ?? [],
    scopes: s.scopes,
    refreshScope: s.refreshScope,
    pkceRequired: s.pkceRequired,
    rtrEnabled: s.rtrEnabled,
    secretRequiredForRefresh: s.secretRequiredForRefresh,
    refreshTokenPolicy: s.refreshTokenPolicy,
    ipRelaxation: s.ipRelaxation,
    permittedUsers: s.permittedUsers,
    guestCodeCredentialFlow: s.guestCodeCredentialFlow,
    clientCredentialsUser: s.clientCredentialsUser,
    certificate: s.certificate,
    consumerKey: s.consumerKey,
    usage,
    activity,
    ...(publisherOrg ? { settingsIn: 'publisher-org' as const } : {}),
    ...assessment,
  };
}

function untrackedRow(appName: string, usage: TokenUsage, org: AppListResult['orgSettings'], days: number): AppRow {
  const owner = untrackedOwner(appName);
  const activity = activityOf(usage, null);
  return {
    name: appName,
    label: appName,
    kind: 'untracked',
    owner,
    clientType: null,
    flows: [],
    scopes: null,
    refreshScope: null,
    pkceRequired: null,
    rtrEnabled: null,
    secretRequiredForRefresh: null,
    refreshTokenPolicy: null,
    ipRelaxation: null,
    permittedUsers: null,
    guestCodeCredentialFlow: null,
    clientCredentialsUser: null,
    certificate: null,
    consumerKey: null,
    usage,
    activity,
    ...assess({ flows: null, usage, activity, owner, org, days }),
  };
}

/** Usage of an app: by exact label, else by label ignoring case (OauthToken's AppName is the label). */
function usageFor(
  label: string,
  usage: Map<string, TokenUsage>,
  folded: Map<string, string>,
): { usage: TokenUsage; key?: string } {
  const exact = usage.get(label);
  if (exact) return { usage: exact, key: label };
  const key = folded.get(label.toLowerCase());
  return key ? { usage: usage.get(key) ?? EMPTY_USAGE, key } : { usage: { ...EMPTY_USAGE } };
}

export async function buildInventory(conn: Connection, options: InventoryOptions): Promise<Inventory> {
  const warnings: InventoryWarning[] = [];
  const [catalog, usage, packages, org] = await Promise.all([
    loadCatalog(conn, { cache: options.cache }),
    loadUsage(conn, options.days).catch((e: unknown) => {
      warnings.push({ code: 'usageUnavailable', detail: errorText(e) });
      return undefined;
    }),
    loadPackages(conn).catch((e: unknown) => {
      warnings.push({ code: 'packagesUnavailable', detail: errorText(e) });
      return undefined;
    }),
    orgRecord(conn),
  ]);

  const orgSettings = readOrgSettings(catalog.oauthSettings);
  if (usage && !usage.complete) warnings.push({ code: 'usagePartial', detail: usage.readUpTo ?? '' });
  const usageByLabel = usage?.byApp ?? new Map<string, TokenUsage>();
  const folded = new Map([...usageByLabel.keys()].map((k) => [k.toLowerCase(), k]));
  const claimed = new Set<string>();
  const permissionText = /Consumer Secrets via Metadata API|cannot access ExtlClntApp/i;
  const permissionDenied = catalog.messages.some((m) => permissionText.test(m));
  const ctx: RowContext = {
    packages,
    orgNamespace: org?.NamespacePrefix ?? null,
    org: orgSettings,
    days: options.days,
    permissionDenied,
  };

  const rows: AppRow[] = [];
  const unreadable: string[] = [];
  for (const app of catalog.apps) {
    const settings = readAppSettings(app);
    const found = usageFor(settings.label, usageByLabel, folded);
    if (found.key) claimed.add(found.key);
    const row = metadataRow(settings, found.usage, ctx);
    if (
      settings.kind === 'ExternalClientApplication' &&
      !row.settingsIn &&
      (!settings.globalSettingsReadable || !settings.scopesReadable)
    )
      unreadable.push(settings.name);
    rows.push(row);
  }
  for (const [appName, u] of usageByLabel) {
    if (!claimed.has(appName)) rows.push(untrackedRow(appName, u, orgSettings, options.days));
  }

  if (unreadable.length > 0) warnings.push({ code: 'consumerSecretPermission', apps: unreadable });
  const other = catalog.messages.filter((m) => !permissionText.test(m));
  if (other.length > 0) warnings.push({ code: 'retrieveMessages', detail: other.join('; ') });

  let selected = options.apps?.length ? selectApps(rows, options.apps) : rows;
  if (options.needsAction) selected = selected.filter(needsAction);
  selected.sort(compareRows);

  const verdicts = Object.fromEntries(VERDICT_ORDER.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const row of selected) verdicts[row.verdict]++;
  return {
    result: {
      org: header(conn, org),
      orgSettings,
      days: options.days,
      summary: {
        apps: selected.length,
        breaksAtEnforcement: selected.filter((r) => r.breaksAtEnforcement).length,
        verdicts,
      },
      apps: selected,
    },
    warnings,
  };
}

/** The rows named by `--app` (developer name or label, any case); throws with close matches for unknown names. */
export function selectApps(rows: AppRow[], names: string[]): AppRow[] {
  const matches = (row: AppRow, name: string): boolean =>
    [row.name, row.label].some((n) => n.toLowerCase() === name.toLowerCase());
  const unknown = names.filter((name) => !rows.some((row) => matches(row, name)));
  if (unknown.length > 0) throw unknownApps(unknown, rows);
  return rows.filter((row) => names.some((name) => matches(row, name)));
}
