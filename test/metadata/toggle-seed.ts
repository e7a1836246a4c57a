/*
 * Seeds for the toggle and backup tests: the default org plus a "rich" Connected App and a "rich" External Client App
 * with every element filled (values other than the defaults where the schema allows), each with a planted consumer
 * secret that must never show up in a backup, a deploy or any output.
 */
import { DEFAULT_SEED } from '../../src/emulator/seed/default.js';
import type { OrgSeed, SeedApp } from '../../src/emulator/seed/types.js';

export const PLANTED_SECRET_CA = 'PLANTED0ca0secret0F3D9A7C1B5E2048ZQ';
export const PLANTED_SECRET_ECA = 'PLANTED0eca0secret0A81C7E44D92B3XW';
const INTEGRATION = 'integration@acme.example.com.uat';

export const RICH_CA = 'Rich_Connected_App';
export const RICH_ECA = 'Rich_Eca';

export const richConnectedApp: SeedApp = {
  kind: 'ConnectedApp',
  name: RICH_CA,
  consumerSecret: PLANTED_SECRET_CA,
  metadata: {
    attributes: [
      { formula: '$User.Email', key: 'email' },
      { formula: '$Organization.Id', key: 'org_id' },
    ],
    contactEmail: 'rich@acme.example.com',
    contactPhone: '+1 555 0100',
    description: 'Every element filled & "quoted" <escaped>',
    iconUrl: 'https://rich.example.com/icon.png',
    infoUrl: 'https://rich.example.com/info',
    ipRanges: [{ description: 'Office', end: '10.0.0.255', start: '10.0.0.1' }],
    label: 'Rich Connected App',
    logoUrl: 'https://rich.example.com/logo.png',
    mobileStartUrl: 'https://rich.example.com/mobile',
    oauthConfig: {
      assetTokenConfig: {
        assetAudiences: 'https://assets.example.com',
        assetIncludeAttributes: 'true',
        assetIncludeCustomPerms: 'true',
        assetSigningCertificate: 'RichSigningCert',
        assetValidityPeriod: '120',
      },
      callbackUrl: 'https://rich.example.com/cb\nhttp://localhost:8080/cb',
      certificate: 'MIIBRICHCERTIFICATEBODYFORTESTSONLY==',
      idTokenConfig: {
        idTokenAudience: 'rich-audience',
        idTokenIncludeAttributes: 'true',
        idTokenIncludeCustomPerms: 'true',
        idTokenIncludeStandardClaims: 'true',
        idTokenValidity: '5',
      },
      isAdminApproved: 'true',
      isClientCredentialEnabled: 'true',
      isCodeCredentialEnabled: 'true',
      isCodeCredentialPostOnly: 'true',
      isConsumerSecretOptional: 'false',
      isIntrospectAllTokens: 'true',
      isNamedUserJwtEnabled: 'true',
      isPkceRequired: 'false',
      isRefreshTokenRotationEnabled: 'false',
      isSecretRequiredForRefreshToken: 'false',
      isSecretRequiredForTokenExchange: 'true',
      isTokenExchangeEnabled: 'true',
      oauthClientCredentialUser: INTEGRATION,
      scopes: ['Api', 'Web', 'RefreshToken', 'OpenID', 'CustomPermissions'],
      singleLogoutUrl: 'https://rich.example.com/logout',
    },
    oauthPolicy: {
      ipRelaxation: 'BYPASS_2FACTOR',
      isTokenExchangeFlowEnabled: 'true',
      refreshTokenPolicy: 'specific_lifetime:12:HOURS',
      singleLogoutUrl: 'https://rich.example.com/policy-logout',
    },
    permissionSetName: ['Integration_Access', 'Field_Service_Access'],
    profileName: ['System Administrator', 'Standard User'],
    samlConfig: {
      acsUrl: 'https://rich.example.com/acs',
      entityUrl: 'https://rich.example.com',
      issuer: 'rich-issuer',
      samlNameIdFormat: 'Unspecified',
    },
    sessionPolicy: { policyAction: 'RaiseSessionLevel', requiredSessionLevel: 'HIGH_ASSURANCE', sessionTimeout: '30' },
    startUrl: 'https://rich.example.com/start',
  },
};

export const richEca: SeedApp = {
  kind: 'ExternalClientApplication',
  name: RICH_ECA,
  consumerSecret: PLANTED_SECRET_ECA,
  header: {
    contactEmail: 'rich-eca@acme.example.com',
    contactPhone: '+1 555 0101',
    description: 'Rich ECA & friends',
    distributionState: 'Local',
    iconUrl: 'https://eca.example.com/icon.png',
    infoUrl: 'https://eca.example.com/info',
    isProtected: 'false',
    label: 'Rich ECA',
    logoUrl: 'https://eca.example.com/logo.png',
  },
  globalOauth: {
    callbackUrl: 'https://eca.example.com/cb',
    certificate: 'MIIBRICHECACERTIFICATE==',
    externalClientApplication: RICH_ECA,
    idTokenConfig: {
      idTokenAudience: 'eca-aud',
      idTokenIncludeAttributes: 'true',
      idTokenIncludeStandardClaims: 'true',
      idTokenValidityInMinutes: '30',
    },
    isClientCredentialsFlowEnabled: 'true',
    isCodeCredFlowEnabled: 'true',
    isCodeCredPostOnly: 'true',
    isConsumerSecretOptional: 'false',
    isDeviceFlowEnabled: 'true',
    isEnforceRefreshTokenTTL: 'true',
    isIntrospectAllTokens: 'true',
    isNamedUserJwtEnabled: 'true',
    isPkceRequired: 'false',
    isRefreshTokenRotationEnabled: 'false',
    isSecretRequiredForRefreshToken: 'false',
    isSecretRequiredForTokenExchange: 'true',
    isTokenExchangeEnabled: 'true',
    label: 'Rich_Eca_glbloauth',
    shouldRotateConsumerKey: 'false',
    shouldRotateConsumerSecret: 'false',
  },
  oauthSettings: {
    areAttributesIncludedInAssetToken: 'true',
    areCustomPermsIncludedInAssetToken: 'true',
    assetTokenAudiences: 'https://assets.eca.example.com',
    assetTokenSigningCertificate: 'EcaSigningCert',
    assetTokenValidity: '60',
    clientAssertionCertificate: 'EcaAssertionCert',
    commaSeparatedOauthScopes: 'Api, Web, RefreshToken, OpenID',
    customAttributes: [{ formula: '$User.Username', key: 'uname' }],
    externalClientApplication: RICH_ECA,
    isFirstPartyAppEnabled: 'true',
    label: 'Rich_Eca_oauth',
    singleLogoutUrl: 'https://eca.example.com/logout',
    trustedIpRanges: [{ description: 'VPN', endIpAddress: '192.168.1.255', startIpAddress: '192.168.1.1' }],
  },
  oauthPolicies: {
    apexHandler: 'RichHandler',
    clientCredentialsFlowUser: INTEGRATION,
    commaSeparatedCustomScopes: 'rich.read, rich.write',
    commaSeparatedPermissionSet: 'Integration_Access',
    commaSeparatedProfile: 'System Administrator',
    customAttributes: [{ formula: '$User.Id', key: 'uid' }],
    executeHandlerAs: INTEGRATION,
    externalClientApplication: RICH_ECA,
    guestJwtSessionTimeoutType: 'Custom',
    guestJwtTimeout: '15',
    ipRelaxationPolicyType: 'Bypass_2factor',
    isClientCredentialsFlowEnabled: 'true',
    isGuestCodeCredFlowEnabled: 'true',
    isNamedUserJwtEnabled: 'true',
    isTokenExchangeFlowEnabled: 'true',
    label: 'Rich_Eca_oauthPlcy',
    namedUserJwtSessionTimeoutType: 'UserSession',
    namedUserJwtTimeout: '30',
    permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
    policyAction: 'RaiseSessionLevel',
    refreshTokenPolicyType: 'SpecificLifetime',
    refreshTokenValidityPeriod: '4',
    refreshTokenValidityUnit: 'Hours',
    requiredSessionLevel: 'HIGH_ASSURANCE',
    sessionTimeoutInMinutes: '45',
    singleLogoutUrl: 'https://eca.example.com/policy-logout',
    startUrl: 'https://eca.example.com/start',
  },
  policies: {
    externalClientApplication: RICH_ECA,
    isCanvasPluginEnabled: 'false',
    isEnabled: 'true',
    isMobilePluginEnabled: 'false',
    isNotificationPluginEnabled: 'false',
    isOauthPluginEnabled: 'true',
    isPushPluginEnabled: 'false',
    isSamlPluginEnabled: 'false',
    label: 'Rich_Eca_plcy',
    startPage: 'Custom',
    startUrl: 'https://eca.example.com/policies-start',
  },
};

/** The default org plus the rich apps. */
export function richSeed(overrides: Partial<OrgSeed> = {}): OrgSeed {
  return { ...DEFAULT_SEED, ...overrides, apps: [...DEFAULT_SEED.apps, richConnectedApp, richEca] };
}
