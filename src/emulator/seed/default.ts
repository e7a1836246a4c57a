/*
 * The default org: a sandbox of a fictional company with the spread of OAuth clients a real org has, so that every
 * readiness rule, flow and owner has an example. docs/emulator-seed.md describes each app and why it is there.
 */
import type { MdObject } from '../store/state.js';
import type { OrgSeed, SeedApp } from './types.js';

const DOMAIN = 'acme.example.com.uat';
const ADMIN = `admin@${DOMAIN}`;
const INTEGRATION = `integration@${DOMAIN}`;
const OPS = `ops@${DOMAIN}`;

type CaOptions = {
  label: string;
  callback: string;
  scopes: string[];
  pkce: boolean;
  rtr: boolean;
  publicClient?: boolean;
  adminApproved?: boolean;
  profiles?: string[];
  permissionSets?: string[];
  policy?: string;
  ipRelaxation?: string;
  extra?: MdObject;
  secretRequiredForRefresh?: boolean;
};

function connectedApp(name: string, o: CaOptions): SeedApp {
  const oauthConfig: MdObject = {
    callbackUrl: o.callback,
    isAdminApproved: String(o.adminApproved ?? false),
    isClientCredentialEnabled: 'false',
    isCodeCredentialEnabled: 'false',
    isCodeCredentialPostOnly: 'false',
    isConsumerSecretOptional: String(o.publicClient ?? false),
    isIntrospectAllTokens: 'false',
    isNamedUserJwtEnabled: 'false',
    isPkceRequired: String(o.pkce),
    isRefreshTokenRotationEnabled: String(o.rtr),
    isSecretRequiredForRefreshToken: String(o.secretRequiredForRefresh ?? !(o.publicClient ?? false)),
    isSecretRequiredForTokenExchange: 'false',
    isTokenExchangeEnabled: 'false',
    scopes: o.scopes,
    ...o.extra,
  };
  const metadata: MdObject = {
    contactEmail: 'it-integrations@acme.example.com',
    label: o.label,
    oauthConfig,
    oauthPolicy: { ipRelaxation: o.ipRelaxation ?? 'ENFORCE', refreshTokenPolicy: o.policy ?? 'infinite' },
  };
  if (o.profiles) metadata.profileName = o.profiles;
  if (o.permissionSets) metadata.permissionSetName = o.permissionSets;
  return { kind: 'ConnectedApp', name, metadata };
}

type EcaOptions = {
  label: string;
  callback: string;
  scopes: string;
  pkce: boolean;
  rtr: boolean;
  publicClient?: boolean;
  permitted?: 'AdminApprovedPreAuthorized' | 'AllSelfAuthorized';
  profiles?: string;
  policy?: { type: string; period?: string; unit?: string };
  ipRelaxation?: string;
  global?: MdObject;
  oauthPolicies?: MdObject;
  distributionState?: string;
};

function eca(name: string, o: EcaOptions): SeedApp {
  const local = name.replace(/^[A-Za-z0-9]+__/, '');
  return {
    kind: 'ExternalClientApplication',
    name,
    header: {
      contactEmail: 'it-integrations@acme.example.com',
      distributionState: o.distributionState ?? 'Local',
      isProtected: 'false',
      label: o.label,
    },
    globalOauth: {
      callbackUrl: o.callback,
      externalClientApplication: name,
      isClientCredentialsFlowEnabled: 'false',
      isCodeCredFlowEnabled: 'false',
      isCodeCredPostOnly: 'false',
      isConsumerSecretOptional: String(o.publicClient ?? false),
      isDeviceFlowEnabled: 'false',
      isIntrospectAllTokens: 'false',
      isNamedUserJwtEnabled: 'false',
      isPkceRequired: String(o.pkce),
      isRefreshTokenRotationEnabled: String(o.rtr),
      isSecretRequiredForRefreshToken: String(!(o.publicClient ?? false)),
      isSecretRequiredForTokenExchange: 'false',
      isTokenExchangeEnabled: 'false',
      label: `${local}_glbloauth`,
      shouldRotateConsumerKey: 'false',
      shouldRotateConsumerSecret: 'false',
      ...o.global,
    },
    oauthSettings: {
      commaSeparatedOauthScopes: o.scopes,
      externalClientApplication: name,
      isFirstPartyAppEnabled: 'false',
      label: `${local}_oauth`,
    },
    oauthPolicies: {
      externalClientApplication: name,
      ipRelaxationPolicyType: o.ipRelaxation ?? 'Enforce',
      isClientCredentialsFlowEnabled: 'false',
      isGuestCodeCredFlowEnabled: 'false',
      isTokenExchangeFlowEnabled: 'false',
      label: `${local}_oauthPlcy`,
      permittedUsersPolicyType: o.permitted ?? 'AllSelfAuthorized',
      ...(o.profiles ? { commaSeparatedProfile: o.profiles } : {}),
      refreshTokenPolicyType: o.policy?.type ?? 'Infinite',
      ...(o.policy?.period ? { refreshTokenValidityPeriod: o.policy.period } : {}),
      ...(o.policy?.unit ? { refreshTokenValidityUnit: o.policy.unit } : {}),
      requiredSessionLevel: 'STANDARD',
      ...o.oauthPolicies,
    },
    policies: {
      externalClientApplication: name,
      isEnabled: 'true',
      isOauthPluginEnabled: 'true',
      label: `${local}_plcy`,
      startPage: 'None',
    },
  };
}

const SYSADMIN = 'System Administrator';

export const DEFAULT_SEED: OrgSeed = {
  org: {
    name: 'Acme Corporation (UAT sandbox)',
    instanceName: 'CS999',
    isSandbox: true,
    organizationType: 'Enterprise Edition',
  },
  users: [
    {
      username: ADMIN,
      firstName: 'Ada',
      lastName: 'Admin',
      email: 'ada.admin@acme.example.com',
      alias: 'aadmin',
      profileName: SYSADMIN,
    },
    {
      username: INTEGRATION,
      firstName: 'Integration',
      lastName: 'User',
      email: 'integration@acme.example.com',
      alias: 'integ',
      profileName: 'Minimum Access - API Only Integrations',
      permissionSets: ['Integration_Access'],
    },
    {
      username: OPS,
      firstName: 'Omar',
      lastName: 'Ops',
      email: 'omar.ops@acme.example.com',
      alias: 'oops',
      profileName: 'Standard User',
      permissionSets: ['Field_Service_Access'],
    },
    {
      username: 'partner.user@acme-community.example.com',
      firstName: 'Pat',
      lastName: 'Partner',
      email: 'pat@partner.example.com',
      alias: 'ppart',
      profileName: 'Partner Community User',
      userType: 'PowerCustomerSuccess',
    },
    {
      username: `former.employee@${DOMAIN}`,
      firstName: 'Fran',
      lastName: 'Former',
      email: 'fran@acme.example.com',
      alias: 'ffor',
      profileName: 'Standard User',
      isActive: false,
    },
  ],
  packages: [
    {
      namespace: 'mcconn',
      name: 'Marketing Cloud Connector',
      publisher: 'Northwind Software',
      versionName: 'Summer Release',
      versionNumber: '4.12.0.3',
    },
    {
      namespace: 'ptnrx',
      name: 'Partner Analytics',
      publisher: 'Contoso Analytics',
      versionName: 'Ver 2.3',
      versionNumber: '2.3.0.1',
    },
    {
      namespace: 'dlrs',
      name: 'Declarative Lookup Rollup Summaries Tool',
      publisher: 'SFDO Community',
      versionName: 'Spring',
      versionNumber: '2.21.0.2',
    },
  ],
  apps: [
    connectedApp('Acme_Mobile', {
      label: 'Acme Mobile',
      callback: 'com.acme.mobile://oauth/callback',
      scopes: ['Api', 'RefreshToken', 'OpenID'],
      pkce: true,
      rtr: false,
      publicClient: true,
    }),
    connectedApp('Partner_Portal_Sync', {
      label: 'Partner Portal Sync',
      callback: 'https://sync.partner-portal.example.com/oauth/callback',
      scopes: ['Api', 'Web', 'RefreshToken'],
      pkce: false,
      rtr: false,
      adminApproved: true,
      profiles: [SYSADMIN, 'Standard User'],
    }),
    connectedApp('Data_Loader_Legacy', {
      label: 'Data Loader (legacy)',
      callback: 'https://login.salesforce.com/services/oauth2/success',
      scopes: ['Full'],
      pkce: false,
      rtr: false,
    }),
    connectedApp('Ops_Dashboard_Local', {
      label: 'Ops Dashboard (local dev)',
      callback: 'http://localhost:8080/callback',
      scopes: ['Api', 'RefreshToken', 'OpenID'],
      pkce: true,
      rtr: true,
      publicClient: true,
      adminApproved: true,
      profiles: [SYSADMIN],
      policy: 'specific_inactivity:30:DAYS',
    }),
    connectedApp('Nightly_ETL_Client_Credentials', {
      label: 'Nightly ETL (client credentials)',
      callback: 'https://etl.acme.example.com/unused',
      scopes: ['Api'],
      pkce: false,
      rtr: false,
      adminApproved: true,
      profiles: ['Minimum Access - API Only Integrations'],
      extra: { isClientCredentialEnabled: 'true', oauthClientCredentialUser: INTEGRATION },
    }),
    connectedApp('CI_JWT_Deployer', {
      label: 'CI JWT deployer',
      callback: 'http://localhost:1717/OauthRedirect',
      scopes: ['Api', 'Web'],
      pkce: false,
      rtr: false,
      adminApproved: true,
      profiles: [SYSADMIN],
      extra: { certificate: 'MIIBFAKECERTIFICATEBODYFORTESTFIXTURESONLY==' },
    }),
    connectedApp('mcconn__Marketing_Cloud_Connector', {
      label: 'Marketing Cloud Connector',
      callback: 'https://connector.northwind.example.com/oauth/callback',
      scopes: ['Api', 'RefreshToken'],
      pkce: false,
      rtr: false,
    }),
    connectedApp('Reporting_Portal', {
      label: 'Reporting Portal',
      callback: 'https://reports.acme.example.com/oauth/callback\nhttp://localhost:4000/oauth/callback',
      scopes: ['Api', 'Web', 'RefreshToken'],
      pkce: true,
      rtr: false,
      adminApproved: true,
      profiles: [SYSADMIN],
      policy: 'specific_inactivity:30:DAYS',
      ipRelaxation: 'BYPASS',
    }),
    eca('Field_Service_App', {
      label: 'Field Service App',
      callback: 'http://localhost:5173/callback',
      scopes: 'Api, RefreshToken, OpenID',
      pkce: true,
      rtr: true,
      publicClient: true,
      permitted: 'AdminApprovedPreAuthorized',
      profiles: SYSADMIN,
      policy: { type: 'SpecificInactivity', period: '30', unit: 'Days' },
    }),
    eca('Billing_Integration', {
      label: 'Billing Integration',
      callback: 'https://billing.acme.example.com/oauth/callback',
      scopes: 'Api, RefreshToken',
      pkce: false,
      rtr: false,
      ipRelaxation: 'Bypass',
    }),
    eca('Support_Console', {
      label: 'Support Console',
      callback: 'http://localhost:3000/oauth/callback',
      scopes: 'Api, Web, RefreshToken',
      pkce: true,
      rtr: false,
      permitted: 'AdminApprovedPreAuthorized',
      profiles: SYSADMIN,
    }),
    eca('Warehouse_Client_Credentials', {
      label: 'Warehouse sync (client credentials)',
      callback: 'https://warehouse.acme.example.com/unused',
      scopes: 'Api',
      pkce: false,
      rtr: false,
      permitted: 'AdminApprovedPreAuthorized',
      global: { isClientCredentialsFlowEnabled: 'true' },
      oauthPolicies: { isClientCredentialsFlowEnabled: 'true', clientCredentialsFlowUser: INTEGRATION },
    }),
    eca('ptnrx__Partner_Analytics', {
      label: 'Partner Analytics',
      callback: 'https://app.contoso-analytics.example.com/oauth/callback',
      scopes: 'Api, RefreshToken',
      pkce: false,
      rtr: false,
      distributionState: 'Managed',
    }),
    eca('Community_Headless_Login', {
      label: 'Community headless login',
      callback: 'https://acme-community.example.my.site.com/services/oauth2/echo',
      scopes: 'Api, RefreshToken, OpenID',
      pkce: true,
      rtr: true,
      publicClient: true,
      global: { isCodeCredFlowEnabled: 'true' },
      oauthPolicies: { isGuestCodeCredFlowEnabled: 'true' },
    }),
  ],
  oauthSettings: {
    blockOAuthUnPwFlow: 'true',
    blockOAuthUsrAgtFlow: 'false',
    isPkceRequired: 'false',
    oAuthCdCrdtFlowEnable: 'true',
  },
  oauthTokens: [
    { app: 'Partner Portal Sync', username: OPS, createdDaysAgo: 400, lastUsedDaysAgo: 2, useCount: 14_200 },
    { app: 'Partner Portal Sync', username: ADMIN, createdDaysAgo: 300, lastUsedDaysAgo: 45, useCount: 310 },
    { app: 'Data Loader (legacy)', username: ADMIN, createdDaysAgo: 900, lastUsedDaysAgo: 120, useCount: 52 },
    { app: 'Acme Mobile', username: OPS, createdDaysAgo: 60, lastUsedDaysAgo: 1, useCount: 880 },
    {
      app: 'Marketing Cloud Connector',
      username: INTEGRATION,
      createdDaysAgo: 500,
      lastUsedDaysAgo: 3,
      useCount: 40_000,
    },
    { app: 'Billing Integration', username: INTEGRATION, createdDaysAgo: 200, lastUsedDaysAgo: 1, useCount: 9100 },
    { app: 'Support Console', username: ADMIN, createdDaysAgo: 90, lastUsedDaysAgo: 35, useCount: 77 },
    { app: 'Partner Analytics', username: ADMIN, createdDaysAgo: 150, lastUsedDaysAgo: 10, useCount: 260 },
    { app: 'Reporting Portal', username: OPS, createdDaysAgo: 30, lastUsedDaysAgo: 5, useCount: 120 },
    { app: 'Zapier', username: OPS, createdDaysAgo: 700, lastUsedDaysAgo: 6, useCount: 3300 },
    { app: 'Tableau Desktop', username: ADMIN, createdDaysAgo: 800, lastUsedDaysAgo: 200, useCount: 14 },
  ],
  builtinClients: [
    {
      clientId: 'PlatformCLI',
      appName: 'Salesforce CLI',
      callbackUrls: ['http://localhost:1717/OauthRedirect'],
      scopes: ['Api', 'Web', 'RefreshToken'],
    },
  ],
  permissions: { consumerSecretsViaMetadata: true },
};
