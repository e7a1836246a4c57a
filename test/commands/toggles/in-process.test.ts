/*
 * The toggle commands run in-process against an in-process emulator, for what the spawned CLI cannot reach: injected
 * deploy faults and a missing org permission. Output is captured, not printed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { AuthRemover } from '@salesforce/core';
import { useEmulator } from '../../helpers/emulator.js';
import { runJson } from '../../helpers/in-process.js';
import { saveCliAuthorization } from '../../../src/emulator/sf-auth.js';
import { oauthClient } from '../../../src/emulator/clients.js';
import { consumerKeyFor } from '../../../src/emulator/seed/build.js';
import PkceEnable from '../../../src/commands/oauth/pkce/enable.js';
import RtrEnable from '../../../src/commands/oauth/rtr/enable.js';
import type { ToggleResult } from '../../../src/metadata/toggle.js';

type ErrorJson = { name: string; message: string; actions?: string[]; exitCode: number; data?: ToggleResult };

describe('toggle commands in-process: deploy failure and missing permission', function () {
  this.timeout(60_000);
  const emu = useEmulator();
  let alias = '';
  let username = '';

  beforeEach(async () => {
    process.env.SF_OAUTH_BACKUP_DIR = mkdtempSync(path.join(tmpdir(), 'sf-oauth-inproc-'));
    alias = `inproc${Date.now()}`;
    username = (await saveCliAuthorization(emu(), alias)).username;
  });
  afterEach(async () => {
    delete process.env.SF_OAUTH_BACKUP_DIR;
    // The authorization lives in the test run's shared HOME: other test files authenticate as the same user.
    const remover = await AuthRemover.create();
    await remover.removeAuth(username);
  });

  it('reports each component of a failed deploy, exits non-zero, and leaves the org unchanged', async () => {
    emu().faults.failDeploys({
      outcome: 'fail',
      message: 'Emulated: insufficient access rights on cross-reference id',
      times: 1,
    });
    const { json, exitCode } = await runJson<ErrorJson>(PkceEnable, [
      '-o',
      alias,
      '--app',
      'Partner_Portal_Sync',
      '--app',
      'Billing_Integration',
    ]);
    expect(exitCode).to.equal(1);
    expect(json.name).to.equal('DeployFailedError');
    expect(json.message)
      .to.include('rolled back')
      .and.include('Billing_Integration')
      .and.include('Partner_Portal_Sync')
      .and.include('insufficient access rights');
    expect(json.data?.apps.map((a) => a.status)).to.deep.equal(['failed', 'failed']);
    expect(json.data?.backupPath).to.be.a('string');
    expect(json.actions?.join(' ')).to.include(json.data?.backupPath ?? '?');
    const key = consumerKeyFor(emu().store.state.org.name, 'Partner_Portal_Sync');
    expect(oauthClient(emu().store, key)?.pkceRequired).to.equal(false);
  });

  it('names the org and user permissions when the ECA global OAuth settings cannot be read', async () => {
    emu().store.state.permissions.consumerSecretsViaMetadata = false;
    const { json, exitCode } = await runJson<ErrorJson>(RtrEnable, ['-o', alias, '--app', 'Support_Console']);
    expect(exitCode).to.equal(1);
    expect(json.name).to.equal('MissingPermissionError');
    expect(json.message)
      .to.include('"Allow Access to OAuth Consumer Secrets via Metadata API"')
      .and.include('"View External Client Apps Consumer Secrets in Metadata"');
    const actions = json.actions?.join('\n') ?? '';
    expect(actions).to.include('Allow Access to OAuth Consumer Secrets via Metadata API');
    expect(actions).to.include('View External Client Apps Consumer Secrets in Metadata');
  });
});
