/*
 * The OAuth view of the org's metadata: one OAuthClient per consumer key, derived from the deployed ConnectedApp and
 * External Client App components and the org-wide OauthOidc settings. The OAuth endpoints read only this view, so a
 * deploy takes effect on the next request.
 */
import type { MdObject } from './store/state.js';
import type { ClientKind } from './store/client-kind.js';
import type { OrgStore } from './store/store.js';
import { child, text, texts, withDefaults } from './metadata/codec.js';
import { COMPONENT_TYPES, SETTINGS_TYPES } from './metadata/schema.js';

export type RefreshPolicy =
  { type: 'infinite' } | { type: 'zero' } | { type: 'lifetime' | 'inactivity'; seconds: number; label: string };

export type { ClientKind } from './store/client-kind.js';

export type OAuthClient = {
  clientId: string;
  /** The metadata developer name (ConnectedApp full name, or the ExternalClientApplication name). */
  appName: string;
  label: string;
  kind: ClientKind;
  namespacePrefix: string | null;
  enabled: boolean;
  callbackUrls: string[];
  /** OAuth scope tokens the app allows (`api`, `refresh_token`, ...). */
  scopes: string[];
  pkceRequired: boolean;
  rotationEnabled: boolean;
  consumerSecretOptional: boolean;
  secretRequiredForRefresh: boolean;
  hasSecret: boolean;
  clientCredentialsEnabled: boolean;
  clientCredentialsUser?: string;
  jwtBearerEnabled: boolean;
  codeCredentialsEnabled: boolean;
  codeCredentialsPostOnly: boolean;
  deviceFlowEnabled: boolean;
  introspectAllTokens: boolean;
  adminApprovedOnly: boolean;
  permittedProfiles: string[];
  permittedPermissionSets: string[];
  refreshPolicy: RefreshPolicy;
  ipRelaxation: string;
};

export type OrgOauthSettings = {
  pkceRequired: boolean;
  usernamePasswordBlocked: boolean;
  userAgentBlocked: boolean;
  codeCredentialsAllowed: boolean;
};

/** Metadata scope names to the OAuth scope tokens a client asks for. */
const SCOPE_TOKENS: Record<string, string[]> = {
  Basic: ['id', 'profile', 'email', 'address', 'phone'],
  Api: ['api'],
  Web: ['web'],
  Full: ['full', 'api', 'web', 'refresh_token', 'offline_access'],
  Chatter: ['chatter_api'],
  CustomApplications: ['visualforce'],
  RefreshToken: ['refresh_token', 'offline_access'],
  OfflineAccess: ['refresh_token', 'offline_access'],
  OpenID: ['openid'],
  Profile: ['profile'],
  Email: ['email'],
  Address: ['address'],
  Phone: ['phone'],
  CustomPermissions: ['custom_permissions'],
  Wave: ['wave_api'],
  Eclair: ['eclair_api'],
  Pardot: ['pardot_api'],
  Lightning: ['lightning'],
  Content: ['content'],
  CDPIngest: ['cdp_ingest_api'],
  CDPProfile: ['cdp_profile_api'],
  CDPQuery: ['cdp_query_api'],
  Chatbot: ['chatbot_api'],
  PwdlessLogin: ['pwdless_login_api'],
  ForgotPassword: ['forgot_password'],
  UserRegistration: ['user_registration_api'],
  SFApiPlatform: ['sfap_api'],
  EinsteinGPT: ['einstein_gpt_api'],
  MCP: ['mcp_api'],
};

export function scopeTokens(metadataScopes: string[]): string[] {
  const tokens = new Set<string>();
  for (const scope of metadataScopes) for (const t of SCOPE_TOKENS[scope] ?? [scope.toLowerCase()]) tokens.add(t);
  return [...tokens];
}

const UNIT_SECONDS: Record<string, number> = { HOURS: 3600, DAYS: 86_400, MONTHS: 30 * 86_400 };

/** Parses a Connected App `refreshTokenPolicy` (`infinite`, `zero`, `specific_lifetime:3:DAYS`, ...). */
export function parseConnectedAppPolicy(value: string): RefreshPolicy {
  const [kind, n, unit] = value.split(':');
  if (kind === 'zero') return { type: 'zero' };
  if ((kind === 'specific_lifetime' || kind === 'specific_inactivity') && n && unit) {
    const seconds = Number(n) * (UNIT_SECONDS[unit.toUpperCase()] ?? 0);
    return { type: kind === 'specific_lifetime' ? 'lifetime' : 'inactivity', seconds, label: value };
  }
  return { type: 'infinite' };
}

function ecaPolicy(type: string, period: string, unit: string): RefreshPolicy {
  if (type === 'Zero') return { type: 'zero' };
  if (type === 'SpecificLifetime' || type === 'SpecificInactivity') {
    const seconds = Number(period || 0) * (UNIT_SECONDS[(unit || 'Days').toUpperCase()] ?? 0);
    const label = `${type}:${period}:${unit || 'Days'}`;
    return { type: type === 'SpecificLifetime' ? 'lifetime' : 'inactivity', seconds, label };
  }
  return { type: 'infinite' };
}

const isTrue = (v: string): boolean => v === 'true';
const csv = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function fromConnectedApp(
  store: OrgStore,
  fullName: string,
  raw: MdObject,
  namespacePrefix: string | null,
): OAuthClient | undefined {
  const value = withDefaults(raw, COMPONENT_TYPES.ConnectedApp);
  if (!value.oauthConfig) return undefined;
  const spec = COMPONENT_TYPES.ConnectedApp.fields.oauthConfig;
  const config =
    spec.kind === 'complex'
      ? withDefaults(child(value.oauthConfig), { ...COMPONENT_TYPES.ConnectedApp, fields: spec.fields })
      : {};
  const policy = child(value.oauthPolicy);
  const clientId = text(config.consumerKey);
  if (!clientId) return undefined;
  return {
    clientId,
    appName: fullName,
    label: text(value.label) || fullName,
    kind: 'ConnectedApp',
    namespacePrefix,
    enabled: true,
    callbackUrls: text(config.callbackUrl).split(/\s+/).filter(Boolean),
    scopes: scopeTokens(texts(config.scopes)),
    pkceRequired: isTrue(text(config.isPkceRequired)),
    rotationEnabled: isTrue(text(config.isRefreshTokenRotationEnabled)),
    consumerSecretOptional: isTrue(text(config.isConsumerSecretOptional)),
    secretRequiredForRefresh: isTrue(text(config.isSecretRequiredForRefreshToken)),
    hasSecret: store.hasConsumerSecret(clientId),
    clientCredentialsEnabled: isTrue(text(config.isClientCredentialEnabled)),
    clientCredentialsUser: text(config.oauthClientCredentialUser) || undefined,
    jwtBearerEnabled: text(config.certificate) !== '',
    codeCredentialsEnabled: isTrue(text(config.isCodeCredentialEnabled)),
    codeCredentialsPostOnly: isTrue(text(config.isCodeCredentialPostOnly)),
    deviceFlowEnabled: false,
    introspectAllTokens: isTrue(text(config.isIntrospectAllTokens)),
    adminApprovedOnly: isTrue(text(config.isAdminApproved)),
    permittedProfiles: texts(value.profileName),
    permittedPermissionSets: texts(value.permissionSetName),
    refreshPolicy: parseConnectedAppPolicy(text(policy.refreshTokenPolicy) || 'infinite'),
    ipRelaxation: text(policy.ipRelaxation) || 'ENFORCE',
  };
}

function byApp(store: OrgStore, type: string): Map<string, MdObject> {
  const map = new Map<string, MdObject>();
  for (const c of store.components(type)) {
    const app = text(c.value.externalClientApplication);
    if (app) map.set(app, withDefaults(c.value, COMPONENT_TYPES[type]));
  }
  return map;
}

function fromExternalClientApps(store: OrgStore): OAuthClient[] {
  const globals = byApp(store, 'ExtlClntAppGlobalOauthSettings');
  const settings = byApp(store, 'ExtlClntAppOauthSettings');
  const oauthPolicies = byApp(store, 'ExtlClntAppOauthConfigurablePolicies');
  const policies = byApp(store, 'ExtlClntAppConfigurablePolicies');
  const out: OAuthClient[] = [];
  for (const header of store.components('ExternalClientApplication')) {
    const global = globals.get(header.fullName);
    const clientId = global ? text(global.consumerKey) : '';
    if (!global || !clientId) continue;
    const oauth = settings.get(header.fullName) ?? {};
    const plcy = withDefaults(
      oauthPolicies.get(header.fullName) ?? {},
      COMPONENT_TYPES.ExtlClntAppOauthConfigurablePolicies,
    );
    const appPolicy = policies.get(header.fullName);
    const enabled = appPolicy
      ? text(appPolicy.isEnabled) !== 'false' && text(appPolicy.isOauthPluginEnabled) !== 'false'
      : true;
    out.push({
      clientId,
      appName: header.fullName,
      label: text(header.value.label) || header.fullName,
      kind: 'ExternalClientApplication',
      namespacePrefix: header.namespacePrefix,
      enabled,
      callbackUrls: text(global.callbackUrl).split(/\s+/).filter(Boolean),
      scopes: scopeTokens(csv(text(oauth.commaSeparatedOauthScopes))),
      pkceRequired: isTrue(text(global.isPkceRequired)),
      rotationEnabled: isTrue(text(global.isRefreshTokenRotationEnabled)),
      consumerSecretOptional: isTrue(text(global.isConsumerSecretOptional)),
      secretRequiredForRefresh: isTrue(text(global.isSecretRequiredForRefreshToken)),
      hasSecret: store.hasConsumerSecret(clientId),
      clientCredentialsEnabled:
        isTrue(text(global.isClientCredentialsFlowEnabled)) || isTrue(text(plcy.isClientCredentialsFlowEnabled)),
      clientCredentialsUser: text(plcy.clientCredentialsFlowUser) || undefined,
      jwtBearerEnabled: text(global.certificate) !== '',
      codeCredentialsEnabled: isTrue(text(global.isCodeCredFlowEnabled)),
      codeCredentialsPostOnly: isTrue(text(global.isCodeCredPostOnly)),
      deviceFlowEnabled: isTrue(text(global.isDeviceFlowEnabled)),
      introspectAllTokens: isTrue(text(global.isIntrospectAllTokens)),
      adminApprovedOnly: text(plcy.permittedUsersPolicyType) === 'AdminApprovedPreAuthorized',
      permittedProfiles: csv(text(plcy.commaSeparatedProfile)),
      permittedPermissionSets: csv(text(plcy.commaSeparatedPermissionSet)),
      refreshPolicy: ecaPolicy(
        text(plcy.refreshTokenPolicyType),
        text(plcy.refreshTokenValidityPeriod),
        text(plcy.refreshTokenValidityUnit),
      ),
      ipRelaxation: text(plcy.ipRelaxationPolicyType) || 'Enforce',
    });
  }
  return out;
}

function firstParty(store: OrgStore): OAuthClient[] {
  return store.state.builtinClients.map((b) => ({
    clientId: b.clientId,
    appName: b.appName,
    label: b.appName,
    kind: 'FirstParty' as const,
    namespacePrefix: null,
    enabled: true,
    callbackUrls: b.callbackUrls,
    scopes: scopeTokens(b.scopes),
    pkceRequired: false,
    rotationEnabled: false,
    consumerSecretOptional: true,
    secretRequiredForRefresh: false,
    hasSecret: false,
    clientCredentialsEnabled: false,
    jwtBearerEnabled: false,
    codeCredentialsEnabled: false,
    codeCredentialsPostOnly: false,
    deviceFlowEnabled: false,
    introspectAllTokens: false,
    adminApprovedOnly: false,
    permittedProfiles: [],
    permittedPermissionSets: [],
    refreshPolicy: { type: 'infinite' },
    ipRelaxation: 'ENFORCE',
  }));
}

const cache = new WeakMap<OrgStore, { revision: number; byKey: Map<string, OAuthClient> }>();

/** Every OAuth client of the org by consumer key; recomputed only after the org changed. */
export function oauthClients(store: OrgStore): Map<string, OAuthClient> {
  const hit = cache.get(store);
  if (hit?.revision === store.revision) return hit.byKey;
  const byKey = new Map<string, OAuthClient>();
  for (const c of store.components('ConnectedApp')) {
    const client = fromConnectedApp(store, c.fullName, c.value, c.namespacePrefix);
    if (client) byKey.set(client.clientId, client);
  }
  for (const client of fromExternalClientApps(store)) byKey.set(client.clientId, client);
  for (const client of firstParty(store)) byKey.set(client.clientId, client);
  cache.set(store, { revision: store.revision, byKey });
  return byKey;
}

export function oauthClient(store: OrgStore, clientId: string): OAuthClient | undefined {
  return oauthClients(store).get(clientId);
}

/** The org-wide OAuth and OpenID Connect settings (Settings member `OauthOidc`). */
export function orgOauthSettings(store: OrgStore): OrgOauthSettings {
  const stored = store.component('Settings', 'OauthOidc');
  const value = withDefaults(stored?.value ?? {}, SETTINGS_TYPES.OauthOidc);
  return {
    pkceRequired: isTrue(text(value.isPkceRequired)),
    usernamePasswordBlocked: isTrue(text(value.blockOAuthUnPwFlow)),
    userAgentBlocked: isTrue(text(value.blockOAuthUsrAgtFlow)),
    codeCredentialsAllowed: isTrue(text(value.oAuthCdCrdtFlowEnable)),
  };
}
