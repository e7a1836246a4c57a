/*
 * sf oauth pkce verify (in-process) after a smoke run of the same org was killed: the record the killed run left
 * (src/smoke/run-record.ts) leads the new run to the approval it created, which is revoked through its DeleteToken and
 * reported as a warning; approvals made before the killed run started are left alone, and the new run's own record is
 * gone when it ends.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import PkceVerify from '../../../src/commands/oauth/pkce/verify.js';
import { saveCliAuthorization } from '../../../src/emulator/sf-auth.js';
import { runsDir, RUN_RECORD_FORMAT, type RunRecord } from '../../../src/smoke/run-record.js';
import { useEmulator } from '../../helpers/emulator.js';
import { runJson } from '../../helpers/in-process.js';
import { privateDirs } from '../../rollout/helpers.js';
import { app, tokensFor } from '../../emulator/oauth/helpers.js';

describe('sf oauth pkce verify after a killed smoke run (in-process)', function () {
  this.timeout(120_000);
  const emu = useEmulator();

  it('revokes the approval the killed run left, says how many, and keeps older approvals', async () => {
    const emulator = emu();
    privateDirs();
    const alias = `crashed${Date.now()}`;
    const { username } = await saveCliAuthorization(emulator, alias);
    const admin = emulator.store.adminUser();
    const mobile = app(emulator, 'Acme_Mobile');
    const live = (): number => emulator.store.approvalsOf(admin.id, mobile.clientId, 'Acme Mobile').length;
    const older = live();
    // The killed run: it began Acme_Mobile's checks, made an approval, and died (its process is gone).
    const startedAt = new Date(Date.now() - 5000).toISOString();
    const left = await tokensFor(emulator, 'Acme_Mobile');
    expect(live()).to.equal(older + 1);
    const orgId = emulator.store.state.org.id;
    const record: RunRecord = {
      format: RUN_RECORD_FORMAT,
      id: 'killedrun001',
      orgId,
      user: { id: admin.id, username: admin.username },
      pid: 2 ** 22 + 12_345,
      host: hostname(),
      command: 'sf oauth rtr verify',
      startedAt,
      heartbeatAt: new Date().toISOString(),
      apps: [{ app: 'Acme_Mobile', appNames: ['Acme Mobile', 'Acme_Mobile'], startedAt }],
    };
    mkdirSync(runsDir(orgId), { recursive: true });
    writeFileSync(path.join(runsDir(orgId), `${record.id}.json`), JSON.stringify(record));

    const { json, stdout: out } = await runJson<{ status: number; warnings?: string[] }>(PkceVerify, [
      '-o',
      alias,
      '--app',
      'Acme_Mobile',
    ]);
    expect(json.status, out).to.equal(0);
    expect((json.warnings ?? []).join(' ')).to.include(
      '1 smoke run(s) that ended without cleaning up (killed) left 1 approval(s): 1 revoked.',
    );
    expect(live(), 'the left approval is revoked; older ones stay').to.equal(older);
    expect(readdirSync(runsDir(orgId)), 'both records are gone').to.deep.equal([]);
    expect(out).not.to.include(left.refresh_token);
    expect(username).to.be.a('string');
  });
});
