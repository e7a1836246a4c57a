/*
 * `sf oauth backup list` and `sf oauth backup restore` in this process against an in-process emulator: the backups a
 * change leaves as the typed result, and a backup that does not exist; beside the spawned tests in
 * test/commands/toggles/toggles.test.ts.
 */
import { expect } from 'chai';
import BackupList, { type BackupListResult } from '../../../src/commands/oauth/backup/list.js';
import BackupRestore from '../../../src/commands/oauth/backup/restore.js';
import PkceEnable from '../../../src/commands/oauth/pkce/enable.js';
import { runCommand, runJson, useEmulatorOrg } from '../../helpers/in-process.js';

type ErrorJson = { name: string; message: string; exitCode: number; actions?: string[] };

describe('sf oauth backup list|restore (in-process)', function () {
  this.timeout(60_000);
  const { emu, alias, dirs } = useEmulatorOrg();

  it('list: none at first; after pkce enable, that backup with its org, operation and apps', async () => {
    const empty = await runCommand(BackupList, ['-o', alias(), '--json']);
    expect(empty.exitCode).to.equal(0);
    expect(empty.result).to.deep.equal([]);

    const enable = await runJson<{ result: { backupPath?: string } }>(PkceEnable, [
      '-o',
      alias(),
      '--app',
      'Partner_Portal_Sync',
      '--app',
      'Billing_Integration',
    ]);
    expect(enable.exitCode, enable.stdout).to.equal(0);

    const run = await runCommand(BackupList, ['-o', alias(), '--json']);
    expect(run.exitCode).to.equal(0);
    const result = run.result as BackupListResult;
    expect(result).to.have.length(1);
    expect(result[0]).to.include({
      path: enable.json.result.backupPath,
      orgId: emu().store.state.org.id,
      username: 'admin@acme.example.com.uat',
      operation: 'oauth pkce enable',
      components: 2,
    });
    expect(result[0].path.startsWith(dirs().backups)).to.equal(true);
    expect(result[0].apps).to.deep.equal(['Billing_Integration', 'Partner_Portal_Sync']);
    // The org does not return an ECA's certificate: the backup says it does not hold it.
    expect(result[0].notHeld).to.deep.equal(['Billing_Integration: certificate']);
  });

  it('restore: an unknown --backup is BackupError naming it, exit code 1, and nothing is deployed', async () => {
    const { json, exitCode } = await runJson<ErrorJson>(BackupRestore, [
      '-o',
      alias(),
      '--backup',
      'no-such-backup',
      '--no-prompt',
    ]);
    expect(exitCode).to.equal(1);
    expect(json.exitCode).to.equal(1);
    expect(json.name).to.equal('BackupError');
    expect(json.message).to.equal(
      `The backup cannot be restored. No backup named no-such-backup in ${dirs().backups}.`,
    );
    expect(json.actions).to.deep.equal(['Run "sf oauth backup list" to see the backups and their ids.']);
    expect(emu().stats.byKind['soap:deploy'] ?? 0).to.equal(0);
  });
});
