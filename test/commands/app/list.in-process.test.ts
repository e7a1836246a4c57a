/*
 * `sf oauth app list` in this process (the command class's run(), test/helpers/in-process.ts) against an in-process
 * emulator: fast checks of the typed result and an error, beside the spawned tests in list.test.ts.
 */
import { expect } from 'chai';
import AppList from '../../../src/commands/oauth/app/list.js';
import type { AppListResult } from '../../../src/apps/model.js';
import { runCommand, runJson, useEmulatorOrg } from '../../helpers/in-process.js';

type ErrorJson = { status: number; name: string; message: string; actions?: string[]; exitCode: number };

describe('sf oauth app list (in-process)', function () {
  this.timeout(60_000);
  const { alias } = useEmulatorOrg();

  it('returns the inventory as its typed result: org, org-wide settings, one row per app with its verdict', async () => {
    const run = await runCommand(AppList, ['-o', alias(), '--json']);
    expect(run.exitCode, run.stdout).to.equal(0);
    const result = run.result as AppListResult;
    expect(result.org).to.include({ environment: 'sandbox', username: 'admin@acme.example.com.uat' });
    expect(result.orgSettings.usernamePasswordFlowBlocked).to.equal(true);
    const byName = new Map(result.apps.map((r) => [r.name, r]));
    expect(byName.get('Partner_Portal_Sync')).to.include({ verdict: 'breaks', breaksAtEnforcement: true });
    expect(byName.get('Field_Service_App')?.verdict).to.equal('ready');
    expect(byName.get('Zapier')?.kind).to.equal('untracked');
    expect(result.apps[0].breaksAtEnforcement, 'apps that break come first').to.equal(true);
    // The same result is what --json prints in the envelope.
    const envelope = JSON.parse(run.stdout) as { status: number; result: AppListResult };
    expect(envelope.status).to.equal(0);
    expect(envelope.result.apps.map((a) => a.name)).to.deep.equal(result.apps.map((a) => a.name));
  });

  it('--app narrows the result to that app', async () => {
    const { json, exitCode } = await runJson<{ result: AppListResult }>(AppList, [
      '-o',
      alias(),
      '--app',
      'Field_Service_App',
    ]);
    expect(exitCode).to.equal(0);
    expect(json.result.apps.map((a) => a.name)).to.deep.equal(['Field_Service_App']);
  });

  it('an unknown --app: UnknownAppError with a suggestion, exit code 1', async () => {
    const { json, exitCode } = await runJson<ErrorJson>(AppList, ['-o', alias(), '--app', 'Partner_Portal_Synk']);
    expect(exitCode).to.equal(1);
    expect(json.exitCode).to.equal(1);
    expect(json.name).to.equal('UnknownAppError');
    expect(json.message).to.equal(
      'No External Client App, Connected App or OauthToken app named "Partner_Portal_Synk" in the org.',
    );
    expect(json.actions?.[0]).to.include('"Partner_Portal_Sync"');
    expect(json.actions?.[1]).to.include('sf oauth app list --target-org admin@acme.example.com.uat');
  });
});
