/*
 * `sf oauth org require-pkce` in this process against an in-process emulator: the gate's refusal (the default org has
 * apps that would break) and the typed result of turning the setting off, beside the spawned tests in
 * test/commands/rollout/rollout.test.ts.
 */
import { expect } from 'chai';
import OrgRequirePkce, { type OrgRequirePkceResult } from '../../../src/commands/oauth/org/require-pkce.js';
import type { GateRow } from '../../../src/rollout/gate.js';
import { runCommand, runJson, useEmulatorOrg } from '../../helpers/in-process.js';
import { orgRequiresPkce } from '../../rollout/helpers.js';

type ErrorJson = {
  name: string;
  message: string;
  exitCode: number;
  actions?: string[];
  data?: { passed: boolean; blockers: GateRow[] };
};

describe('sf oauth org require-pkce (in-process)', function () {
  this.timeout(60_000);
  const { emu, alias } = useEmulatorOrg();
  const deploys = (): number => emu().stats.byKind['soap:deploy'] ?? 0;

  it('refuses while apps would break: GateBlockedError naming them, exit code 1, no deploy, the setting stays off', async () => {
    const { json, exitCode } = await runJson<ErrorJson>(OrgRequirePkce, ['-o', alias(), '--no-prompt']);
    expect(exitCode).to.equal(1);
    expect(json.exitCode).to.equal(1);
    expect(json.name).to.equal('GateBlockedError');
    const blockers = json.data?.blockers ?? [];
    // Counted by reason: PKCE off would break; PKCE on without a passing smoke test is only not proven yet.
    const off = blockers.filter((b) => b.pkceRequired !== true);
    const unproven = blockers.filter((b) => b.pkceRequired === true);
    expect(off.length).to.be.above(0);
    expect(unproven.length).to.be.above(0);
    expect(json.message).to.include(`Require PKCE stays off: ${off.length} app(s) would break, PKCE off or unknown (`);
    expect(json.message).to.include(
      `; ${unproven.length} app(s) not proven yet, PKCE on but no passing smoke test under their current settings (`,
    );
    expect(json.message).to.include('run "sf oauth pkce verify"');
    // The table is not repeated in the message: the reasons are in the data.
    expect(json.message).not.to.include('\n');
    expect(blockers.every((b) => b.reason.length > 0)).to.equal(true);
    expect(json.message).not.to.include(off[0].reason);
    expect(json.data?.passed).to.equal(false);
    expect(blockers.map((b) => b.app)).to.include('Partner_Portal_Sync');
    expect(json.actions?.[0]).to.include('sf oauth pkce enable --app NAME');
    expect(deploys()).to.equal(0);
    expect(orgRequiresPkce(emu())).to.equal(false);
  });

  it('--undo turns an org-wide Require PKCE off: the typed result says before, after and the deploy', async () => {
    const settings = emu()
      .store.components('Settings')
      .find((c) => c.fullName === 'OauthOidc');
    (settings?.value as Record<string, unknown>).isPkceRequired = 'true';
    expect(orgRequiresPkce(emu())).to.equal(true);
    // --json keeps the spinner quiet (oclif's spinner writes through the stream it found at load); the typed result
    // is what run() returns either way.
    const run = await runCommand(OrgRequirePkce, ['-o', alias(), '--undo', '--no-prompt', '--json']);
    expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
    const result = run.result as OrgRequirePkceResult;
    expect(result).to.include({ value: false, dryRun: false, before: true, after: false, changed: true });
    expect(result.deployId).to.be.a('string');
    expect(result).not.to.have.property('gate');
    expect(deploys()).to.equal(1);
    expect(orgRequiresPkce(emu())).to.equal(false);
    const envelope = JSON.parse(run.stdout) as { result: OrgRequirePkceResult; warnings: string[] };
    expect(envelope.result).to.deep.equal(result);
    expect(envelope.warnings.join(' ')).to.include(
      'Turning Require PKCE off lets clients that do not send PKCE sign in',
    );
  });

  it('--undo when Require PKCE is already off says only that: no warning, no deploy', async () => {
    // Set, not assumed: the test above flips the seeded settings object, which a fresh emulator may share.
    const settings = emu()
      .store.components('Settings')
      .find((c) => c.fullName === 'OauthOidc');
    (settings?.value as Record<string, unknown>).isPkceRequired = 'false';
    const run = await runCommand(OrgRequirePkce, ['-o', alias(), '--undo', '--no-prompt']);
    expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
    expect(run.result).to.deep.equal({ value: false, dryRun: false, before: false, after: false, changed: false });
    expect(run.stdout + run.stderr).to.include('Nothing to change: Require PKCE is already off.');
    expect(run.stdout + run.stderr).not.to.include('Turning Require PKCE off lets clients');
    expect(run.stdout + run.stderr).not.to.include('Turning off Require PKCE');
    expect(deploys()).to.equal(0);
  });
});
