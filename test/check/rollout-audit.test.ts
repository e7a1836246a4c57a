/*
 * The rollout's audit runs the org checks (src/check) and stops before any change when one that concerns the org or a
 * selected app fails: no backup, no deploy, the org as before. Against the emulator, in process.
 */
import { existsSync, readdirSync } from 'node:fs';
import { expect } from 'chai';
import { useEmulator } from '../helpers/emulator.js';
import { consumerKeyFor } from '../../src/emulator/seed/build.js';
import { parsePlan } from '../../src/rollout/plan.js';
import { runRollout, type RolloutContext } from '../../src/rollout/run.js';
import { approveForAdmin, orgFlags, privateDirs, rolloutContext, secretsEnv } from '../rollout/helpers.js';

describe('rollout audit: the org checks gate every change', function () {
  this.timeout(120_000);
  const emu = useEmulator();
  let ctx: RolloutContext;
  let dirs: ReturnType<typeof privateDirs>;

  beforeEach(async () => {
    dirs = privateDirs();
    approveForAdmin(emu());
    ctx = await rolloutContext(emu(), secretsEnv(emu()), `audit${Date.now()}`);
  });

  it('stops in the audit, before any backup or deploy, when the smoke user has no approval headroom for a selected app', async () => {
    const store = emu().store;
    for (let i = 0; i < 5; i++)
      store.createGrant(
        consumerKeyFor(store.state.org.name, 'Field_Service_App'),
        'Field Service App',
        store.adminUser().id,
        ['api', 'refresh_token'],
      );
    const before = orgFlags(emu());
    const result = await runRollout(ctx, {
      plan: parsePlan('apps: [Field_Service_App, Partner_Portal_Sync]\noptions: {requirePkce: false}'),
      planFile: 'plan.yaml',
    });
    expect(result.status).to.equal('failed');
    const audit = result.steps.find((s) => s.id === 'audit');
    expect(audit?.status).to.equal('failed');
    expect(audit?.detail)
      .to.include('org check failed: Field_Service_App: Approval headroom')
      .and.include('holds 5 of 5');
    // Only the failing app's check blocks: Partner_Portal_Sync's warnings (no headroom problem) are not named.
    expect(audit?.detail).not.to.include('Partner_Portal_Sync');
    expect(result.steps.map((s) => s.id)).to.deep.equal(['audit']);
    expect(orgFlags(emu())).to.deep.equal(before);
    expect(
      existsSync(dirs.backups) ? readdirSync(dirs.backups, { recursive: true }) : [],
      'no backup taken',
    ).to.deep.equal([]);
  });

  it('stops in the audit when an org-wide check fails (ECA global OAuth settings unreadable)', async () => {
    emu().store.state.permissions.consumerSecretsViaMetadata = false;
    const before = orgFlags(emu());
    const result = await runRollout(ctx, {
      plan: parsePlan('apps: [Partner_Portal_Sync]\noptions: {requirePkce: false}'),
      planFile: 'plan.yaml',
    });
    expect(result.status).to.equal('failed');
    expect(result.steps.find((s) => s.id === 'audit')?.detail).to.include(
      'org check failed: Read ECA global OAuth settings',
    );
    expect(orgFlags(emu())).to.deep.equal(before);
  });

  it('goes on past the audit when no check of the org or the selected apps fails', async () => {
    // Another app without headroom does not concern this plan.
    const store = emu().store;
    for (let i = 0; i < 5; i++)
      store.createGrant(
        consumerKeyFor(store.state.org.name, 'Field_Service_App'),
        'Field Service App',
        store.adminUser().id,
        ['api', 'refresh_token'],
      );
    const result = await runRollout(ctx, {
      plan: parsePlan(
        'apps: [Partner_Portal_Sync]\nexclude: [Field_Service_App]\noptions: {requirePkce: false, skipRtr: true}',
      ),
      planFile: 'plan.yaml',
    });
    expect(result.steps.find((s) => s.id === 'audit')?.status).to.equal('done');
    expect(result.status, result.steps.map((s) => `${s.id} ${s.status} ${s.detail ?? ''}`).join('\n')).to.equal(
      'completed',
    );
    expect(orgFlags(emu()).get('Partner_Portal_Sync')?.pkce).to.equal(true);
  });
});
