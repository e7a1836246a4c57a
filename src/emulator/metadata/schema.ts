/*
 * The schema of each metadata type the emulator serves: element names, value kinds, enum values and the defaults a
 * declarative deploy falls back to. Deploy validation, retrieve output and the OAuth rules all read this one table,
 * so a fact about a field (or a correction to an UNVERIFIED default) changes here only.
 */

export type LeafKind = 'boolean' | 'int' | 'string';

export type FieldSpec =
  | { kind: LeafKind; repeated?: boolean; default?: string; since?: number }
  | { kind: 'enum'; enumName: string; values: readonly string[]; repeated?: boolean; default?: string; since?: number }
  | { kind: 'complex'; xsdType: string; fields: Record<string, FieldSpec>; repeated?: boolean; since?: number };

export type TypeSpec = {
  /** Metadata API type name, also the root element of its files. */
  name: string;
  /** mdapi folder and file suffix (SDR registry). */
  directory: string;
  suffix: string;
  fields: Record<string, FieldSpec>;
  /** Elements never returned by a retrieve or readMetadata. */
  writeOnly?: readonly string[];
  since: number;
};

const bool = (def?: string, since?: number): FieldSpec => ({ kind: 'boolean', default: def, since });
const str = (since?: number): FieldSpec => ({ kind: 'string', since });
const int = (def?: string, since?: number): FieldSpec => ({ kind: 'int', default: def, since });
const strs = (): FieldSpec => ({ kind: 'string', repeated: true });
const enumOf = (enumName: string, values: readonly string[], def?: string): FieldSpec => ({
  kind: 'enum',
  enumName,
  values,
  default: def,
});

export const CONNECTED_APP_SCOPES = [
  'Basic',
  'Api',
  'Web',
  'Full',
  'Chatter',
  'CustomApplications',
  'RefreshToken',
  'OfflineAccess',
  'OpenID',
  'Profile',
  'Email',
  'Address',
  'Phone',
  'CustomPermissions',
  'Wave',
  'Eclair',
  'Pardot',
  'Lightning',
  'Content',
  'CDPIngest',
  'Chatbot',
  'ForgotPassword',
  'UserRegistration',
  'PwdlessLogin',
  // [real] also in a retrieved Connected App (fixture MimjrJ20/orgDeveloper-AW-Recruiting Postman.connectedApp).
  'CDPProfile',
  'CDPQuery',
  'CDPSegment',
  'CDPIdentityResolution',
  'CDPCalculatedInsight',
  'SFAP',
  'Interaction',
  'CDP',
] as const;

export const ECA_SCOPES = [
  'Basic',
  'Api',
  'Web',
  'Full',
  'Chatter',
  'CustomApplications',
  'RefreshToken',
  'OpenID',
  'Profile',
  'Email',
  'Address',
  'Phone',
  'OfflineAccess',
  'CustomPermissions',
  'Wave',
  'Eclair',
  'Pardot',
  'Lightning',
  'Content',
  'CDPIngest',
  'CDPProfile',
  'CDPQuery',
  'Chatbot',
  'CDPSegment',
  'CDPIdentityResolution',
  'CDPCalculatedInsight',
  'SFApiPlatform',
  'Interaction',
  'EinsteinGPT',
  'PwdlessLogin',
  'ForgotPassword',
  'UserRegistration',
  'MCP',
  'SCRT',
] as const;

const attribute = (xsdType: string): FieldSpec => ({
  kind: 'complex',
  xsdType,
  repeated: true,
  fields: { formula: str(), key: str() },
});

const connectedApp: TypeSpec = {
  name: 'ConnectedApp',
  directory: 'connectedApps',
  suffix: 'connectedApp',
  since: 29,
  writeOnly: ['consumerSecret'],
  fields: {
    attributes: attribute('ConnectedAppAttribute'),
    canvas: str(),
    canvasConfig: {
      kind: 'complex',
      xsdType: 'ConnectedAppCanvasConfig',
      fields: {
        accessMethod: enumOf('AccessMethod', ['Get', 'Post']),
        canvasUrl: str(),
        lifecycleClass: str(),
        locations: { kind: 'string', repeated: true },
        options: strs(),
        samlInitiationMethod: enumOf('SamlInitiationMethod', ['None', 'IdpInitiated', 'SpInitiated']),
      },
    },
    contactEmail: str(),
    contactPhone: str(),
    description: str(),
    developerName: str(),
    iconUrl: str(),
    infoUrl: str(),
    ipRanges: {
      kind: 'complex',
      xsdType: 'ConnectedAppIpRange',
      repeated: true,
      fields: { description: str(), end: str(), start: str() },
    },
    label: str(),
    logoUrl: str(),
    mobileAppConfig: {
      kind: 'complex',
      xsdType: 'ConnectedAppMobileDetailConfig',
      fields: {
        applicationBinaryFileName: str(),
        applicationBinary: str(),
        applicationBundleIdentifier: str(),
        applicationFileLength: int(),
        applicationIconFileName: str(),
        applicationIcon: str(),
        applicationInstallUrl: str(),
        devicePlatform: str(),
        deviceType: str(),
        minimumOsVersion: str(),
        privateApp: bool(),
        version: str(),
      },
    },
    mobileStartUrl: str(),
    oauthConfig: {
      kind: 'complex',
      xsdType: 'ConnectedAppOauthConfig',
      fields: {
        assetTokenConfig: {
          kind: 'complex',
          xsdType: 'ConnectedAppOauthAssetToken',
          fields: {
            assetAudiences: str(),
            assetIncludeAttributes: bool(),
            assetIncludeCustomPerms: bool(),
            assetSigningCertificate: str(),
            assetValidityPeriod: int(),
          },
        },
        callbackUrl: str(),
        certificate: str(),
        consumerKey: str(),
        consumerSecret: str(),
        idTokenConfig: {
          kind: 'complex',
          xsdType: 'ConnectedAppOauthIdToken',
          fields: {
            idTokenAudience: str(),
            idTokenIncludeAttributes: bool(),
            idTokenIncludeCustomPerms: bool(),
            idTokenIncludeStandardClaims: bool(),
            idTokenValidity: int(),
          },
        },
        isAdminApproved: bool('false'),
        isClientCredentialEnabled: bool('false'),
        isCodeCredentialEnabled: bool('false'),
        isCodeCredentialPostOnly: bool('false'),
        isConsumerSecretOptional: bool('false'),
        isIntrospectAllTokens: bool('false'),
        isNamedUserJwtEnabled: bool('false'),
        isPkceRequired: bool('false'),
        isRefreshTokenRotationEnabled: bool('false', 60),
        isSecretRequiredForRefreshToken: bool('true'),
        isSecretRequiredForTokenExchange: bool('false'),
        isTokenExchangeEnabled: bool('false'),
        oauthClientCredentialUser: str(),
        scopes: {
          kind: 'enum',
          enumName: 'ConnectedAppOauthAccessScope',
          values: CONNECTED_APP_SCOPES,
          repeated: true,
        },
        singleLogoutUrl: str(),
      },
    },
    oauthPolicy: {
      kind: 'complex',
      xsdType: 'ConnectedAppOauthPolicy',
      fields: {
        ipRelaxation: enumOf('ConnectedAppOauthIpRelaxation', [
          'ENFORCE',
          'BYPASS_2FACTOR',
          'BYPASS',
          'ENFORCE_RELAXREFRESH',
        ]),
        isTokenExchangeFlowEnabled: bool(),
        refreshTokenPolicy: str(),
        singleLogoutUrl: str(),
      },
    },
    permissionSetName: strs(),
    plugin: str(),
    pluginExecutionUser: str(),
    profileName: strs(),
    samlConfig: {
      kind: 'complex',
      xsdType: 'ConnectedAppSamlConfig',
      fields: {
        acsUrl: str(),
        certificate: str(),
        encryptionCertificate: str(),
        encryptionType: str(),
        entityUrl: str(),
        issuer: str(),
        samlIdpSLOBindingEnum: str(),
        samlNameIdFormat: str(),
        samlSigningAlgoType: str(),
        samlSloUrl: str(),
        samlSubjectCustomAttr: str(),
        samlSubjectType: str(),
      },
    },
    sessionPolicy: {
      kind: 'complex',
      xsdType: 'ConnectedAppSessionPolicy',
      fields: { policyAction: str(), requiredSessionLevel: str(), sessionTimeout: int() },
    },
    startUrl: str(),
  },
};

const externalClientApplication: TypeSpec = {
  name: 'ExternalClientApplication',
  directory: 'externalClientApps',
  suffix: 'eca',
  since: 59,
  fields: {
    contactEmail: str(),
    contactPhone: str(),
    description: str(),
    distributionState: enumOf('ExtlClntAppDistState', ['Local', 'Packaged', 'AutoInstalled', 'Managed'], 'Local'),
    iconUrl: str(),
    infoUrl: str(),
    isProtected: bool('false'),
    label: str(),
    logoUrl: str(),
    managedType: str(),
    orgScopedExternalApp: str(),
  },
};

/*
 * UNVERIFIED: the doc calls `isPkceRequired` true by default for ECAs while retrieved files show both values; the
 * default applies only when a deploy omits the element.
 */
const ecaGlobalOauth: TypeSpec = {
  name: 'ExtlClntAppGlobalOauthSettings',
  directory: 'extlClntAppGlobalOauthSets',
  suffix: 'ecaGlblOauth',
  since: 59,
  writeOnly: ['consumerSecret'],
  fields: {
    callbackUrl: str(),
    certificate: str(60),
    consumerKey: str(),
    consumerSecret: str(),
    externalClientApplication: str(),
    idTokenConfig: {
      kind: 'complex',
      xsdType: 'ExternalAppIdTokenConfig',
      fields: {
        idTokenAudience: str(),
        idTokenIncludeAttributes: bool(),
        idTokenIncludeStandardClaims: bool(),
        idTokenValidityInMinutes: int(),
      },
    },
    isClientCredentialsFlowEnabled: bool('false', 60),
    isCodeCredFlowEnabled: bool('false', 61),
    isCodeCredPostOnly: bool('false', 61),
    isConsumerSecretOptional: bool('false'),
    isDeviceFlowEnabled: bool('false', 60),
    isEnforceRefreshTokenTTL: bool('false'),
    isIntrospectAllTokens: bool('false'),
    isNamedUserJwtEnabled: bool('false', 61),
    isPkceRequired: bool('true'),
    isRefreshTokenRotationEnabled: bool('false', 60),
    isSecretRequiredForRefreshToken: bool('true'),
    isSecretRequiredForTokenExchange: bool('false', 60),
    isTokenExchangeEnabled: bool('false', 60),
    label: str(),
    shouldRotateConsumerKey: bool('false'),
    shouldRotateConsumerSecret: bool('false'),
  },
};

const ecaOauth: TypeSpec = {
  name: 'ExtlClntAppOauthSettings',
  directory: 'extlClntAppOauthSettings',
  suffix: 'ecaOauth',
  since: 59,
  fields: {
    areAttributesIncludedInAssetToken: bool(undefined, 61),
    areCustomPermsIncludedInAssetToken: bool(undefined, 61),
    assetTokenAudiences: str(61),
    assetTokenSigningCertificate: str(61),
    assetTokenValidity: int(undefined, 61),
    clientAssertionCertificate: str(),
    commaSeparatedOauthScopes: str(),
    customAttributes: attribute('ExtlClntAppOauthSettingsAttribute'),
    externalClientApplication: str(),
    isFirstPartyAppEnabled: bool('false'),
    label: str(),
    oauthLink: str(),
    singleLogoutUrl: str(),
    trustedIpRanges: {
      kind: 'complex',
      xsdType: 'ExtlClntAppOauthIpRange',
      repeated: true,
      fields: { description: str(), endIpAddress: str(), startIpAddress: str() },
    },
  },
};

const ecaOauthPolicies: TypeSpec = {
  name: 'ExtlClntAppOauthConfigurablePolicies',
  directory: 'extlClntAppOauthPolicies',
  suffix: 'ecaOauthPlcy',
  since: 59,
  fields: {
    apexHandler: str(61),
    clientCredentialsFlowUser: str(60),
    commaSeparatedCustomScopes: str(61),
    commaSeparatedPermissionSet: str(),
    commaSeparatedProfile: str(),
    customAttributes: attribute('ExtlClntAppOauthPoliciesAttribute'),
    executeHandlerAs: str(61),
    externalClientApplication: str(),
    guestJwtSessionTimeoutType: enumOf('JWTSessionTimeoutType', ['UserSession', 'Custom']),
    guestJwtTimeout: int(),
    // `Enforce_relaxrefresh` is the spelling a real org retrieves (fixture N-P-N-P/SFDX-SFDX); the doc writes `Enforce_RelaxRefresh`.
    ipRelaxationPolicyType: enumOf(
      'IpRelaxationPolicyType',
      ['Enforce', 'Bypass', 'Bypass_2factor', 'Enforce_RelaxRefresh', 'Enforce_relaxrefresh'],
      'Enforce',
    ),
    isClientCredentialsFlowEnabled: bool('false', 60),
    isGuestCodeCredFlowEnabled: bool('false', 61),
    isNamedUserJwtEnabled: bool(),
    isTokenExchangeFlowEnabled: bool('false', 60),
    label: str(),
    namedUserJwtSessionTimeoutType: enumOf('JWTSessionTimeoutType', ['UserSession', 'Custom']),
    namedUserJwtTimeout: int(),
    permittedUsersPolicyType: enumOf(
      'PermittedUsersPolicyType',
      ['AdminApprovedPreAuthorized', 'AllSelfAuthorized'],
      'AllSelfAuthorized',
    ),
    policyAction: enumOf('PolicyAction', ['Block', 'RaiseSessionLevel']),
    refreshTokenPolicyType: enumOf(
      'RefreshTokenPolicyType',
      ['Infinite', 'SpecificInactivity', 'SpecificLifetime', 'Zero'],
      'Infinite',
    ),
    refreshTokenValidityPeriod: int(),
    refreshTokenValidityUnit: enumOf('RefreshTokenValidityUnit', ['Days', 'Hours', 'Months']),
    requiredSessionLevel: enumOf('SessionSecurityLevel', ['HIGH_ASSURANCE', 'LOW', 'STANDARD']),
    sessionTimeoutInMinutes: int(),
    singleLogoutUrl: str(),
    startUrl: str(),
  },
};

const ecaPolicies: TypeSpec = {
  name: 'ExtlClntAppConfigurablePolicies',
  directory: 'extlClntAppPolicies',
  suffix: 'ecaPlcy',
  since: 60,
  fields: {
    externalClientApplication: str(),
    isCanvasPluginEnabled: bool(undefined, 66),
    isEnabled: bool('true'),
    isMobilePluginEnabled: bool(undefined, 63),
    isNotificationPluginEnabled: bool(undefined, 63),
    isOauthPluginEnabled: bool(undefined, 60),
    isPushPluginEnabled: bool(undefined, 63),
    isSamlPluginEnabled: bool(undefined, 63),
    label: str(),
    startPage: enumOf('StartPage', ['Custom', 'None', 'OAuth']),
    startUrl: str(),
  },
};

const oauthOidcSettings: TypeSpec = {
  name: 'OauthOidcSettings',
  directory: 'settings',
  suffix: 'settings',
  since: 56,
  fields: {
    agentAuthLinking: bool(),
    blockOAuthUnPwFlow: bool('false'),
    blockOAuthUsrAgtFlow: bool('false'),
    enableHdlessFgtPswFlow: bool(),
    isPkceRequired: bool('false', 59),
    oAuthCdCrdtFlowEnable: bool('false'),
  },
};

const externalClientAppSettings: TypeSpec = {
  name: 'ExternalClientAppSettings',
  directory: 'settings',
  suffix: 'settings',
  since: 58,
  fields: {
    enableClientSecretInRestApiAccess: bool(undefined, 62),
    enableConsumerSecretApiAccess: bool(),
    enableExternalClientApps: bool(),
    enablePackageEcaOauthFromDevOrg: bool(undefined, 62),
  },
};

/** Component types, by Metadata API type name. Settings are addressed as type `Settings` with member `OauthOidc`. */
export const COMPONENT_TYPES: Record<string, TypeSpec> = Object.fromEntries(
  [connectedApp, externalClientApplication, ecaGlobalOauth, ecaOauth, ecaOauthPolicies, ecaPolicies].map((t) => [
    t.name,
    t,
  ]),
);

/** Settings types, by the member name used in package.xml (`OauthOidc` -> `OauthOidcSettings`). */
export const SETTINGS_TYPES: Record<string, TypeSpec> = {
  OauthOidc: oauthOidcSettings,
  ExternalClientApp: externalClientAppSettings,
};

export const SETTINGS = 'Settings';

export function typeSpecFor(type: string, fullName?: string): TypeSpec | undefined {
  if (type === SETTINGS) return fullName ? SETTINGS_TYPES[fullName] : undefined;
  return COMPONENT_TYPES[type];
}

export function typeBySuffix(suffix: string): TypeSpec | undefined {
  return Object.values(COMPONENT_TYPES).find((t) => t.suffix === suffix);
}
