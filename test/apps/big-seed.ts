/*
 * A large org for scale tests and the benchmark: the default org's users, packages and apps plus `ecas` generated
 * External Client Apps and `connectedApps` generated Connected Apps, with token usage on every third app.
 */
import { DEFAULT_SEED } from '../../src/emulator/seed/default.js';
import type { OrgSeed, SeedApp, SeedToken } from '../../src/emulator/seed/types.js';

const ADMIN = 'admin@acme.example.com.uat';

function generatedEca(i: number): SeedApp {
  const name = `Gen_Eca_${String(i).padStart(4, '0')}`;
  return {
    kind: 'ExternalClientApplication',
    name,
    header: {
      contactEmail: 'gen@acme.example.com',
      distributionState: 'Local',
      isProtected: 'false',
      label: `Generated ECA ${i}`,
    },
    globalOauth: {
      callbackUrl: `https://gen-${i}.acme.example.com/oauth/callback`,
      externalClientApplication: name,
      isConsumerSecretOptional: 'false',
      isPkceRequired: String(i % 2 === 0),
      isRefreshTokenRotationEnabled: String(i % 3 === 0),
      label: `${name}_glbloauth`,
    },
    oauthSettings: {
      commaSeparatedOauthScopes: 'Api, RefreshToken',
      externalClientApplication: name,
      label: `${name}_oauth`,
    },
    oauthPolicies: {
      externalClientApplication: name,
      label: `${name}_oauthPlcy`,
      permittedUsersPolicyType: 'AllSelfAuthorized',
      refreshTokenPolicyType: i % 4 === 0 ? 'SpecificInactivity' : 'Infinite',
      ...(i % 4 === 0 ? { refreshTokenValidityPeriod: '30', refreshTokenValidityUnit: 'Days' } : {}),
    },
    policies: {
      externalClientApplication: name,
      isEnabled: 'true',
      isOauthPluginEnabled: 'true',
      label: `${name}_plcy`,
    },
  };
}

function generatedConnectedApp(i: number): SeedApp {
  return {
    kind: 'ConnectedApp',
    name: `Gen_Ca_${String(i).padStart(4, '0')}`,
    metadata: {
      label: `Generated Connected App ${i}`,
      oauthConfig: {
        callbackUrl: `https://gen-ca-${i}.acme.example.com/oauth/callback`,
        isConsumerSecretOptional: 'false',
        isPkceRequired: String(i % 2 === 1),
        isRefreshTokenRotationEnabled: 'false',
        scopes: ['Api', 'RefreshToken'],
      },
      oauthPolicy: { ipRelaxation: 'ENFORCE', refreshTokenPolicy: 'infinite' },
    },
  };
}

export function bigSeed(ecas: number, connectedApps: number, isSandbox = false): OrgSeed {
  const apps: SeedApp[] = [...DEFAULT_SEED.apps];
  const tokens: SeedToken[] = [...(DEFAULT_SEED.oauthTokens ?? [])];
  for (let i = 1; i <= ecas; i++) {
    apps.push(generatedEca(i));
    if (i % 3 === 0)
      tokens.push({
        app: `Generated ECA ${i}`,
        username: ADMIN,
        createdDaysAgo: 200,
        lastUsedDaysAgo: i % 150,
        useCount: i,
      });
  }
  for (let i = 1; i <= connectedApps; i++) {
    apps.push(generatedConnectedApp(i));
    if (i % 3 === 0)
      tokens.push({
        app: `Generated Connected App ${i}`,
        username: ADMIN,
        createdDaysAgo: 300,
        lastUsedDaysAgo: i % 120,
        useCount: i,
      });
  }
  return {
    ...DEFAULT_SEED,
    org: { ...DEFAULT_SEED.org, name: `Acme Corporation (${ecas + connectedApps} generated apps)`, isSandbox },
    apps,
    oauthTokens: tokens,
  };
}
