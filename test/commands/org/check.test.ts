/*
 * `sf oauth org check` in-process against an in-process emulator (for injected faults and an expired session): the JSON
 * result and exit codes, the report and trace files, and bad input (unknown org, expired session, refused queries,
 * unknown app) as a clear message with an action and a non-zero exit, never a stack trace.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { AuthRemover } from '@salesforce/core';
import { useEmulator } from '../../helpers/emulator.js';
import { runCommand as runInProcess, runJson as runCommandJson, type CommandClass } from '../../helpers/in-process.js';
import { saveCliAuthorization } from '../../../src/emulator/sf-auth.js';
import OrgCheck, { type OrgCheckCommandResult } from '../../../src/commands/oauth/org/check.js';

type Envelope = {
  status: number;
  result?: OrgCheckCommandResult;
  name?: string;
  message?: string;
  actions?: string[];
  data?: OrgCheckCommandResult;
};

const runJson = (argv: string[]): Promise<{ json: Envelope; exitCode: number }> =>
  runCommandJson<Envelope>(OrgCheck, argv);

/** For people: stdout and stderr together, as a terminal shows them. */
async function runCommand(cmd: CommandClass, argv: string[]): Promise<{ out: string; exitCode: number }> {
  const { stdout, stderr, exitCode } = await runInProcess(cmd, argv);
  return { out: stdout + stderr, exitCode };
}

describe('sf oauth org check', function () {
  this.timeout(60_000);
  const emu = useEmulator();
  let alias = '';
  let username = '';
  let dir = '';

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sf-oauth-org-check-'));
    alias = `check${Date.now()}`;
    username = (await saveCliAuthorization(emu(), alias)).username;
  });
  afterEach(async () => {
    delete process.env.SF_OAUTH_CLIENT_SECRET_PARTNER_PORTAL_SYNC;
    await (await AuthRemover.create()).removeAuth(username);
  });

  it('--json: the checklist, exit 0, and the report and trace files without the planted secret', async () => {
    const secret = emu().consumerSecret('Partner_Portal_Sync') as string;
    process.env.SF_OAUTH_CLIENT_SECRET_PARTNER_PORTAL_SYNC = secret;
    const report = path.join(dir, 'org-check.md');
    const trace = path.join(dir, 'trace.json');
    const { json, exitCode } = await runJson(['-o', alias, '--report-file', report, '--trace-file', trace]);
    expect(exitCode, json.message).to.equal(0);
    expect(json.result?.passed).to.equal(true);
    expect(json.result?.summary.fail).to.equal(0);
    expect(json.result?.checks.find((c) => c.id === 'access.api-version')?.status).to.equal('pass');
    expect(json.result?.checks.find((c) => c.id === 'app.secret' && c.app === 'Partner_Portal_Sync')?.status).to.equal(
      'pass',
    );
    expect(json.result?.smokeUser).to.equal(username);
    expect(json.result).to.include({ reportFile: report, traceFile: trace });
    const written = readFileSync(report, 'utf8') + readFileSync(trace, 'utf8');
    expect(written).to.include('Consumer secret available').and.include('/services/oauth2/singleaccess');
    for (const value of [secret, username, emu().store.state.org.id]) expect(written).not.to.include(value);
    expect(JSON.stringify(json)).not.to.include(secret);
  });

  it('for people: checks grouped as lines that fit 120 columns, plain words without a terminal, and a summary', async () => {
    const columns = process.env.COLUMNS;
    process.env.COLUMNS = '120';
    const { out, exitCode } = await runCommand(OrgCheck, ['-o', alias, '--app', 'Partner_Portal_Sync']).finally(() => {
      if (columns === undefined) delete process.env.COLUMNS;
      else process.env.COLUMNS = columns;
    });
    expect(exitCode).to.equal(0);
    const lines = out.split('\n');
    expect(lines).to.include.members(['Access', 'How the org answers', 'Apps', '  Partner_Portal_Sync']);
    expect(lines.find((l) => l.startsWith('    pass  Approval headroom:'))).to.include('holds 1 of 5');
    expect(lines.find((l) => l.startsWith('    warn  Consumer secret available:'))).to.include(
      'SF_OAUTH_CLIENT_SECRET_PARTNER_PORTAL_SYNC',
    );
    expect(lines.some((l) => l.trim().startsWith('Action: Set SF_OAUTH_CLIENT_SECRET_PARTNER_PORTAL_SYNC'))).to.equal(
      true,
    );
    expect(Math.max(...lines.map((l) => l.length))).to.be.at.most(120);
    expect(out).to.match(/\d+ pass, \d+ warn, 0 fail\./);
    // eslint-disable-next-line no-control-regex
    expect(out).not.to.match(/\u001b\[/);
  });

  it('a failing check: exit 1, the failures named, the checklist in the error data', async () => {
    emu().store.state.permissions.consumerSecretsViaMetadata = false;
    const { json, exitCode } = await runJson(['-o', alias]);
    expect(exitCode).to.equal(1);
    expect(json.name).to.equal('ChecksFailedError');
    expect(json.message).to.include('Read ECA global OAuth settings');
    expect(json.actions?.join(' ')).to.include('run this command again');
    expect(json.data?.checks.find((c) => c.id === 'access.eca-global-settings')?.status).to.equal('fail');
    // For people: the message and its action, no stack trace.
    const human = await runCommand(OrgCheck, ['-o', alias]);
    expect(human.exitCode).to.equal(1);
    expect(human.out).to.include('1 check(s) failed').and.include('Try this:');
    expect(human.out).not.to.match(/^\s+at /m);
  });

  it("an org where queries are refused: exit 1 with the org's error code", async () => {
    emu().faults.add({
      match: { path: /\/services\/data\/v[\d.]+\/query$/ },
      action: {
        kind: 'http',
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify([
          { errorCode: 'INSUFFICIENT_ACCESS', message: 'insufficient access rights on object id' },
        ]),
      },
    });
    const { json, exitCode } = await runJson(['-o', alias]);
    expect(exitCode).to.equal(1);
    expect(json.name).to.equal('ChecksFailedError');
    expect(json.message).to.include('INSUFFICIENT_ACCESS');
  });

  it('an expired session: a clear message with the login command, exit 1', async () => {
    // Access tokens expired and the refresh token revoked: sf cannot renew the session.
    emu().store.expireAllAccessTokens();
    for (const grant of emu().store.liveGrants()) emu().store.revokeGrant(grant);
    const { json, exitCode } = await runJson(['-o', alias]);
    expect(exitCode).to.equal(1);
    expect(json.name).to.equal('SessionInvalidError');
    expect(json.message).to.include('did not accept the session');
    expect(json.actions?.join(' ')).to.include(`sf org login web --alias ${username}`);
  });

  it('an unknown org: a clear message and a non-zero exit', async () => {
    const { json, exitCode } = await runJson(['-o', 'no-such-org-alias']);
    expect(exitCode).to.not.equal(0);
    expect(json.message).to.match(/no-such-org-alias/);
    const human = await runCommand(OrgCheck, ['-o', 'no-such-org-alias']);
    expect(human.exitCode).to.not.equal(0);
    expect(human.out).to.include('No authorization information found for no-such-org-alias');
    expect(human.out).not.to.match(/^\s+at /m);
  });

  it('an unknown app: named, with close matches, exit 1', async () => {
    const trace = path.join(dir, 'trace.json');
    const { json, exitCode } = await runJson(['-o', alias, '--app', 'Partner_Portal_Snyc', '--trace-file', trace]);
    expect(exitCode).to.equal(1);
    expect(json.name).to.equal('UnknownAppError');
    expect(json.message).to.include('Partner_Portal_Snyc').and.include('Partner_Portal_Sync');
    // The trace is written even when the command fails: it is what a bug report needs.
    expect(existsSync(trace)).to.equal(true);
  });
});
