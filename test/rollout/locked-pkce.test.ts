/*
 * A rollout's rollback and undo against an org that may keep ECA PKCE on (ecaPkceLock): under every value the journal,
 * the undo result and the org agree, and a value the rollout did not set is never called "rolled-back" or "undone".
 * And a rollout step never deploys an ECA whose certificate it could not read or prove absent (ecaCertificateField).
 */
import { expect } from 'chai';
import { useEmulator } from '../helpers/emulator.js';
import { behaviourVariants } from '../../src/emulator/behaviours.js';
import { readJournal } from '../../src/rollout/journal.js';
import { parsePlan } from '../../src/rollout/plan.js';
import { runRollout, undoRollout } from '../../src/rollout/run.js';
import { toRolloutJunit } from '../../src/rollout/summary.js';
import { secretEnvName } from '../../src/oauth/secret.js';
import { approveForAdmin, orgFlags, privateDirs, rolloutContext, secretsEnv } from './helpers.js';

const PLAN = parsePlan(
  'apps: [Billing_Integration, Partner_Portal_Sync]\noptions: {requirePkce: false, skipRtr: true}',
);

for (const variant of behaviourVariants(['ecaPkceLock'])) {
  describe(`rollout rollback and undo (${variant.label})`, function () {
    this.timeout(120_000);
    const emu = useEmulator(() => ({ behaviours: variant.behaviours }));
    const locked = variant.behaviours.ecaPkceLock === 'on';

    it('a rollback or undo the org does not honour is kept-on-by-salesforce, never rolled-back or undone', async () => {
      privateDirs();
      approveForAdmin(emu());
      const env = secretsEnv(emu());
      // Billing_Integration (an ECA) cannot be proven without its secret: its PKCE change is rolled back.
      delete env[secretEnvName('Billing_Integration')];
      const ctx = await rolloutContext(emu(), env);
      const run = await runRollout(ctx, { plan: PLAN, planFile: 'plan.yaml' });
      expect(run.status).to.equal('failed');
      const change = run.steps.find((s) => s.id === 'pkce-enable:Billing_Integration');
      expect(change?.status).to.equal(locked ? 'kept-on-by-salesforce' : 'rolled-back');
      if (locked) expect(change?.detail).to.match(/^Kept on by Salesforce/);
      expect(orgFlags(emu()).get('Billing_Integration')?.pkce).to.equal(locked);
      expect(orgFlags(emu()).get('Partner_Portal_Sync')?.pkce).to.equal(true);
      const junit = toRolloutJunit(run);
      if (locked) expect(junit).to.include('type="kept-on-by-salesforce"');

      const undo = await undoRollout(ctx);
      expect(orgFlags(emu()).get('Partner_Portal_Sync')?.pkce).to.equal(false);
      const journal = await readJournal(ctx.orgId);
      if (locked) {
        expect(undo.status).to.equal('kept-on-by-salesforce');
        expect(undo.keptOn).to.deep.equal(['Billing_Integration']);
        expect(journal?.status).not.to.equal('undone');
        expect(journal?.undo?.status).to.equal('kept-on-by-salesforce');
        expect(orgFlags(emu()).get('Billing_Integration')?.pkce).to.equal(true);
      } else {
        expect(undo.status).to.equal('done');
        expect(undo.keptOn).to.deep.equal([]);
        expect(journal?.status).to.equal('undone');
        expect(orgFlags(emu()).get('Billing_Integration')?.pkce).to.equal(false);
      }
    });
  });
}

describe('rollout of an ECA whose certificate cannot be proven absent (ecaCertificateField=absent)', function () {
  this.timeout(120_000);
  const emu = useEmulator(() => ({ behaviours: { ecaCertificateField: 'absent' } }));

  it('the rollout stops before any change with the Setup path, and deploys nothing', async () => {
    privateDirs();
    approveForAdmin(emu());
    const ctx = await rolloutContext(emu(), secretsEnv(emu()));
    const deploysBefore = emu().stats.byKind['soap:deploy'] ?? 0;
    const run = await runRollout(ctx, {
      plan: parsePlan('apps: [Billing_Integration]\noptions: {requirePkce: false}'),
      planFile: 'plan.yaml',
    });
    expect(run.status).to.equal('failed');
    // Refused before any change: by the audit's org checks, or at the latest by the change step itself.
    expect(run.stoppedAt).to.be.oneOf(['audit', 'pkce-enable']);
    const step = run.steps.find((s) => s.status === 'failed');
    expect(step?.detail).to.match(/cannot prove it has none.*External Client App Manager > Billing_Integration/s);
    expect(emu().stats.byKind['soap:deploy'] ?? 0).to.equal(deploysBefore);
    expect(orgFlags(emu()).get('Billing_Integration')?.pkce).to.equal(false);
  });
});
