/*
 * `sf oauth emulator report` in this process against an in-process emulator: the conformance report as the typed
 * result, read by URL and by the alias of an emulator org, and the error without a source; beside the spawned tests
 * in report.test.ts (`sf oauth emulator start` itself runs until Ctrl-C, so it is only tested spawned).
 */
import { expect } from 'chai';
import EmulatorReport, { type EmulatorReportResult } from '../../../src/commands/oauth/emulator/report.js';
import { runCommand, runJson, useEmulatorOrg } from '../../helpers/in-process.js';

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

  it('no source: NoSourceError with the three ways to name one, exit code 1', async () => {
    const { json, exitCode } = await runJson<ErrorJson>(EmulatorReport, []);
    expect(exitCode).to.equal(1);
    expect(json.exitCode).to.equal(1);
    expect(json.name).to.equal('NoSourceError');
    expect(json.message).to.equal('Tell the command where the emulator is.');
    expect(json.actions?.[0]).to.include('--url').and.include('--state-file').and.include('--target-org');
  });
});
