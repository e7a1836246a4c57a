/*
 * Per-app OAuth settings read from the retrieved metadata files: a Connected App's `<oauthConfig>` and `<oauthPolicy>`,
 * or an ECA's header, global OAuth settings, OAuth settings, OAuth policies and app policies. Reads only; the consumer
 * secret is never read (orgs do not return it, and nothing here asks for it).
 */
import { XMLParser } from 'fast-xml-parser';
import type { CatalogApp } from './catalog.js';
import type { ClientType, Flow, IpRelaxation, PermittedUsers, RefreshTokenPolicy, TokenUsage } from './model.js';

export type AppSettings = {
  name: string;
  label: string;
  kind: CatalogApp['kind'];
  namespacePrefix: string | null;
  /** ECA `distributionState` (`Local`, `Packaged`, `Managed`, ...); null for Connected Apps. */
  distributionState: string | null;
  /** The app has OAuth settings at all (a Connected App may be SAML-only). */
  hasOauth: boolean;
  /** False when the ECA or its OAuth plugin is switched off. */
  enabled: boolean;
  /** False when the org did not return the ECA's global OAuth settings (missing permission). */
  globalSettingsReadable: boolean;
  /** False when the org did not return the ECA's OAuth settings (scopes). */
  scopesReadable: boolean;
  callbackUrls: string[] | null;
  certificate: boolean | null;
  consumerKey: string | null;
  clientType: ClientType | null;
  scopes: string[] | null;
  refreshScope: boolean | null;
  pkceRequired: boolean | null;
  rtrEnabled: boolean | null;
  secretRequiredForRefresh: boolean | null;
  clientCredentials: boolean | null;
  clientCredentialsUser: string | null;
  codeCredentials: boolean | null;
  device: boolean | null;
  refreshTokenPolicy: RefreshTokenPolicy | null;
  ipRelaxation: IpRelaxation | null;
  permittedUsers: PermittedUsers | null;
  guestCodeCredentialFlow: boolean | null;
};

/** Scopes that let an app get refresh tokens. */
export const REFRESH_SCOPES = ['RefreshToken', 'OfflineAccess', 'Full'] as const;

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  removeNSPrefix: true,
  trimValues: true,
  isArray: (name): boolean => name === 'scopes',
});

function root(xml: string | undefined): Node | undefined {
  if (!xml) return undefined;
  const doc = parser.parse(xml) as Node;
  for (const [key, value] of Object.entries(doc)) {
    if (key !== '?xml' && value && typeof value === 'object') return value as Node;
  }
  return undefined;
}

function child(node: Node | undefined, name: string): Node | undefined {
  const value = node?.[name];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : undefined;
}

function str(node: Node | undefined, name: string): string | undefined {
  const value = node?.[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A boolean element; `fallback` is its documented default when absent. */
function bool(node: Node | undefined, name: string, fallback: boolean): boolean {
  const value = str(node, name);
  return value === undefined ? fallback : value.trim().toLowerCase() === 'true';
}

function strings(node: Node | undefined, name: string): string[] {
  const value = node?.[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim())
    .filter(Boolean);
}

function callbacks(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\n\r]+/)
    .map((u) => u.trim())
    .filter(Boolean);
}

export function hasRefreshScope(scopes: string[]): boolean {
  return scopes.some((s) => (REFRESH_SCOPES as readonly string[]).some((r) => r.toLowerCase() === s.toLowerCase()));
}

const UNITS: Record<string, RefreshTokenPolicy['unit']> = { hours: 'hours', days: 'days', months: 'months' };

/** Connected App `refreshTokenPolicy`: `infinite`, `zero`, `specific_lifetime:<n>:<UNIT>`, `specific_inactivity:<n>:<UNIT>`. */
export function connectedAppRefreshPolicy(value: string | undefined): RefreshTokenPolicy | null {
  if (!value) return { type: 'infinite' };
  const [kind, period, unit] = value.trim().toLowerCase().split(':');
  if (kind === 'infinite') return { type: 'infinite' };
  if (kind === 'zero' || kind === 'immediately') return { type: 'zero' };
  const type =
    kind === 'specific_lifetime'
      ? 'specific-lifetime'
      : kind === 'specific_inactivity'
        ? 'specific-inactivity'
        : undefined;
  if (!type) return null;
  return { type, period: Number(period) || 0, unit: UNITS[unit ?? ''] ?? 'days' };
}

/** ECA `refreshTokenPolicyType` (`Infinite`, `Zero`, `SpecificLifetime`, `SpecificInactivity`) with period and unit. */
export function ecaRefreshPolicy(
  type: string | undefined,
  period: string | undefined,
  unit: string | undefined,
): RefreshTokenPolicy | null {
  switch ((type ?? 'Infinite').toLowerCase()) {
    case 'infinite':
      return { type: 'infinite' };
    case 'zero':
      return { type: 'zero' };
    case 'specificlifetime':
      return {
        type: 'specific-lifetime',
        period: Number(period) || 0,
        unit: UNITS[(unit ?? 'days').toLowerCase()] ?? 'days',
      };
    case 'specificinactivity':
      return {
        type: 'specific-inactivity',
        period: Number(period) || 0,
        unit: UNITS[(unit ?? 'days').toLowerCase()] ?? 'days',
      };
    default:
      return null;
  }
}

/** Connected App `ipRelaxation` (`ENFORCE`, `BYPASS`, ...) or ECA `ipRelaxationPolicyType` (`Enforce`, `Bypass`, ...). */
export function ipRelaxation(value: string | undefined): IpRelaxation | null {
  switch ((value ?? 'ENFORCE').toUpperCase()) {
    case 'ENFORCE':
      return 'enforce';
    case 'BYPASS':
      return 'bypass';
    case 'BYPASS_2FACTOR':
      return 'bypass-with-second-factor';
    case 'ENFORCE_RELAXREFRESH':
      return 'relax-for-refresh';
    default:
      return null;
  }
}

function connectedAppSettings(app: CatalogApp): AppSettings {
  const header = root(app.header.xml);
  const config = child(header, 'oauthConfig');
  const policy = child(header, 'oauthPolicy');
  const scopes = strings(config, 'scopes');
  const hasOauth = config !== undefined;
  return {
    name: app.name,
    label: str(header, 'label') ?? app.name,
    kind: app.kind,
    namespacePrefix: app.namespacePrefix,
    distributionState: null,
    hasOauth,
    enabled: true,
    globalSettingsReadable: true,
    scopesReadable: true,
    callbackUrls: callbacks(str(config, 'callbackUrl')),
    certificate: Boolean(str(config, 'certificate')?.trim()),
    consumerKey: str(config, 'consumerKey') ?? null,
    clientType: bool(config, 'isConsumerSecretOptional', false) ? 'public' : 'confidential',
    scopes,
    refreshScope: hasRefreshScope(scopes),
    pkceRequired: bool(config, 'isPkceRequired', false),
    rtrEnabled: bool(config, 'isRefreshTokenRotationEnabled', false),
    secretRequiredForRefresh: bool(config, 'isSecretRequiredForRefreshToken', true),
    clientCredentials: bool(config, 'isClientCredentialEnabled', false),
    // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- a blank user is no user
    clientCredentialsUser: str(config, 'oauthClientCredentialUser')?.trim() || null,
    codeCredentials: bool(config, 'isCodeCredentialEnabled', false),
    // A Connected App's device flow switch is not in its metadata.
    device: null,
    refreshTokenPolicy: connectedAppRefreshPolicy(str(policy, 'refreshTokenPolicy')),
    ipRelaxation: ipRelaxation(str(policy, 'ipRelaxation')),
    permittedUsers: bool(config, 'isAdminApproved', false) ? 'admin-approved' : 'self-authorized',
    // Connected Apps keep the guest code-credential switch outside their metadata.
    guestCodeCredentialFlow: null,
  };
}

function ecaSettings(app: CatalogApp): AppSettings {
  const header = root(app.header.xml);
  const global = root(app.parts.ExtlClntAppGlobalOauthSettings?.xml);
  const oauth = root(app.parts.ExtlClntAppOauthSettings?.xml);
  const policies = root(app.parts.ExtlClntAppOauthConfigurablePolicies?.xml);
  const plugin = root(app.parts.ExtlClntAppConfigurablePolicies?.xml);
  const scopes = oauth
    ? (str(oauth, 'commaSeparatedOauthScopes') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : null;
  const g = <T>(read: () => T): T | null => (global ? read() : null);
  const p = <T>(read: () => T): T | null => (policies ? read() : null);
  const ccGlobal = g(() => bool(global, 'isClientCredentialsFlowEnabled', false));
  const ccPolicy = p(() => bool(policies, 'isClientCredentialsFlowEnabled', false));
  return {
    name: app.name,
    label: str(header, 'label') ?? app.name,
    kind: app.kind,
    namespacePrefix: app.namespacePrefix,
    distributionState: str(header, 'distributionState') ?? null,
    hasOauth: Boolean(global ?? oauth ?? policies),
    enabled: plugin ? bool(plugin, 'isEnabled', true) && bool(plugin, 'isOauthPluginEnabled', true) : true,
    globalSettingsReadable: global !== undefined,
    scopesReadable: oauth !== undefined,
    callbackUrls: g(() => callbacks(str(global, 'callbackUrl'))),
    certificate: g(() => Boolean(str(global, 'certificate')?.trim())),
    consumerKey: g(() => str(global, 'consumerKey') ?? null),
    clientType: g(() => (bool(global, 'isConsumerSecretOptional', false) ? 'public' : 'confidential')),
    scopes,
    refreshScope: scopes ? hasRefreshScope(scopes) : null,
    pkceRequired: g(() => bool(global, 'isPkceRequired', false)),
    rtrEnabled: g(() => bool(global, 'isRefreshTokenRotationEnabled', false)),
    secretRequiredForRefresh: g(() => bool(global, 'isSecretRequiredForRefreshToken', true)),
    // The developer switch lives in the global settings; the admin switch and the run-as user in the policies.
    clientCredentials: ccGlobal ?? ccPolicy,
    // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- a blank user is no user
    clientCredentialsUser: str(policies, 'clientCredentialsFlowUser')?.trim() || null,
    codeCredentials: g(() => bool(global, 'isCodeCredFlowEnabled', false)),
    device: g(() => bool(global, 'isDeviceFlowEnabled', false)),
    refreshTokenPolicy: policies
      ? ecaRefreshPolicy(
          str(policies, 'refreshTokenPolicyType'),
          str(policies, 'refreshTokenValidityPeriod'),
          str(policies, 'refreshTokenValidityUnit'),
        )
      : null,
    ipRelaxation: policies ? ipRelaxation(str(policies, 'ipRelaxationPolicyType')) : null,
    permittedUsers: policies
      ? str(policies, 'permittedUsersPolicyType') === 'AdminApprovedPreAuthorized'
        ? 'admin-approved'
        : 'self-authorized'
      : null,
    guestCodeCredentialFlow: p(() => bool(policies, 'isGuestCodeCredFlowEnabled', false)),
  };
}

export function readAppSettings(app: CatalogApp): AppSettings {
  return app.kind === 'ConnectedApp' ? connectedAppSettings(app) : ecaSettings(app);
}

/**
 * THE rule for "flows in use" (decided here and nowhere else).
 *
 * Client credentials, JWT bearer (a certificate is set), device and code-credentials count as in use when configured:
 * the metadata says nothing more about them, and OauthToken does not record client-credentials or JWT traffic.
 *
 * The authorization code flow needs a callback URL, but Salesforce requires one on every Connected App, so a callback
 * alone proves nothing. It counts as in use when the app has a callback URL and
 * (a) can get refresh tokens (a refresh scope only serves user flows), or
 * (b) OauthToken shows user approvals for it, or
 * (c) no other flow is configured (authorization code is then its only way in).
 * So an app set up for client credentials or a certificate (JWT), with no refresh scope and no OauthToken rows, is a
 * server-to-server app and not an authorization code app: PKCE and RTR do not concern it.
 * When the settings are unreadable the answer is null (unknown).
 */
export function flowsInUse(s: AppSettings, usage: TokenUsage): Flow[] | null {
  if (!s.hasOauth || !s.enabled) return [];
  if (!s.globalSettingsReadable) {
    // ECA without its global settings: only the admin-side client credentials switch is known.
    return s.clientCredentials ? ['client-credentials'] : null;
  }
  const flows: Flow[] = [];
  const other: Flow[] = [];
  if (s.clientCredentials) other.push('client-credentials');
  if (s.certificate) other.push('jwt-bearer');
  if (s.device) other.push('device');
  if (s.codeCredentials) other.push('code-credentials');
  const hasCallback = (s.callbackUrls ?? []).length > 0;
  const authCode = hasCallback && (s.refreshScope === true || usage.holders > 0 || other.length === 0);
  if (authCode) flows.push('authorization-code');
  return [...flows, ...other];
}
