import { expect } from 'chai';
import JSZip from 'jszip';
import { ComponentStatus } from '@salesforce/source-deploy-retrieve';
import { useEmulator } from '../../helpers/emulator.js';
import { coreConnection } from '../../helpers/core.js';
import { retrieveRaw, retrieveSource } from './sdr.js';

describe('metadata retrieve (SDR over SOAP)', () => {
  const emu = useEmulator();

  it('retrieves every supported type with wildcards, and Settings by name', async () => {
    const conn = await coreConnection(emu());
    const types = [
      'ConnectedApp',
      'ExternalClientApplication',
      'ExtlClntAppGlobalOauthSettings',
      'ExtlClntAppOauthSettings',
      'ExtlClntAppOauthConfigurablePolicies',
      'ExtlClntAppConfigurablePolicies',
    ];
    const { result, files } = await retrieveSource(conn, [
      ...types.map((type) => ({ fullName: '*', type })),
      { fullName: 'OauthOidc', type: 'Settings' },
    ]);
    expect(result.response.status).to.equal('Succeeded');
    const store = emu().store;
    for (const type of types) {
      const unmanaged = store.components(type).filter((c) => c.manageableState !== 'installed');
      const retrieved = result.getFileResponses().filter((r) => r.type === type);
      expect(retrieved.map((r) => r.fullName).sort(), type).to.deep.equal(unmanaged.map((c) => c.fullName).sort());
    }
    // Managed-package components come back only when named.
    expect([...files.keys()].some((f) => f.includes('mcconn__'))).to.equal(false);
    const oidc = files.get('settings/OauthOidc.settings-meta.xml') ?? '';
    expect(oidc).to.match(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<OauthOidcSettings xmlns="http:\/\/soap.sforce.com\/2006\/04\/metadata">\n {4}</,
    );
    const global = [...files].find(([name]) => name.startsWith('extlClntAppGlobalOauthSets/'))?.[1] ?? '';
    const elements = [...global.matchAll(/^ {4}<(\w+)>/gm)].map((m) => m[1]);
    expect(elements).to.deep.equal([...elements].sort());
    expect(elements).to.include('consumerKey').and.not.include('consumerSecret');
  });

  it('retrieves a managed-package component named explicitly', async () => {
    const conn = await coreConnection(emu());
    const { files, result } = await retrieveSource(conn, [
      { fullName: 'mcconn__Marketing_Cloud_Connector', type: 'ConnectedApp' },
    ]);
    expect(result.response.status).to.equal('Succeeded');
    expect(files.has('connectedApps/mcconn__Marketing_Cloud_Connector.connectedApp-meta.xml')).to.equal(true);
    const props = [result.response.fileProperties]
      .flat()
      .find((p) => p.fullName === 'mcconn__Marketing_Cloud_Connector');
    expect(props).to.include({ namespacePrefix: 'mcconn', manageableState: 'installed' });
  });

  it('reports a member the org does not have', async () => {
    const conn = await coreConnection(emu());
    const { result } = await retrieveSource(conn, [
      { fullName: 'No_Such_App', type: 'ConnectedApp' },
      { fullName: 'Acme_Mobile', type: 'ConnectedApp' },
    ]);
    expect(result.response.status).to.equal('Succeeded');
    const messages = [result.response.messages ?? []].flat();
    expect(messages.map((m) => m.problem)).to.deep.equal([
      "Entity of type 'ConnectedApp' named 'No_Such_App' cannot be found",
    ]);
    const failed = result.getFileResponses().filter((r) => r.state === ComponentStatus.Failed);
    expect(failed).to.have.length(1);
    expect(failed[0]).to.include({ fullName: 'No_Such_App', type: 'ConnectedApp' });
  });

  it('refuses ECA OAuth settings without the consumer-secret permissions', async () => {
    emu().store.state.permissions.consumerSecretsViaMetadata = false;
    const conn = await coreConnection(emu());
    const { result, files } = await retrieveSource(conn, [
      { fullName: '*', type: 'ExtlClntAppGlobalOauthSettings' },
      { fullName: '*', type: 'ExternalClientApplication' },
    ]);
    const problems = [result.response.messages ?? []].flat().map((m) => m.problem);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include('Allow Access to OAuth Consumer Secrets via Metadata API');
    expect([...files.keys()].some((f) => f.startsWith('extlClntAppGlobalOauthSets/'))).to.equal(false);
    expect([...files.keys()].some((f) => f.startsWith('externalClientApps/'))).to.equal(true);
  });

  it('returns zip paths under unpackaged/, or at the root with singlePackage', async () => {
    const conn = await coreConnection(emu());
    const types = { ConnectedApp: ['Acme_Mobile'] };
    const nested = await retrieveRaw(conn, types);
    const nestedZip = await JSZip.loadAsync(nested.zipFile, { base64: true });
    expect(Object.keys(nestedZip.files).sort()).to.deep.equal([
      'unpackaged/connectedApps/Acme_Mobile.connectedApp',
      'unpackaged/package.xml',
    ]);
    const single = await retrieveRaw(conn, types, { singlePackage: true });
    const singleZip = await JSZip.loadAsync(single.zipFile, { base64: true });
    expect(Object.keys(singleZip.files).sort()).to.deep.equal([
      'connectedApps/Acme_Mobile.connectedApp',
      'package.xml',
    ]);
    const manifest = await singleZip.file('package.xml')?.async('string');
    expect(manifest).to.include('<members>Acme_Mobile</members>').and.include('<version>66.0</version>');
  });

  it('drops elements newer than the requested API version', async () => {
    const conn = await coreConnection(emu());
    const res = await retrieveRaw(conn, { ConnectedApp: ['Acme_Mobile'] }, { version: '59.0', singlePackage: true });
    const file = await (
      await JSZip.loadAsync(res.zipFile, { base64: true })
    )
      .file('connectedApps/Acme_Mobile.connectedApp')
      ?.async('string');
    expect(file).to.include('<isPkceRequired>').and.not.include('isRefreshTokenRotationEnabled');
  });
});
