import { expect } from 'chai';
import JSZip from 'jszip';
import { useEmulator } from '../../helpers/emulator.js';
import { coreConnection } from '../../helpers/core.js';
import { deploySource, project, readRaw, retrieveRaw, xml } from './sdr.js';

/** A raw SOAP call, to check the exact envelope a client receives. */
async function soap(
  url: string,
  token: string,
  operation: string,
  body = '',
): Promise<{ status: number; text: string }> {
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
    `<soapenv:Header><SessionHeader xmlns="http://soap.sforce.com/2006/04/metadata"><sessionId>${token}</sessionId></SessionHeader></soapenv:Header>` +
    `<soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata"><${operation}>${body}</${operation}></soapenv:Body></soapenv:Envelope>`;
  const res = await fetch(`${url}/services/Soap/m/66.0`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml', soapaction: '""' },
    body: envelope,
  });
  return { status: res.status, text: await res.text() };
}

describe('metadata SOAP operations', () => {
  const emu = useEmulator();

  it('describes the supported types', async () => {
    const conn = await coreConnection(emu());
    const describe = await conn.metadata.describe();
    const byName = Object.fromEntries(describe.metadataObjects.map((o) => [o.xmlName, o]));
    expect(byName.ExtlClntAppGlobalOauthSettings).to.deep.include({
      directoryName: 'extlClntAppGlobalOauthSets',
      suffix: 'ecaGlblOauth',
      inFolder: false,
      metaFile: false,
    });
    expect(byName.ConnectedApp).to.deep.include({ directoryName: 'connectedApps', suffix: 'connectedApp' });
    expect(byName.Settings).to.deep.include({ directoryName: 'settings', suffix: 'settings' });
    expect(describe).to.include({ partialSaveAllowed: true, testRequired: false });
  });

  it('lists components with namespace and manageable state, and Settings members', async () => {
    const conn = await coreConnection(emu());
    const apps = await conn.metadata.list([{ type: 'ConnectedApp' }, { type: 'Settings' }]);
    const managed = apps.find((p) => p.fullName === 'mcconn__Marketing_Cloud_Connector');
    expect(managed).to.include({
      type: 'ConnectedApp',
      namespacePrefix: 'mcconn',
      manageableState: 'installed',
      fileName: 'connectedApps/mcconn__Marketing_Cloud_Connector.connectedApp',
    });
    expect(apps.find((p) => p.fullName === 'Acme_Mobile')).to.include({
      manageableState: 'unmanaged',
      createdByName: 'Ada Admin',
    });
    const settings = apps.filter((p) => p.type === 'Settings').map((p) => p.fullName);
    expect(settings).to.have.members(['OauthOidc', 'ExternalClientApp']);
    expect(await conn.metadata.list({ type: 'NoSuchType' })).to.deep.equal([]);
  });

  it('reads components with defaults and without write-only fields', async () => {
    const conn = await coreConnection(emu());
    const [app, missing] = await readRaw(conn, 'ConnectedApp', ['Acme_Mobile', 'No_Such_App']);
    expect(app.fullName).to.equal('Acme_Mobile');
    const config = app.oauthConfig as Record<string, unknown>;
    expect(String(config.isPkceRequired)).to.equal('true');
    expect(String(config.isAdminApproved)).to.equal('false');
    expect(config).to.not.have.property('consumerSecret');
    expect(missing.fullName ?? null).to.equal(null);
    const [oidc] = await readRaw(conn, 'Settings', ['OauthOidc']);
    expect(oidc.fullName).to.equal('OauthOidc');
    expect(oidc).to.have.property('isPkceRequired');
  });

  it('answers a bad session with INVALID_SESSION_ID', async () => {
    const res = await soap(emu().url, 'not-a-token', 'listMetadata', '<queries><type>ConnectedApp</type></queries>');
    expect(res.status).to.equal(500);
    expect(res.text).to.match(/<faultcode>[a-zA-Z]+:INVALID_SESSION_ID<\/faultcode>/);
    expect(res.text).to.include(
      '<faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring>',
    );
  });

  it('fails a jsforce call when the session is bad', async () => {
    const conn = await coreConnection(emu());
    emu().store.expireAllAccessTokens();
    let error: Error | undefined;
    try {
      await conn.metadata.list({ type: 'ConnectedApp' });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.equal('INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session');
  });

  it('applies an injected SOAP fault and counts calls per operation', async () => {
    const conn = await coreConnection(emu());
    emu().faults.add({
      match: { soapOperation: 'listMetadata' },
      action: { kind: 'soapFault', code: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' },
      times: 1,
    });
    let error: (Error & { errorCode?: string }) | undefined;
    try {
      await conn.metadata.list({ type: 'ConnectedApp' });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.include('TotalRequests Limit exceeded.');
    expect(error?.errorCode).to.equal('sf:REQUEST_LIMIT_EXCEEDED');
    expect(await conn.metadata.list({ type: 'ConnectedApp' })).to.not.be.empty;
    expect(emu().stats.byKind['soap:listMetadata']).to.equal(2);
  });

  it('answers an unknown async id with a fault', async () => {
    const token = emu().accessTokenFor();
    const res = await soap(
      emu().url,
      token,
      'checkDeployStatus',
      '<asyncProcessId>0Af000000000999AAA</asyncProcessId>',
    );
    expect(res.status).to.equal(500);
    expect(res.text).to.include('INVALID_CROSS_REFERENCE_KEY');
  });

  it('never returns a planted consumer secret', async () => {
    const conn = await coreConnection(emu());
    const secret = 'PLANTED_SECRET_b81c55e09a4f2d';
    const secret2 = 'PLANTED_SECRET_ECA_77d0c3f1e2';
    const files = {
      'connectedApps/Planted_App': xml(
        'ConnectedApp',
        `<label>Planted</label><oauthConfig><callbackUrl>https://x.example.com/cb</callbackUrl><consumerSecret>${secret}</consumerSecret><scopes>Api</scopes></oauthConfig>`,
      ),
      'externalClientApps/Planted_Eca': xml(
        'ExternalClientApplication',
        '<distributionState>Local</distributionState><label>Planted</label>',
      ),
      'extlClntAppGlobalOauthSets/Planted_Eca_glbloauth': xml(
        'ExtlClntAppGlobalOauthSettings',
        `<callbackUrl>https://x.example.com/cb</callbackUrl><consumerSecret>${secret2}</consumerSecret><externalClientApplication>Planted_Eca</externalClientApplication><label>P</label>`,
      ),
    };
    const deployed = await deploySource(conn, project(files));
    expect(deployed.response.status).to.equal('Succeeded');
    const seen: string[] = [JSON.stringify(deployed.response)];
    const retrieved = await retrieveRaw(conn, { ConnectedApp: ['*'], ExtlClntAppGlobalOauthSettings: ['*'] });
    const zip = await JSZip.loadAsync(retrieved.zipFile, { base64: true });
    for (const file of Object.values(zip.files)) seen.push(await file.async('string'));
    seen.push(JSON.stringify(await readRaw(conn, 'ConnectedApp', ['Planted_App'])));
    seen.push(JSON.stringify(await readRaw(conn, 'ExtlClntAppGlobalOauthSettings', ['Planted_Eca_glbloauth'])));
    seen.push(
      JSON.stringify(await conn.metadata.list([{ type: 'ConnectedApp' }, { type: 'ExtlClntAppGlobalOauthSettings' }])),
    );
    seen.push(JSON.stringify(emu().store.state));
    for (const text of seen) {
      expect(text).to.not.include(secret);
      expect(text).to.not.include(secret2);
    }
    expect(seen.join('')).to.include('Planted_Eca_glbloauth');
  });
});
