/*
 * An External Client App installed from a managed package, whose PKCE and rotation live in the publisher's org: the
 * inventory says so (not a missing permission) and keeps the admin's own policies, toggles refuse it naming namespace
 * and publisher, and the Require PKCE gate blocks on it unless the plan waives it (never "out of scope").
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { useEmulator } from '../helpers/emulator.js';
import { coreConnection } from '../helpers/core.js';
import { buildInventory } from '../../src/apps/inventory.js';
import { flagText } from '../../src/apps/format.js';
import { planToggle, ToggleError } from '../../src/metadata/toggle.js';
import { evaluateGate } from '../../src/rollout/gate.js';
import { buildState, SeedError } from '../../src/emulator/seed/build.js';
import { DEFAULT_SEED } from '../../src/emulator/seed/default.js';
import { PACKAGED_ECA, packagedEcaSeed } from './packaged-eca-seed.js';

describe("a packaged ECA whose OAuth settings live in the publisher's org", function () {
  this.timeout(60_000);
  const emu = useEmulator(() => ({ seed: packagedEcaSeed() }));

  it('the seed holds no global OAuth settings for it, and refuses such an app that is not from an installed package', () => {
    expect(emu().store.component('ExternalClientApplication', PACKAGED_ECA)?.manageableState).to.equal('installed');
    expect(
      emu()
        .store.components('ExtlClntAppGlobalOauthSettings')
        .some((c) => c.fullName.startsWith('pubx__')),
    ).to.equal(false);
    const orphan = { kind: 'ExternalClientApplication' as const, name: 'Lonely_App', header: { label: 'Lonely' } };
    expect(() => buildState({ ...DEFAULT_SEED, apps: [orphan] }, Date.now())).to.throw(SeedError, /installed package/);
  });

  it("app list: set in the publisher's org (namespace, publisher), not a missing permission; the admin's policies still shown", async () => {
    const inventory = await buildInventory(await coreConnection(emu()), { days: 90 });
    const row = inventory.result.apps.find((r) => r.name === PACKAGED_ECA);
    expect(row).to.include({ settingsIn: 'publisher-org', verdict: 'vendor', pkceRequired: null, rtrEnabled: null });
    expect(row?.owner).to.deep.include({ type: 'package', namespace: 'pubx', publisher: 'Fabrikam Publishing' });
    expect(row?.reasons.join(' ')).to.match(
      /set in the publisher's org \(namespace pubx, publisher Fabrikam Publishing/,
    );
    expect(row?.reasons.join(' ')).not.to.match(/permission/i);
    expect(row).to.deep.include({
      permittedUsers: 'admin-approved',
      ipRelaxation: 'bypass',
      refreshTokenPolicy: { type: 'specific-inactivity', period: 30, unit: 'days' },
    });
    expect(row?.findings).to.include('IP restrictions bypassed');
    expect(inventory.warnings.map((w) => w.code)).not.to.include('consumerSecretPermission');
    // The table says where PKCE is set, not "unknown".
    expect(flagText(row ?? { kind: 'untracked' }, row?.pkceRequired ?? null)).to.equal("publisher's org");
    const own = inventory.result.apps.find((r) => r.name === 'Billing_Integration');
    expect(flagText(own ?? { kind: 'untracked' }, own?.pkceRequired ?? null)).to.equal('off');
  });

  it('toggles refuse it by name, naming namespace and publisher; --all skips it with the reason', async () => {
    const conn = await coreConnection(emu());
    const error = await planToggle(conn, { setting: 'pkce', value: true, apps: [PACKAGED_ECA] }).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ToggleError);
    expect((error as ToggleError).code).to.equal('refusedApps');
    expect((error as ToggleError).items[0]).to.match(
      /^pubx__Publisher_Connect: PKCE and rotation are set in the publisher's org \(managed package pubx \(Publisher Connect for Salesforce, Fabrikam Publishing\)\)/,
    );
    const all = await planToggle(conn, { setting: 'pkce', value: true, all: true });
    const row = all.rows.find((r) => r.app === PACKAGED_ECA);
    expect(row).to.include({ status: 'skipped' });
    expect(row?.reason).to.include("publisher's org");
    expect(all.changes.map((c) => c.app.name)).not.to.include(PACKAGED_ECA);
  });

  it('the Require PKCE gate blocks on it (not out of scope), and lets it through only with a plan waiver', async () => {
    process.env.SF_OAUTH_RESULTS_DIR = mkdtempSync(path.join(tmpdir(), 'sf-oauth-packaged-'));
    try {
      const conn = await coreConnection(emu());
      const orgId = emu().store.state.org.id;
      const blocked = (await evaluateGate(conn, { orgId })).apps.find((a) => a.app === PACKAGED_ECA);
      expect(blocked?.status).to.equal('blocked');
      expect(blocked?.reason).to.match(
        /"pubx" \(Publisher Connect for Salesforce by Fabrikam Publishing\): PKCE is set in the publisher's org/,
      );
      expect(blocked?.package).to.deep.include({ namespace: 'pubx', publisher: 'Fabrikam Publishing' });
      const waived = (
        await evaluateGate(conn, { orgId, waivers: [{ app: PACKAGED_ECA, reason: 'Fabrikam confirmed S256 PKCE' }] })
      ).apps.find((a) => a.app === PACKAGED_ECA);
      expect(waived?.status).to.equal('waived');
      expect(waived?.reason).to.match(/^waived: Fabrikam confirmed S256 PKCE \(would block: managed package "pubx"/);
    } finally {
      delete process.env.SF_OAUTH_RESULTS_DIR;
    }
  });
});
