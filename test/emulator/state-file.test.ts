import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { OrgEmulator } from '../../src/emulator/server.js';
import { StateFileError } from '../../src/emulator/store/persist.js';

describe('emulator state file', () => {
  const dir = (): string => mkdtempSync(path.join(tmpdir(), 'sf-oauth-state-'));

  it('keeps the org, its tokens and its metadata across a restart', async () => {
    const file = path.join(dir(), 'org.json');
    const first = await OrgEmulator.start({ stateFile: file });
    const { accessToken, refreshToken } = first.authorizeCli();
    const orgId = first.store.state.org.id;
    const admin = first.store.adminUser();
    first.store.putComponent('ConnectedApp', 'Restart_Check', { label: 'Restart check' }, admin.id);
    await first.stop();

    const second = await OrgEmulator.start({ stateFile: file });
    try {
      expect(second.store.state.org.id).to.equal(orgId);
      expect(second.store.component('ConnectedApp', 'Restart_Check')?.value.label).to.equal('Restart check');
      expect(second.store.accessToken(accessToken)?.userId).to.equal(admin.id);
      expect(second.store.findRefreshToken(refreshToken)?.current).to.equal(true);
      const res = await fetch(`${second.url}/services/oauth2/userinfo`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(res.status).to.equal(200);
    } finally {
      await second.stop();
    }
  });

  it('writes the file privately and never stores a raw token or consumer secret', async () => {
    const file = path.join(dir(), 'org.json');
    const emulator = await OrgEmulator.start({ stateFile: file });
    const { accessToken, refreshToken } = emulator.authorizeCli();
    const secret = emulator.consumerSecret('Billing_Integration') as string;
    await emulator.stop();
    const content = readFileSync(file, 'utf8');
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(secret).to.have.length.greaterThan(20);
    for (const planted of [accessToken, refreshToken, secret]) expect(content).not.to.include(planted);
  });

  it('refuses a file that is not a state file, and leaves it untouched', async () => {
    const file = path.join(dir(), 'org.json');
    writeFileSync(file, '{"hello": "world"}');
    let error: unknown;
    try {
      await OrgEmulator.start({ stateFile: file });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(StateFileError);
    expect(readFileSync(file, 'utf8')).to.equal('{"hello": "world"}');
  });
});
