/*
 * ConnectedApplication, ExternalClientApplication, AppMenuItem and OauthToken: the OAuth clients as the data API shows
 * them, derived from the deployed ConnectedApp / ExternalClientApplication components and the store's grants.
 */
import { oauthClients, type OAuthClient } from '../../clients.js';
import { child, text } from '../../metadata/codec.js';
import type { StoredComponent } from '../../store/state.js';
import { auditFields, field, idField, ref, rekey, type DataContext, type ObjectDef, type Row } from './types.js';

function audit(c: StoredComponent): Row {
  return {
    CreatedDate: c.createdDate,
    CreatedById: c.lastModifiedById,
    LastModifiedDate: c.lastModifiedDate,
    LastModifiedById: c.lastModifiedById,
  };
}

function clientsByApp(ctx: DataContext, kind: OAuthClient['kind']): Map<string, OAuthClient> {
  const out = new Map<string, OAuthClient>();
  for (const c of oauthClients(ctx.services.store).values()) if (c.kind === kind) out.set(c.appName, c);
  return out;
}

const bool = (v: string): boolean => v === 'true';

export const ConnectedApplication: ObjectDef = {
  name: 'ConnectedApplication',
  label: 'Connected App',
  labelPlural: 'Connected Apps',
  keyPrefix: '0H4',
  apis: ['rest'],
  fields: [
    idField('Connected App ID'),
    field('Name', 'string', { label: 'Connected App Name', nillable: false }),
    field('MobileSessionTimeout', 'picklist'),
    field('MobileStartUrl', 'url'),
    field('NamedUserUvidTimeout', 'picklist'),
    field('OptionsAllowAdminApprovedUsersOnly', 'boolean', { label: 'Admin approved users are pre-authorized' }),
    field('OptionsAllowExpiredUvidJWT', 'boolean'),
    field('OptionsCodeCredentialGuestEnabled', 'boolean'),
    field('OptionsFullContentPushNotifications', 'boolean'),
    field('OptionsHasSessionLevelPolicy', 'boolean', { label: 'High assurance session required' }),
    field('OptionsIsInternal', 'boolean'),
    field('OptionsRefreshTokenValidityMetric', 'boolean', { label: 'Refresh token validity based on inactivity' }),
    field('OptionsTokenExchangeManageBitEnabled', 'boolean'),
    field('PinLength', 'picklist'),
    field('RefreshTokenValidityPeriod', 'int'),
    field('StartUrl', 'url'),
    ...auditFields(),
  ],
  rows(ctx) {
    const clients = clientsByApp(ctx, 'ConnectedApp');
    return ctx.services.store.components('ConnectedApp').map((c): Row => {
      const config = child(c.value.oauthConfig);
      // refreshTokenPolicy is `infinite`, `zero`, `immediately`, or `specific_lifetime|specific_inactivity:<n>:<unit>`.
      const [policy, period] = text(child(c.value.oauthPolicy).refreshTokenPolicy).split(':');
      const client = clients.get(c.fullName);
      return {
        Id: rekey(c.id, '0H4'),
        Name: text(c.value.label) || c.fullName,
        MobileSessionTimeout: null,
        MobileStartUrl: text(c.value.mobileStartUrl) || null,
        NamedUserUvidTimeout: null,
        OptionsAllowAdminApprovedUsersOnly: client?.adminApprovedOnly ?? bool(text(config.isAdminApproved)),
        OptionsAllowExpiredUvidJWT: false,
        OptionsCodeCredentialGuestEnabled: false,
        OptionsFullContentPushNotifications: false,
        OptionsHasSessionLevelPolicy: false,
        OptionsIsInternal: false,
        OptionsRefreshTokenValidityMetric: policy === 'specific_inactivity',
        OptionsTokenExchangeManageBitEnabled: bool(text(config.isTokenExchangeEnabled)),
        PinLength: null,
        RefreshTokenValidityPeriod: period && /^\d+$/.test(period) ? Number(period) : null,
        StartUrl: text(c.value.startUrl) || null,
        ...audit(c),
      };
    });
  },
};

const localName = (fullName: string): string => fullName.replace(/^[A-Za-z0-9]+__/, '');

// UNVERIFIED: the object reference documents ExternalClientApplication only as a Metadata API type; these are its
// header fields under the names Salesforce gives setup entities (DeveloperName, MasterLabel, NamespacePrefix).
export const ExternalClientApplication: ObjectDef = {
  name: 'ExternalClientApplication',
  label: 'External Client App',
  labelPlural: 'External Client Apps',
  keyPrefix: '0xI',
  apis: ['rest', 'tooling'],
  minVersion: 59,
  fields: [
    idField('External Client App ID'),
    field('DeveloperName', 'string', { label: 'API Name', nillable: false }),
    field('MasterLabel', 'string', { label: 'Label', nillable: false }),
    field('NamespacePrefix', 'string'),
    field('DistributionState', 'picklist'),
    field('ContactEmail', 'email'),
    field('ContactPhone', 'string'),
    field('Description', 'textarea'),
    field('IsProtected', 'boolean'),
    ...auditFields(),
  ],
  rows(ctx) {
    return ctx.services.store.components('ExternalClientApplication').map((c): Row => ({
      Id: rekey(c.id, '0xI'),
      DeveloperName: localName(c.fullName),
      MasterLabel: text(c.value.label) || localName(c.fullName),
      NamespacePrefix: c.namespacePrefix,
      DistributionState: text(c.value.distributionState) || 'Local',
      ContactEmail: text(c.value.contactEmail) || null,
      ContactPhone: text(c.value.contactPhone) || null,
      Description: text(c.value.description) || null,
      IsProtected: bool(text(c.value.isProtected)),
      ...audit(c),
    }));
  },
};

// AppMenuItem: one App Launcher entry per app. Fields from the object reference; Type values UNVERIFIED for ECAs.
export const AppMenuItem: ObjectDef = {
  name: 'AppMenuItem',
  label: 'App Menu Item',
  labelPlural: 'App Menu Items',
  keyPrefix: '0DS',
  apis: ['rest'],
  fields: [
    idField('App Menu Item ID'),
    field('Name', 'string', { nillable: false }),
    field('Label', 'string', { nillable: false }),
    field('NamespacePrefix', 'string'),
    field('ApplicationId', 'reference'),
    field('Type', 'picklist'),
    field('StartUrl', 'url'),
    field('IsVisible', 'boolean'),
    field('IsAccessible', 'boolean'),
    ...auditFields(),
  ],
  rows(ctx) {
    const store = ctx.services.store;
    const apps = [
      ...store.components('ConnectedApp').map((c) => ({ c, type: 'ConnectedApplication', appId: rekey(c.id, '0H4') })),
      ...store
        .components('ExternalClientApplication')
        .map((c) => ({ c, type: 'ExternalClientApplication', appId: rekey(c.id, '0xI') })),
    ];
    return apps.map(({ c, type, appId }) => ({
      Id: rekey(c.id, '0DS'),
      Name: localName(c.fullName),
      Label: text(c.value.label) || localName(c.fullName),
      NamespacePrefix: c.namespacePrefix,
      ApplicationId: appId,
      Type: type,
      StartUrl: text(c.value.startUrl) || null,
      IsVisible: true,
      IsAccessible: true,
      ...audit(c),
    }));
  },
};

/** Users with Customize Application see every user's tokens; others only their own (object reference, OauthToken). */
function seesAllTokens(ctx: DataContext): boolean {
  return ctx.caller.profileName === 'System Administrator';
}

/**
 * One row per live approval (refresh-token grant). `Id` is "Reserved for future use. Currently, the value is always
 * null" (object reference) unless behaviour oauthTokenId=id; aggregates other than `COUNT()` are refused unless
 * oauthTokenAggregates=supported (the object reference documents only `COUNT()` for totals).
 */
export const OauthToken: ObjectDef = {
  name: 'OauthToken',
  label: 'Oauth Token',
  labelPlural: 'Oauth Tokens',
  keyPrefix: '0CR',
  apis: ['rest'],
  queryCaps: { batch: 500, total: 2500 },
  aggregates: (ctx) => ctx.services.behaviours.oauthTokenAggregates === 'supported',
  fields: [
    idField('Oauth Token ID'),
    field('AccessToken', 'string'),
    ref('AppMenuItemId', 'AppMenuItem', { label: 'AppMenuItem' }),
    field('AppName', 'string', { label: 'Application Name' }),
    field('CreatedDate', 'datetime', { nillable: false }),
    field('DeleteToken', 'string'),
    field('LastUsedDate', 'datetime'),
    field('RequestToken', 'string'),
    field('UseCount', 'int'),
    ref('UserId', 'User'),
  ],
  rows(ctx) {
    const menuByLabel = new Map<string, string>();
    for (const item of ctx.rowsOf('AppMenuItem')) menuByLabel.set(String(item.Label), String(item.Id));
    const all = seesAllTokens(ctx);
    const store = ctx.services.store;
    const withIds = ctx.services.behaviours.oauthTokenId === 'id';
    return store
      .liveGrants()
      .filter((g) => all || g.userId === ctx.caller.id)
      .map((g) => ({
        Id: withIds ? g.id : null,
        // The store keeps only hashes of the tokens; these fields never carry a usable token, so they read as null.
        AccessToken: null,
        AppMenuItemId: menuByLabel.get(g.appName) ?? null,
        AppName: g.appName,
        CreatedDate: g.createdDate,
        // Revokes this approval at /services/oauth2/revoke; it grants no access.
        DeleteToken: store.deleteTokenOf(g),
        LastUsedDate: g.lastUsedDate,
        RequestToken: null,
        UseCount: g.useCount,
        UserId: g.userId,
      }));
  },
};
