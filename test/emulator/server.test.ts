import { expect } from 'chai';
import { useEmulator } from '../helpers/emulator.js';

describe('emulator server', () => {
  const emu = useEmulator();

  it('listens on 127.0.0.1 and lists API versions', async () => {
    expect(emu().url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${emu().url}/services/data`);
    expect(res.status).to.equal(200);
    const versions = (await res.json()) as Array<{ version: string; url: string }>;
    expect(versions.at(-1)).to.deep.include({ version: '66.0', url: '/services/data/v66.0' });
  });

  it('serves paths that jsforce sends with a doubled slash', async () => {
    const res = await fetch(`${emu().url}//services/data`);
    expect(res.status).to.equal(200);
  });

  it('answers unknown paths with a Salesforce-style 404', async () => {
    const res = await fetch(`${emu().url}/services/nothing`);
    expect(res.status).to.equal(404);
    expect(await res.json()).to.deep.equal([
      { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
    ]);
  });

  it('applies injected faults a limited number of times', async () => {
    emu().faults.add({ match: { path: '/services/data' }, action: { kind: 'http', status: 503 }, times: 1 });
    expect((await fetch(`${emu().url}/services/data`)).status).to.equal(503);
    expect((await fetch(`${emu().url}/services/data`)).status).to.equal(200);
  });

  it('drops connections when asked', async () => {
    emu().faults.add({ match: { path: '/services/data' }, action: { kind: 'drop' }, times: 1 });
    let error: unknown;
    try {
      await fetch(`${emu().url}/services/data`);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(Error);
  });

  it('seeds the default org with a dozen OAuth clients', () => {
    const store = emu().store;
    const apps = store.components('ConnectedApp').length + store.components('ExternalClientApplication').length;
    expect(apps).to.be.greaterThanOrEqual(12);
    expect(store.adminUser().profileName).to.equal('System Administrator');
  });
});

describe('emulator with @salesforce/core', () => {
  const emu = useEmulator();

  it('accepts an access-token login and answers identity calls', async () => {
    const { coreConnection } = await import('../helpers/core.js');
    const conn = await coreConnection(emu());
    const identity = await conn.identity();
    expect(identity.username).to.equal(emu().store.adminUser().username);
    expect(identity.organization_id).to.equal(emu().store.state.org.id);
  });
});
