/*
 * One place decides which apps PKCE and rotation concern (src/apps/scope.ts): the inventory, the rollout plan's
 * selectors, `pkce|rtr enable --all` and `pkce|rtr verify --all` pick the same apps of the emulator's default org, and
 * every caller answers an unknown app name with the same "did you mean" error.
 */
import { expect } from 'chai';
import type { Connection } from '@salesforce/core';
import { useEmulator } from '../helpers/emulator.js';
import { coreConnection } from '../helpers/core.js';
import { buildInventory, selectApps as inventoryApps, UnknownAppsError } from '../../src/apps/inventory.js';
import { changeable, scopeOf, settingsScope, outOfScopeReason, unknownAppsText } from '../../src/apps/scope.js';
import type { AppSettings } from '../../src/apps/settings.js';
import { planToggle, ToggleError } from '../../src/metadata/toggle.js';
import { ClientConfigError, resolveClients } from '../../src/oauth/client-config.js';
import { parsePlan, selectApps } from '../../src/rollout/plan.js';

const base: AppSettings = {
  name: 'X',
  label: 'X',
  kind: 'ConnectedApp',
  namespacePrefix: null,
  distributionState: null,
  hasOauth: true,
  enabled: true,
  globalSettingsReadable: true,
  scopesReadable: true,
  callbackUrls: ['https://x.example/cb'],
  certificate: false,
  consumerKey: 'k',
  clientType: 'public',
  scopes: ['Api'],
  refreshScope: false,
  pkceRequired: false,
  rtrEnabled: false,
  secretRequiredForRefresh: null,
  clientCredentials: false,
  clientCredentialsUser: null,
  codeCredentials: false,
  device: false,
  refreshTokenPolicy: null,
  ipRelaxation: null,
  permittedUsers: null,
  guestCodeCredentialFlow: null,
};

const USED = { holders: 2, activeHolders: 2, staleHolders: 0, lastUsed: null };

describe('apps/scope: the one rule for PKCE and rotation scope', () => {
  it('a code-flow app is in PKCE scope; client credentials alone are not, unless OauthToken shows user approvals', () => {
    expect(settingsScope(base)).to.deep.equal({ pkce: true, rtr: false });
    const s2s = { ...base, clientCredentials: true };
    expect(settingsScope(s2s).pkce).to.equal(false);
    expect(outOfScopeReason(s2s, 'pkce')).to.equal('no authorization code flow (client credentials only)');
    expect(settingsScope(s2s, USED).pkce, 'approvals prove the authorization code flow').to.equal(true);
    expect(settingsScope({ ...s2s, refreshScope: true, scopes: ['RefreshToken'] })).to.deep.equal({
      pkce: true,
      rtr: true,
    });
  });

  it('rotation needs a refresh scope; unreadable scopes are not in scope, with the reason', () => {
    expect(outOfScopeReason(base, 'rtr')).to.include('cannot get refresh tokens');
    expect(outOfScopeReason({ ...base, refreshScope: null, scopes: null }, 'rtr')).to.equal(
      'its OAuth scopes could not be read',
    );
    expect(outOfScopeReason({ ...base, enabled: false }, 'pkce')).to.equal('the app or its OAuth plugin is off');
  });

  it('names unknown apps with close matches, in one wording', () => {
    expect(unknownAppsText(['Partner_Portal_Synk'], ['Partner_Portal_Sync'])).to.equal(
      'No External Client App or Connected App named "Partner_Portal_Synk" in the org. Did you mean: Partner_Portal_Sync?',
    );
    expect(unknownAppsText(['zzz'], [])).to.equal('No External Client App or Connected App named "zzz" in the org.');
  });
});

describe('apps/scope: every caller picks the same apps of the default org', function () {
  this.timeout(60_000);
  const emu = useEmulator();
  let conn: Connection;

  beforeEach(async () => {
    conn = await coreConnection(emu());
  });

  it('inventory, plan selector all-in-scope, enable --all and verify --all agree on PKCE and rotation scope', async () => {
    const inventory = await buildInventory(conn, { days: 90 });
    const rows = inventory.result.apps;
    const own = rows.filter(changeable);
    const expected = {
      pkce: own
        .filter((r) => scopeOf(r).pkce)
        .map((r) => r.name)
        .sort(),
      rtr: own
        .filter((r) => scopeOf(r).rtr)
        .map((r) => r.name)
        .sort(),
    };
    expect(expected.pkce.length, 'the seed has apps in PKCE scope').to.be.greaterThan(3);
    expect(expected.rtr.length).to.be.greaterThan(2);
    expect(
      rows.some(
        (r) =>
          r.owner.type !== 'package' &&
          r.kind !== 'untracked' &&
          !scopeOf(r).pkce &&
          !scopeOf(r).rtr &&
          r.verdict === 'out-of-scope',
      ),
      'and apps out of scope',
    ).to.equal(true);

    const planned = selectApps(parsePlan('apps: [all-in-scope]'), rows)
      .apps.map((r) => r.name)
      .sort();
    expect(planned).to.deep.equal([...new Set([...expected.pkce, ...expected.rtr])].sort());

    for (const setting of ['pkce', 'rtr'] as const) {
      // enable --all: every app of the org's own in scope is either changed or already on, never skipped as out of scope.
      const toggle = await planToggle(conn, { setting, value: true, all: true });
      const outOfScope = toggle.rows.filter((r) => r.reason?.startsWith('Not in scope')).map((r) => r.app);
      for (const app of expected[setting])
        expect(outOfScope, `${setting} enable --all skips ${app}`).not.to.include(app);
      const ownNames = new Set(own.map((r) => r.name));
      const considered = toggle.rows
        .filter((r) => ownNames.has(r.app) && !r.reason?.startsWith('Not in scope'))
        .map((r) => r.app)
        .sort();
      expect(considered, `${setting} enable --all`).to.deep.equal(expected[setting]);

      // verify --all: every in-scope app with a client to test (all of the org's own have a consumer key).
      const verified = (await resolveClients(conn, { all: true, kind: setting }))
        .map((c) => c.app)
        .filter((a) => ownNames.has(a))
        .sort();
      expect(verified, `${setting} verify --all`).to.deep.equal(expected[setting]);
    }
  });

  it('an unknown app gets the same error with close matches from toggles, verify, the plan and the inventory', async () => {
    const expected =
      'No External Client App or Connected App named "Partner_Portal_Synk" in the org. Did you mean: Partner_Portal_Sync?';
    const toggle = await planToggle(conn, { setting: 'pkce', value: true, apps: ['Partner_Portal_Synk'] }).catch(
      (e: unknown) => e,
    );
    expect(toggle).to.be.instanceOf(ToggleError);
    expect((toggle as ToggleError).message).to.equal(expected);
    const verify = await resolveClients(conn, { apps: ['Partner_Portal_Synk'], kind: 'pkce' }).catch((e: unknown) => e);
    expect(verify).to.be.instanceOf(ClientConfigError);
    expect((verify as ClientConfigError).message).to.equal(expected);
    const rows = (await buildInventory(conn, { days: 90 })).result.apps;
    expect(selectApps(parsePlan('apps: [Partner_Portal_Synk]'), rows).problems[0]).to.equal(
      `${expected} It is not a selector either (needs-action, all-in-scope).`,
    );
    expect(() => inventoryApps(rows, ['Partner_Portal_Synk'])).to.throw(UnknownAppsError, expected);
  });
});
