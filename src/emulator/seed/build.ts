/*
 * Turns a seed into the org's initial state. Consumer keys are derived from the app name (stable across runs, so docs
 * and scripts can name them); consumer secrets and passwords not given by the seed are random and only ever held in
 * memory, in the returned `secrets`.
 */
import { createHash } from 'node:crypto';
import type { Grant, MdObject, OrgState, StoredComponent, UserRecord } from '../store/state.js';
import { KeyPrefix, makeId } from '../store/ids.js';
import { randomAlnum, sha256 } from '../store/hash.js';
import { namespaceOf } from '../store/store.js';
import { COMPONENT_TYPES } from '../metadata/schema.js';
import { validateComponent } from '../metadata/codec.js';
import type { OrgSeed, SeedApp } from './types.js';

export type SeedSecrets = {
  /** App developer name -> consumer secret. */
  consumerSecrets: Record<string, string>;
  /** Username -> password, for users that have one. */
  passwords: Record<string, string>;
};

export class SeedError extends Error {}

const DAY = 86_400_000;

export function consumerKeyFor(orgName: string, appName: string): string {
  const digest = createHash('sha256')
    .update(`${orgName}\n${appName}`)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '');
  return `3MVG9EMU${(digest + digest + digest).slice(0, 77)}`;
}

export function buildState(seed: OrgSeed, now: number): { state: OrgState; secrets: SeedSecrets } {
  const counters: Record<string, number> = {};
  const nextId = (prefix: string): string => makeId(prefix, (counters[prefix] = (counters[prefix] ?? 0) + 1));
  const iso = (daysAgo = 0): string => new Date(now - daysAgo * DAY).toISOString();
  const secrets: SeedSecrets = { consumerSecrets: {}, passwords: {} };

  const orgId = seed.org.id ?? nextId(KeyPrefix.Organization);
  const users: UserRecord[] = seed.users.map((u) => {
    const { password, ...rest } = u;
    if (password) secrets.passwords[u.username] = password;
    return {
      ...rest,
      id: nextId(KeyPrefix.User),
      permissionSets: u.permissionSets ?? [],
      isActive: u.isActive ?? true,
      userType: u.userType ?? 'Standard',
      passwordHash: password ? sha256(password) : undefined,
    };
  });
  if (!users.some((u) => u.isActive && u.profileName === 'System Administrator')) {
    throw new SeedError('The seed needs at least one active user with the System Administrator profile.');
  }
  const admin = users.find((u) => u.profileName === 'System Administrator') as UserRecord;

  const state: OrgState = {
    version: 1,
    org: {
      id: orgId,
      name: seed.org.name,
      instanceName: seed.org.instanceName ?? 'CS999',
      isSandbox: seed.org.isSandbox ?? true,
      organizationType: seed.org.organizationType ?? 'Enterprise Edition',
      namespacePrefix: seed.org.namespacePrefix ?? null,
      createdDate: seed.org.createdDate ?? iso(1000),
    },
    users,
    packages: (seed.packages ?? []).map((p) => ({
      id: nextId(KeyPrefix.InstalledSubscriberPackage),
      subscriberPackageId: nextId(KeyPrefix.SubscriberPackage),
      subscriberPackageVersionId: nextId(KeyPrefix.SubscriberPackageVersion),
      namespace: p.namespace,
      name: p.name,
      publisher: p.publisher,
      versionName: p.versionName ?? '1.0',
      versionNumber: p.versionNumber ?? '1.0.0.1',
    })),
    components: {},
    consumerSecrets: {},
    builtinClients: seed.builtinClients ?? [],
    grants: [],
    accessTokens: [],
    approvals: [],
    permissions: { consumerSecretsViaMetadata: true, ...seed.permissions },
    sessionSeconds: seed.sessionSeconds ?? 7200,
    counters,
  };

  const put = (type: string, fullName: string, value: MdObject): void => {
    const spec = COMPONENT_TYPES[type] ?? undefined;
    if (spec) {
      const { problems } = validateComponent(value, spec, 66);
      if (problems.length)
        throw new SeedError(`Seed ${type} ${fullName}: ${problems.map((p) => p.problem).join('; ')}`);
    }
    const ns = namespaceOf(fullName);
    const component: StoredComponent = {
      id: nextId(KeyPrefix.Metadata),
      fullName,
      namespacePrefix: ns,
      manageableState: ns && state.packages.some((p) => p.namespace === ns) ? 'installed' : 'unmanaged',
      value,
      createdDate: iso(365),
      lastModifiedDate: iso(30),
      lastModifiedById: admin.id,
    };
    (state.components[type] ??= {})[fullName] = component;
  };

  for (const app of seed.apps) addApp(app, put, state, secrets, seed.org.name);
  if (seed.oauthSettings) put('Settings', 'OauthOidc', seed.oauthSettings);

  for (const t of seed.oauthTokens ?? []) {
    const user = users.find((u) => u.username === t.username);
    if (!user) throw new SeedError(`Seed OauthToken for ${t.app}: no user ${t.username}.`);
    const grant: Grant = {
      id: nextId(KeyPrefix.OauthToken),
      clientId: '',
      appName: t.app,
      userId: user.id,
      scopes: t.scopes ?? ['api', 'refresh_token'],
      createdDate: iso(t.createdDaysAgo),
      lastUsedDate: iso(t.lastUsedDaysAgo),
      useCount: t.useCount,
      retiredHashes: [],
      chainIssuedDate: iso(t.createdDaysAgo),
      revoked: false,
    };
    state.grants.push(grant);
  }
  return { state, secrets };
}

function addApp(
  app: SeedApp,
  put: (type: string, fullName: string, value: MdObject) => void,
  state: OrgState,
  secrets: SeedSecrets,
  orgName: string,
): void {
  const secret = app.consumerSecret ?? randomAlnum(64);
  secrets.consumerSecrets[app.name] = secret;
  if (app.kind === 'ConnectedApp') {
    const oauthConfig = { ...(app.metadata.oauthConfig as MdObject | undefined) };
    const key = (oauthConfig.consumerKey as string | undefined) ?? consumerKeyFor(orgName, app.name);
    delete oauthConfig.consumerSecret;
    put('ConnectedApp', app.name, { ...app.metadata, oauthConfig: { ...oauthConfig, consumerKey: key } });
    state.consumerSecrets[key] = sha256(secret);
    return;
  }
  const local = app.name.replace(/^[A-Za-z0-9]+__/, '');
  const ns = namespaceOf(app.name);
  const named = (suffix: string): string => (ns ? `${ns}__${local}${suffix}` : `${local}${suffix}`);
  put('ExternalClientApplication', app.name, app.header);
  if (app.globalOauth) {
    const key = (app.globalOauth.consumerKey as string | undefined) ?? consumerKeyFor(orgName, app.name);
    const globalOauth: MdObject = { ...app.globalOauth, consumerKey: key };
    delete globalOauth.consumerSecret;
    put('ExtlClntAppGlobalOauthSettings', named('_glbloauth'), globalOauth);
    state.consumerSecrets[key] = sha256(secret);
  } else {
    // Installed from a managed package: the consumer key, secret and flags live in the publisher's org.
    if (!ns || !state.packages.some((p) => p.namespace === ns)) {
      throw new SeedError(
        `Seed ExternalClientApplication ${app.name}: without globalOauth it must come from an installed package (ns__ name, ns in packages).`,
      );
    }
    delete secrets.consumerSecrets[app.name];
  }
  if (app.oauthSettings) put('ExtlClntAppOauthSettings', named('_oauth'), app.oauthSettings);
  if (app.oauthPolicies) put('ExtlClntAppOauthConfigurablePolicies', named('_oauthPlcy'), app.oauthPolicies);
  if (app.policies) put('ExtlClntAppConfigurablePolicies', named('_plcy'), app.policies);
}
