/*
 * The OAuth client to test for each app: consumer key, callback and settings from the app's metadata (Connected App
 * oauthConfig, or the ECA's global OAuth settings and OAuth settings), with --client-id, --callback-url and --login-url
 * overriding them. Also the "last modified" time of the component that holds the app's PKCE and rotation flags, so a
 * stored result can later be matched with the settings it was made under. The consumer secret is not part of this
 * (see secret.ts): nothing here is secret.
 */
import type { Connection } from '@salesforce/core';
import { loadCatalog, type CatalogApp, type RetrieveCache } from '../apps/catalog.js';
import { readAppSettings, type AppSettings } from '../apps/settings.js';
import { settingsScope, unknownApps, usageOfLabel } from '../apps/scope.js';
import { EMPTY_USAGE, loadUsage } from '../apps/usage.js';
import type { TokenUsage } from '../apps/model.js';

export type VerifyKind = 'pkce' | 'rtr';

export type ClientConfig = {
  app: string;
  /** The app's label: what OauthToken.AppName shows (absent when only overrides describe the app). */
  appLabel?: string | null;
  /** `unknown` when the app is not in the org's metadata and only overrides describe it. */
  appKind: CatalogApp['kind'] | 'unknown';
  clientId: string;
  redirectUri: string;
  /** Where /services/oauth2/{authorize,token,revoke} are. */
  loginUrl: string;
  /** From isConsumerSecretOptional; null when unknown. */
  clientType: 'public' | 'confidential' | null;
  pkceRequired: boolean | null;
  rtrEnabled: boolean | null;
  refreshScope: boolean | null;
  /** OAuth scope values to ask for in RTR runs. */
  refreshScopeRequest: string;
  /** OAuth scope values to ask for in PKCE runs (undefined: the server's default, all the app's scopes on Salesforce). */
  pkceScopeRequest?: string;
  settingsComponent: { type: string; fullName: string } | null;
  /** lastModifiedDate of settingsComponent at test time (ISO), null when unknown. */
  settingsLastModified: string | null;
  source: 'metadata' | 'overrides';
};

export type Overrides = { clientId?: string; callbackUrl?: string; loginUrl?: string };

export type Selection = {
  apps?: string[];
  all?: boolean;
  kind: VerifyKind;
  preferLoopbackCallback?: boolean;
  /** A run's cache of retrieved files (apps/catalog.ts RetrieveCache): unchanged components are not retrieved again. */
  cache?: RetrieveCache;
};

export class ClientConfigError extends Error {
  public constructor(
    message: string,
    public readonly code: 'unknownApps' | 'noApps' | 'noClientId' | 'noCallback' | 'overridesNeedOneApp',
    public readonly names: string[] = [],
  ) {
    super(message);
    this.name = 'ClientConfigError';
  }
}

type FileProps = { type: string; fullName: string; lastModifiedDate?: string };

/** lastModifiedDate of every Connected App and ECA global OAuth settings component, by `Type:FullName`. */
export async function lastModifiedDates(conn: Connection): Promise<Map<string, string>> {
  const listed = await conn.metadata.list([{ type: 'ConnectedApp' }, { type: 'ExtlClntAppGlobalOauthSettings' }]);
  const rows = (Array.isArray(listed) ? listed : listed ? [listed] : []) as FileProps[];
  return new Map(
    rows.filter((r) => r.lastModifiedDate).map((r) => [`${r.type}:${r.fullName}`, String(r.lastModifiedDate)]),
  );
}

function settingsComponent(app: CatalogApp): { type: string; fullName: string } | null {
  if (app.kind === 'ConnectedApp') return { type: 'ConnectedApp', fullName: app.name };
  const global = app.parts.ExtlClntAppGlobalOauthSettings;
  return global ? { type: 'ExtlClntAppGlobalOauthSettings', fullName: global.fullName } : null;
}

/**
 * Whether an app is in scope for --all (apps/scope.ts decides PKCE and rotation scope for every command) and has a
 * client to test (a consumer key).
 */
export function inScope(settings: AppSettings, kind: VerifyKind, usage: TokenUsage = EMPTY_USAGE): boolean {
  if (!settings.consumerKey) return false;
  return settingsScope(settings, usage)[kind];
}

/** Activity window of the usage `--all` reads to judge scope (as `sf oauth app list`'s default). */
const SCOPE_USAGE_DAYS = 90;

function pickCallback(urls: string[], preferLoopback: boolean): string | undefined {
  if (preferLoopback) {
    const loopback = urls.find((u) => /^http:\/\/(localhost|127\.0\.0\.1|\[::1\]):\d+\//.test(u));
    if (loopback) return loopback;
  }
  return urls[0];
}

/** OAuth scope values for a refresh-token grant, limited to what the app allows when that is known. */
function refreshScopeRequest(scopes: string[] | null): string {
  if (!scopes) return 'refresh_token api';
  const has = (name: string): boolean => scopes.some((s) => s.toLowerCase() === name.toLowerCase());
  const wanted = [has('OfflineAccess') && !has('RefreshToken') ? 'offline_access' : 'refresh_token'];
  if (has('Api')) wanted.push('api');
  return wanted.join(' ');
}

export async function resolveClients(
  conn: Connection,
  selection: Selection,
  overrides: Overrides = {},
): Promise<ClientConfig[]> {
  const names = selection.apps ?? [];
  if ((overrides.clientId ?? overrides.callbackUrl) && names.length !== 1) {
    throw new ClientConfigError(
      '--client-id and --callback-url describe one app: use them with exactly one --app.',
      'overridesNeedOneApp',
    );
  }
  const [catalog, modified] = await Promise.all([
    loadCatalog(conn, { ...(selection.all ? {} : { apps: names }), cache: selection.cache, orgSettings: false }),
    lastModifiedDates(conn).catch(() => new Map<string, string>()),
  ]);
  const loginUrl = (overrides.loginUrl ?? conn.instanceUrl).replace(/\/+$/, '');
  const byName = new Map(catalog.apps.map((a) => [a.name.toLowerCase(), a]));

  let chosen: Array<{ name: string; app?: CatalogApp }>;
  if (selection.all) {
    const usage = await loadUsage(conn, SCOPE_USAGE_DAYS).then(
      (u) => u.byApp,
      () => new Map<string, TokenUsage>(),
    );
    chosen = catalog.apps
      .filter((a) => {
        const settings = readAppSettings(a);
        return inScope(settings, selection.kind, usageOfLabel(settings.label, usage));
      })
      .map((app) => ({ name: app.name, app }));
    if (!chosen.length) throw new ClientConfigError('The org has no app in scope.', 'noApps');
  } else {
    chosen = names.map((name) => ({ name, app: byName.get(name.toLowerCase()) }));
    const unknown = chosen.filter((c) => !c.app && !(overrides.clientId && overrides.callbackUrl)).map((c) => c.name);
    if (unknown.length)
      throw new ClientConfigError(
        unknownApps(
          unknown,
          (catalog.listedApps ?? catalog.apps.map((a) => a.name)).map((name) => ({ name })),
        ).message,
        'unknownApps',
        unknown,
      );
  }

  return chosen.map(({ name, app }): ClientConfig => {
    if (!app) {
      return {
        app: name,
        appKind: 'unknown',
        clientId: overrides.clientId ?? '',
        redirectUri: overrides.callbackUrl ?? '',
        loginUrl,
        clientType: null,
        pkceRequired: null,
        rtrEnabled: null,
        refreshScope: null,
        refreshScopeRequest: refreshScopeRequest(null),
        pkceScopeRequest: 'api',
        settingsComponent: null,
        settingsLastModified: null,
        source: 'overrides',
      };
    }
    const s = readAppSettings(app);
    const clientId = overrides.clientId ?? s.consumerKey ?? undefined;
    if (!clientId)
      throw new ClientConfigError(
        `${app.name} has no consumer key in the metadata the org returned; pass --client-id.`,
        'noClientId',
        [app.name],
      );
    const redirectUri =
      overrides.callbackUrl ?? pickCallback(s.callbackUrls ?? [], selection.preferLoopbackCallback ?? false);
    if (!redirectUri)
      throw new ClientConfigError(`${app.name} has no callback URL; pass --callback-url.`, 'noCallback', [app.name]);
    const component = settingsComponent(app);
    return {
      app: app.name,
      appLabel: s.label,
      appKind: app.kind,
      clientId,
      redirectUri,
      loginUrl,
      clientType: s.clientType,
      pkceRequired: s.pkceRequired,
      rtrEnabled: s.rtrEnabled,
      refreshScope: s.refreshScope,
      refreshScopeRequest: refreshScopeRequest(s.scopes),
      pkceScopeRequest: s.scopes?.some((x) => x.toLowerCase() === 'api') ? 'api' : undefined,
      settingsComponent: component,
      settingsLastModified: component ? (modified.get(`${component.type}:${component.fullName}`) ?? null) : null,
      source: overrides.clientId || overrides.callbackUrl ? 'overrides' : 'metadata',
    };
  });
}
