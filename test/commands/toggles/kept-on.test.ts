/*
 * Commands against an org that keeps ECA PKCE on (ecaPkceLock=on), in-process: pkce disable, backup restore and
 * rollout undo report "kept on by Salesforce" as their own outcome, with actions, and exit non-zero.
 */
import { expect } from 'chai';
import { AuthRemover } from '@salesforce/core';
import { useEmulator } from '../../helpers/emulator.js';
import { runJson } from '../../helpers/in-process.js';
import { saveCliAuthorization } from '../../../src/emulator/sf-auth.js';
import PkceDisable from '../../../src/commands/oauth/pkce/disable.js';
import PkceEnable from '../../../src/commands/oauth/pkce/enable.js';
import BackupRestore from '../../../src/commands/oauth/backup/restore.js';
import RolloutUndo from '../../../src/commands/oauth/rollout/undo.js';
import BackupList, { type BackupListResult } from '../../../src/commands/oauth/backup/list.js';
import type { ToggleResult } from '../../../src/metadata/toggle.js';
import type { RestoreResult } from '../../../src/metadata/restore.js';
import type { UndoResult } from '../../../src/rollout/run.js';
import { parsePlan } from '../../../src/rollout/plan.js';
import { runRollout } from '../../../src/rollout/run.js';
import { approveForAdmin, privateDirs, rolloutContext, secretsEnv } from '../../rollout/helpers.js';
import { secretEnvName } from '../../../src/oauth/secret.js';

type Json<T> = { status?: number; result?: T; name?: string; message?: string; actions?: string[]; data?: T };

describe('commands against an org that keeps ECA PKCE on (ecaPkceLock=on)', function () {
  this.timeout(120_000);
  const emu = useEmulator(() => ({ behaviours: { ecaPkceLock: 'on' } }));
  let alias = '';
  let username = '';

  beforeEach(async () => {
    privateDirs();
    alias = `kepton${Date.now()}`;
    username = (await saveCliAuthorization(emu(), alias)).username;
  });
  afterEach(async () => {
    await (await AuthRemover.create()).removeAuth(username);
  });

  it('pkce disable and backup restore report kept-on-by-salesforce and exit 1', async () => {
    const off = await runJson<Json<ToggleResult>>(PkceDisable, [
      '-o',
      alias,
      '--app',
      'Field_Service_App',
      '--no-prompt',
    ]);
    expect(off.exitCode).to.equal(1);
    expect(off.json.result?.apps[0]).to.include({
      app: 'Field_Service_App',
      status: 'kept-on-by-salesforce',
      after: true,
    });

    const on = await runJson<Json<ToggleResult>>(PkceEnable, [
      '-o',
      alias,
      '--app',
      'Billing_Integration',
      '--no-prompt',
    ]);
    expect(on.exitCode).to.equal(0);
    // The org did not return the ECA's certificate: the backup says it does not hold one.
    const list = await runJson<Json<BackupListResult>>(BackupList, ['-o', alias]);
    expect(list.json.result?.find((b) => b.path === on.json.result?.backupPath)?.notHeld).to.deep.equal([
      'Billing_Integration: certificate',
    ]);
    const restore = await runJson<Json<RestoreResult>>(BackupRestore, [
      '-o',
      alias,
      '--backup',
      on.json.result?.backupPath ?? '',
      '--no-prompt',
    ]);
    expect(restore.exitCode).to.equal(1);
    expect(restore.json.result?.components[0]).to.include({
      app: 'Billing_Integration',
      status: 'kept-on-by-salesforce',
      after: 'true',
    });
  });

  it('rollout undo says "not undone: kept on by Salesforce", with actions, and exits 1', async () => {
    approveForAdmin(emu());
    const env = secretsEnv(emu());
    delete env[secretEnvName('Billing_Integration')];
    const ctx = await rolloutContext(emu(), env, alias);
    await runRollout(ctx, {
      plan: parsePlan('apps: [Billing_Integration]\noptions: {requirePkce: false, skipRtr: true}'),
      planFile: 'plan.yaml',
    });
    const undo = await runJson<Json<UndoResult>>(RolloutUndo, ['-o', alias, '--no-prompt']);
    expect(undo.exitCode).to.equal(1);
    expect(undo.json.name).to.equal('KeptOnError');
    expect(undo.json.message).to.match(/^Not undone: kept on by Salesforce for Billing_Integration/);
    expect(undo.json.actions?.join(' ')).to.include('Leave PKCE on');
    expect(undo.json.data?.status).to.equal('kept-on-by-salesforce');
  });
});
