/*
 * `sf oauth rollout plan` and `sf oauth rollout status` in this process against an in-process emulator: the starter
 * plan as a typed result and as the file it writes, and the errors for a file that exists and a rollout that never
 * ran; `rollout run` after a typo stopped it at the audit; beside the spawned tests in rollout.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import RolloutPlanCommand, { type RolloutPlanResult } from '../../../src/commands/oauth/rollout/plan.js';
import RolloutStatus from '../../../src/commands/oauth/rollout/status.js';
import RolloutRun from '../../../src/commands/oauth/rollout/run.js';
import { DEFAULT_OPTIONS, type RolloutPlan } from '../../../src/rollout/plan.js';
import { runCommand, runJson, useEmulatorOrg } from '../../helpers/in-process.js';

type ErrorJson = { name: string; message: string; exitCode: number; actions?: string[] };

describe('sf oauth rollout plan|status (in-process)', function () {
  this.timeout(60_000);
  const { alias, dirs } = useEmulatorOrg();
  const planFile = (name: string): string => path.join(path.dirname(dirs().rollouts), name);

  it('plan: the starter plan as the typed result, written to --output-file as JSON', async () => {
    const file = planFile('plan.json');
    const run = await runCommand(RolloutPlanCommand, [
      '-o',
      alias(),
      '--output-file',
      file,
      '--format',
      'json',
      '--json',
    ]);
    expect(run.exitCode, run.stdout).to.equal(0);
    const result = run.result as RolloutPlanResult;
    expect(result).to.include({ file, format: 'json' });
    // The default org has apps that need action, so the plan selects those (not every app in scope).
    expect(result.plan).to.deep.equal({
      version: result.plan.version,
      apps: ['needs-action'],
      exclude: [],
      waive: [],
      options: { ...DEFAULT_OPTIONS, secretEnv: {} },
    });
    expect(result.selected).to.include('Partner_Portal_Sync').and.not.include('Field_Service_App');
    expect(JSON.parse(readFileSync(file, 'utf8')) as RolloutPlan).to.deep.equal(result.plan);
  });

  it('plan: an --output-file that exists is refused (ExistsError, exit code 1) and left as it was', async () => {
    const file = planFile('mine.yaml');
    writeFileSync(file, 'apps: [Billing_Integration]\n');
    const { json, exitCode } = await runJson<ErrorJson>(RolloutPlanCommand, ['-o', alias(), '--output-file', file]);
    expect(exitCode).to.equal(1);
    expect(json.exitCode).to.equal(1);
    expect(json.name).to.equal('ExistsError');
    expect(json.message).to.equal(`${file} already exists.`);
    expect(json.actions).to.deep.equal(['Choose another --output-file, or move the existing file away.']);
    expect(readFileSync(file, 'utf8')).to.equal('apps: [Billing_Integration]\n');
  });

  it('status: an org with no rollout is NoJournalError, exit code 1', async () => {
    const { json, exitCode } = await runJson<ErrorJson>(RolloutStatus, ['-o', alias()]);
    expect(exitCode).to.equal(1);
    expect(json.name).to.equal('NoJournalError');
    expect(json.message).to.match(/rollout/i);
    expect(json.actions?.[0]).to.equal('Start one with "sf oauth rollout run --plan FILE".');
  });

  it('run: a plan with a typo stops at the audit; the corrected plan then starts a new rollout and says so, no PlanChangedError', async () => {
    const bad = planFile('bad.yaml');
    writeFileSync(bad, 'apps: [Biling_Integration]\n');
    const typo = await runJson<{ result: { rolloutId: string; stoppedAt: string } }>(RolloutRun, [
      '-o',
      alias(),
      '--plan',
      bad,
    ]);
    expect(typo.exitCode).to.equal(1);
    expect(typo.json.result).to.include({ stoppedAt: 'audit' });

    const good = planFile('good.yaml');
    writeFileSync(good, 'apps: [Billing_Integration]\n');
    const fixed = await runCommand(RolloutRun, ['-o', alias(), '--plan', good]);
    expect(fixed.error?.name).to.not.equal('PlanChangedError');
    expect(fixed.stderr).to.include(
      `Rollout ${typo.json.result.rolloutId} (from ${bad}) stopped before it changed anything in the org, so this plan starts a new rollout.`,
    );
    expect(fixed.stdout + fixed.stderr).to.not.include('asks for something else');
  });
});
