/*
 * `sf oauth app list --trace-file` in-process against an in-process emulator: the shapes of the inventory's answers
 * (what a first run against a real org would tell us), with no user name, org id or record value.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { AuthRemover } from '@salesforce/core';
import { useEmulator } from '../../helpers/emulator.js';
import { runCommand } from '../../helpers/in-process.js';
import { saveCliAuthorization } from '../../../src/emulator/sf-auth.js';
import type { TraceFile } from '../../../src/check/trace.js';
import AppList from '../../../src/commands/oauth/app/list.js';

describe('sf oauth app list --trace-file', function () {
  this.timeout(60_000);
  const emu = useEmulator();
  let username = '';
  afterEach(async () => (await AuthRemover.create()).removeAuth(username));

  it('writes the shape of every answer the inventory got, and no value', async () => {
    const alias = `trace${Date.now()}`;
    username = (await saveCliAuthorization(emu(), alias)).username;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sf-oauth-app-trace-')), 'trace.json');
    const run = await runCommand(AppList, ['-o', alias, '--trace-file', file, '--json']);
    expect(run.exitCode, run.stdout).to.equal(0);
    const text = readFileSync(file, 'utf8');
    const trace = JSON.parse(text) as TraceFile;
    expect(trace.command).to.equal('oauth app list');
    // The OauthToken rows the usage is counted from, the Tooling query, the Metadata API calls.
    expect(
      trace.entries.some(
        (e) =>
          e.endpoint === '/services/data/v66.0/query' &&
          e.present?.includes('records[].AppName') &&
          e.present.includes('records[].UserId'),
      ),
    ).to.equal(true);
    expect(trace.entries.some((e) => e.endpoint === '/services/data/v66.0/tooling/query' && e.status === 200)).to.equal(
      true,
    );
    expect(
      trace.entries.some(
        (e) => e.endpoint === '/services/Soap/m/66.0' && e.present?.includes('checkRetrieveStatusResponse'),
      ),
    ).to.equal(true);
    for (const value of [username, emu().store.state.org.id, 'Partner Portal Sync', 'Acme Corporation'])
      expect(text).not.to.include(value);
  });
});
