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
    expect(json.message).to.match(new RegExp(`^Require PKCE stays off: ${blockers.length} app\\(s\\) would break\\.`));
    expect(json.message).to.include('  - Partner_Portal_Sync: ');
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
});
