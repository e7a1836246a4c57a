/*
 * A subscriber org: the default org plus an External Client App installed from a managed package whose global OAuth
 * settings (consumer key, PKCE, rotation) live in the publisher's org. Only the subscriber admin's own OAuth policies
 * and app policies are in this org.
 */
import { DEFAULT_SEED } from '../../src/emulator/seed/default.js';
import type { OrgSeed } from '../../src/emulator/seed/types.js';

export const PACKAGED_ECA = 'pubx__Publisher_Connect';
export const PACKAGED_LABEL = 'Publisher Connect';

export function packagedEcaSeed(): OrgSeed {
  return {
    ...DEFAULT_SEED,
    packages: [
      ...(DEFAULT_SEED.packages ?? []),
      { namespace: 'pubx', name: 'Publisher Connect for Salesforce', publisher: 'Fabrikam Publishing' },
    ],
    apps: [
      ...DEFAULT_SEED.apps,
      {
        kind: 'ExternalClientApplication',
        name: PACKAGED_ECA,
        header: {
          contactEmail: 'support@fabrikam.example.com',
          distributionState: 'Packaged',
          isProtected: 'false',
          label: PACKAGED_LABEL,
        },
        oauthPolicies: {
          externalClientApplication: PACKAGED_ECA,
          ipRelaxationPolicyType: 'Bypass',
          label: 'Publisher_Connect_oauthPlcy',
          permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
          refreshTokenPolicyType: 'SpecificInactivity',
          refreshTokenValidityPeriod: '30',
          refreshTokenValidityUnit: 'Days',
        },
        policies: {
          externalClientApplication: PACKAGED_ECA,
          isEnabled: 'true',
          isOauthPluginEnabled: 'true',
          label: 'Publisher_Connect_plcy',
        },
      },
    ],
    oauthTokens: [
      ...(DEFAULT_SEED.oauthTokens ?? []),
      {
        app: PACKAGED_LABEL,
        username: 'admin@acme.example.com.uat',
        createdDaysAgo: 40,
        lastUsedDaysAgo: 2,
        useCount: 75,
      },
    ],
  };
}
