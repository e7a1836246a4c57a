/*
 * `sf oauth emulator report` in this process against an in-process emulator: the conformance report as the typed
 * result, read by URL and by the alias of an emulator org, and the error without a source; beside the spawned tests
 * in report.test.ts (`sf oauth emulator start` itself runs until Ctrl-C, so it is only tested spawned).
 */
import { expect } from 'chai';
import EmulatorReport, { type EmulatorReportResult } from '../../../src/commands/oauth/emulator/report.js';
import PkceVerify from '../../../src/commands/oauth/pkce/verify.js';
import RtrVerify from '../../../src/commands/oauth/rtr/verify.js';
import { runCommand, runJson, useEmulatorOrg } from '../../helpers/in-process.js';
import { goodClient, ordinaryDay, PUBLIC_APP, PUBLIC_ECA } from '../../emulator/conformance/helpers.js';

/** A public app of the default seed whose PKCE and RTR smoke tests pass. */
const SMOKE_APP = 'Field_Service_App';

type ErrorJson = { name: string; message: string; exitCode: number; actions?: string[] };

describe('sf oauth emulator report (in-process)', function () {
  this.timeout(60_000);
  const { emu, alias } = useEmulatorOrg();

  it('--url and --target-org: the typed report of the same emulator, with its source', async () => {
    const byUrl = await runCommand(EmulatorReport, ['--url', emu().url, '--json']);
    expect(byUrl.exitCode, byUrl.stdout).to.equal(0);
    const result = byUrl.result as EmulatorReportResult;
    expect(result).to.include({ kind: 'oauth-emulator-conformance-report', source: emu().url, success: true });
    expect(result.summary.failingClients).to.equal(0);
    expect(result.clients.length).to.equal(result.summary.clients);

    const byAlias = await runCommand(EmulatorReport, ['--target-org', alias(), '--json']);
    expect(byAlias.exitCode).to.equal(0);
    const viaOrg = byAlias.result as EmulatorReportResult;
    expect(viaOrg.source).to.equal(emu().url);
    expect(viaOrg.since).to.equal(result.since);
  });

  it('--client-id that no client with activity has: an error with "did you mean", else every client, exit code 1', async () => {
    const none = await runJson<ErrorJson>(EmulatorReport, ['--url', emu().url, '--client-id', 'Nope']);
    expect(none.exitCode).to.equal(1);
    expect(none.json.name).to.equal('NoActivityError');
    expect(none.json.message).to.equal(
      'No client has recorded activity yet, so there is nothing to report for "Nope".',
    );

    expect(await ordinaryDay(goodClient(emu(), PUBLIC_APP))).to.equal(undefined);
    expect(await ordinaryDay(goodClient(emu(), PUBLIC_ECA))).to.equal(undefined);
    const typo = await runJson<ErrorJson>(EmulatorReport, [
      '--target-org',
      alias(),
      '--client-id',
      'Ops_Dashbord_Local',
    ]);
    expect(typo.exitCode).to.equal(1);
    expect(typo.json.name).to.equal('UnknownClientError');
    expect(typo.json.message).to.equal(
      'No client with the consumer key or app name "Ops_Dashbord_Local" has recorded activity. Did you mean: Ops_Dashboard_Local?',
    );
    expect(typo.json.actions?.[0]).to.include('--client-id');

    // One known and one unknown: still an error, so a gate never passes on part of what it was asked.
    const nope = await runJson<ErrorJson>(EmulatorReport, [
      '--url',
      emu().url,
      '--client-id',
      PUBLIC_APP,
      '--client-id',
      'Nope',
    ]);
    expect(nope.exitCode).to.equal(1);
    expect(nope.json.name).to.equal('UnknownClientNoMatchError');
    expect(nope.json.message).to.equal(
      `No client with the consumer key or app name "Nope" has recorded activity. The clients with recorded activity are: ${PUBLIC_ECA}, ${PUBLIC_APP}.`,
    );

    const known = await runCommand(EmulatorReport, ['--url', emu().url, '--client-id', PUBLIC_APP, '--json']);
    expect(known.exitCode).to.equal(0);
    expect((known.result as EmulatorReportResult).clients.map((c) => c.appName)).to.deep.equal([PUBLIC_APP]);
  });

  it("leaves the plugin's own smoke tests out, says how many and how to include them; --include-smoke-tests marks them", async () => {
    // pkce and rtr verify make deliberate mistakes (no challenge, plain method, wrong verifier, concurrent refresh).
    const pkce = await runCommand(PkceVerify, ['-o', alias(), '--app', SMOKE_APP, '--json']);
    expect(pkce.exitCode, pkce.stdout + pkce.stderr).to.equal(0);
    const rtr = await runCommand(RtrVerify, ['-o', alias(), '--app', SMOKE_APP, '--json']);
    expect(rtr.exitCode, rtr.stdout + rtr.stderr).to.equal(0);

    const byDefault = await runCommand(EmulatorReport, ['--url', emu().url, '--json']);
    expect(byDefault.exitCode, byDefault.stdout).to.equal(0);
    const left = byDefault.result as EmulatorReportResult;
    expect(left.success).to.equal(true);
    expect(left.clients.map((c) => c.appName)).not.to.include(SMOKE_APP);
    expect(left.smokeTests.included).to.equal(false);
    expect(left.smokeTests.apps).to.equal(1);
    expect(left.smokeTests.requests).to.be.above(4);

    const human = await runCommand(EmulatorReport, ['--url', emu().url]);
    expect(human.exitCode).to.equal(0);
    expect(human.stdout).to.include(
      `Left out: ${left.smokeTests.requests} request(s) of the plugin's own smoke tests (User-Agent sf-oauth-smoke/...) against 1 app(s)`,
    );
    expect(human.stdout).to.include('Add --include-smoke-tests to report them.');
    expect(human.stdout).not.to.include(`${SMOKE_APP} (`);

    const all = await runCommand(EmulatorReport, ['--url', emu().url, '--include-smoke-tests', '--json']);
    expect(all.exitCode).to.equal(1);
    const included = all.result as EmulatorReportResult;
    expect(included.smokeTests).to.deep.equal({ ...left.smokeTests, included: true });
    const smoke = included.clients.filter((c) => c.appName === SMOKE_APP);
    expect(smoke.map((c) => c.smokeTests)).to.deep.equal([true]);
    expect(smoke[0].verdict).to.equal('fail');
    const text = await runCommand(EmulatorReport, ['--url', emu().url, '--include-smoke-tests']);
    expect(text.stdout).to.match(new RegExp(`^${SMOKE_APP} \\([^)]+\\) \\[sf oauth smoke tests\\], .*: FAIL`, 'm'));
    expect(text.stdout).to.include('Included: ');
  });

  it('sees an ordinary client with the same app as the smoke tests as the app itself', async () => {
    expect(await runCommand(PkceVerify, ['-o', alias(), '--app', SMOKE_APP, '--json'])).to.have.property('exitCode', 0);
    expect(await ordinaryDay(goodClient(emu(), SMOKE_APP))).to.equal(undefined);
    const report = (await runCommand(EmulatorReport, ['--url', emu().url, '--json'])).result as EmulatorReportResult;
    expect(report.clients.map((c) => [c.appName, c.verdict, c.smokeTests])).to.deep.equal([
      [SMOKE_APP, 'pass', undefined],
    ]);
    expect(report.smokeTests.apps).to.equal(1);
  });

  it('no source: NoSourceError with the three ways to name one, exit code 1', async () => {
    const { json, exitCode } = await runJson<ErrorJson>(EmulatorReport, []);
    expect(exitCode).to.equal(1);
    expect(json.exitCode).to.equal(1);
    expect(json.name).to.equal('NoSourceError');
    expect(json.message).to.equal('Tell the command where the emulator is.');
    expect(json.actions?.[0]).to.include('--url').and.include('--state-file').and.include('--target-org');
  });
});
