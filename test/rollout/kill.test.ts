/*
 * A rollout killed (SIGKILL) between its batch deploy and the journal entry that records it: the org has the change,
 * the journal has every app of the batch "running" with the batch's backup. The resume asks the org, records each app
 * as changed by this rollout without deploying again, and undo puts the org back as it was.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { useEmulator } from '../helpers/emulator.js';
import { ROOT } from '../helpers/cli.js';
import { readJournal, type Journal } from '../../src/rollout/journal.js';
import { parsePlan } from '../../src/rollout/plan.js';
import { runRollout, undoRollout } from '../../src/rollout/run.js';
import { approveForAdmin, orgFlags, privateDirs, rolloutContext, secretsEnv } from './helpers.js';

const PLAN = 'apps: [all-in-scope]\noptions: {requirePkce: false, skipRtr: true}';

describe('rollout killed between a batch deploy and its journal entry', function () {
  this.timeout(180_000);
  const emu = useEmulator();

  it("the resume finds the change in the org, records it as this rollout's without a second deploy, and undo restores the org", async () => {
    const emulator = emu();
    privateDirs();
    approveForAdmin(emulator);
    const ctx = await rolloutContext(emulator, secretsEnv(emulator));
    const initial = orgFlags(emulator);
    const deploys = (): number => emulator.stats.byKind['soap:deploy'] ?? 0;
    // The deploy takes effect at its due time, but its status answers are held back: the rollout cannot record it.
    const held = emulator.faults.add({
      match: { soapOperation: 'checkDeployStatus' },
      action: { kind: 'delay', ms: 120_000 },
    });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'test', 'rollout', 'fixtures', 'rollout-child.ts'), PLAN],
      { env: ctx.env, cwd: ROOT, stdio: 'ignore' },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('close', (_code, signal) => resolve(signal)),
    );
    try {
      const deadline = Date.now() + 90_000;
      const changedInOrg = (): boolean =>
        deploys() === 1 && [...orgFlags(emulator)].some(([app, f]) => f.pkce && initial.get(app)?.pkce === false);
      while (!changedInOrg() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(changedInOrg(), 'the batch deploy reached the org').to.equal(true);
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).to.equal('SIGKILL');
    emulator.faults.remove(held);

    const crashed = (await readJournal(ctx.orgId)) as Journal;
    const batch = crashed.steps.filter(
      (s) => s.phase === 'pkce-enable' && initial.get(s.app as string)?.pkce === false,
    );
    expect(batch.length).to.be.greaterThan(1);
    for (const step of batch) {
      expect(step.status, step.id).to.equal('running');
      expect(step.data?.backupPath, `${step.id} knows the batch's backup`).to.be.a('string');
    }

    const before = deploys();
    const result = await runRollout(ctx, { plan: parsePlan(PLAN), planFile: 'plan.yaml' });
    expect(result.status).to.equal('completed');
    expect(deploys(), 'no second deploy').to.equal(before);
    for (const { id } of batch) {
      const step = result.steps.find((s) => s.id === id);
      expect(step?.status, id).to.equal('done');
      expect(step?.data?.changed, `${id} is still known as this rollout's change`).to.equal(true);
    }

    const undo = await undoRollout(ctx);
    expect(undo.status).to.equal('done');
    expect(orgFlags(emulator)).to.deep.equal(initial);
  });
});
