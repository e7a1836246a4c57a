import { expect } from 'chai';
import { ComponentStatus } from '@salesforce/source-deploy-retrieve';
import { useEmulator } from '../../helpers/emulator.js';
import { coreConnection } from '../../helpers/core.js';
import { oauthClient, orgOauthSettings } from '../../../src/emulator/clients.js';
import { consumerKeyFor } from '../../../src/emulator/seed/build.js';
import { deploySource, POLL, project, retrieveSource, xml } from './sdr.js';

const ca = (
  body: string,
  oauth = '<callbackUrl>https://app.example.com/cb</callbackUrl><scopes>Api</scopes>',
): string =>
  xml(
    'ConnectedApp',
    `<contactEmail>dev@example.com</contactEmail><label>Test App</label><oauthConfig>${oauth}${body}</oauthConfig>`,
  );

const ecaFiles = (app: string, global = '<isPkceRequired>true</isPkceRequired>'): Record<string, string> => ({
  [`externalClientApps/${app}`]: xml(
    'ExternalClientApplication',
    `<contactEmail>dev@example.com</contactEmail><distributionState>Local</distributionState><isProtected>false</isProtected><label>${app}</label>`,
  ),
  [`extlClntAppGlobalOauthSets/${app}_glbloauth`]: xml(
    'ExtlClntAppGlobalOauthSettings',
    `<callbackUrl>https://eca.example.com/cb</callbackUrl><externalClientApplication>${app}</externalClientApplication><label>${app}</label>${global}`,
  ),
  [`extlClntAppOauthSettings/${app}_oauth`]: xml(
    'ExtlClntAppOauthSettings',
    `<commaSeparatedOauthScopes>Api, RefreshToken</commaSeparatedOauthScopes><externalClientApplication>${app}</externalClientApplication><label>${app}</label>`,
  ),
});

describe('metadata deploy (SDR over SOAP)', () => {
  const emu = useEmulator();

  it('creates a Connected App with a generated consumer key and applies it to OAuth at once', async () => {
    const conn = await coreConnection(emu());
    const result = await deploySource(
      conn,
      project({
        'connectedApps/New_App': ca(
          '<isPkceRequired>true</isPkceRequired><isRefreshTokenRotationEnabled>true</isRefreshTokenRotationEnabled>',
        ),
      }),
    );
    expect(result.response.status).to.equal('Succeeded');
    expect(result.getFileResponses()).to.have.length(1);
    expect(result.getFileResponses()[0]).to.include({ fullName: 'New_App', type: 'ConnectedApp', state: 'Created' });
    const key = consumerKeyFor(emu().store.state.org.name, 'New_App');
    const client = oauthClient(emu().store, key);
    expect(client).to.include({ appName: 'New_App', pkceRequired: true, rotationEnabled: true });
  });

  it('resets an omitted element to its default (declarative deploy)', async () => {
    const conn = await coreConnection(emu());
    await deploySource(conn, project({ 'connectedApps/Reset_App': ca('<isPkceRequired>true</isPkceRequired>') }));
    const key = consumerKeyFor(emu().store.state.org.name, 'Reset_App');
    expect(oauthClient(emu().store, key)?.pkceRequired).to.equal(true);
    const again = await deploySource(conn, project({ 'connectedApps/Reset_App': ca('') }));
    expect(again.response.success).to.equal(true);
    expect(again.getFileResponses()[0].state).to.equal('Changed');
    expect(oauthClient(emu().store, key)?.pkceRequired).to.equal(false);
    const { files } = await retrieveSource(conn, [{ fullName: 'Reset_App', type: 'ConnectedApp' }]);
    const file = files.get('connectedApps/Reset_App.connectedApp-meta.xml') ?? '';
    expect(file).to.include('<isPkceRequired>false</isPkceRequired>');
    expect(file).to.include(`<consumerKey>${key}</consumerKey>`);
  });

  it('switches PKCE and rotation of a seeded External Client App through its global OAuth settings', async () => {
    const conn = await coreConnection(emu());
    const key = consumerKeyFor(emu().store.state.org.name, 'Field_Service_App');
    const before = oauthClient(emu().store, key);
    expect(before, 'seeded ECA').to.not.equal(undefined);
    const global = emu()
      .store.components('ExtlClntAppGlobalOauthSettings')
      .find((c) => c.value.externalClientApplication === 'Field_Service_App');
    const name = global?.fullName ?? '';
    const files = {
      [`extlClntAppGlobalOauthSets/${name}`]: xml(
        'ExtlClntAppGlobalOauthSettings',
        '<callbackUrl>https://fs.example.com/cb</callbackUrl><externalClientApplication>Field_Service_App</externalClientApplication>' +
          `<isPkceRequired>${String(!before?.pkceRequired)}</isPkceRequired><isRefreshTokenRotationEnabled>${String(!before?.rotationEnabled)}</isRefreshTokenRotationEnabled><label>FS</label>`,
      ),
    };
    const result = await deploySource(conn, project(files));
    expect(result.response.status).to.equal('Succeeded');
    const after = oauthClient(emu().store, key);
    expect(after?.pkceRequired).to.equal(!before?.pkceRequired);
    expect(after?.rotationEnabled).to.equal(!before?.rotationEnabled);
  });

  it('deploys a new External Client App and generates its policies', async () => {
    const conn = await coreConnection(emu());
    const result = await deploySource(conn, project(ecaFiles('My_Eca')));
    expect(result.response.status, JSON.stringify(result.response.details)).to.equal('Succeeded');
    expect(result.response.numberComponentsDeployed).to.equal(3);
    const store = emu().store;
    expect(store.component('ExtlClntAppOauthConfigurablePolicies', 'My_Eca_oauthPlcy')?.value).to.include({
      externalClientApplication: 'My_Eca',
      permittedUsersPolicyType: 'AllSelfAuthorized',
    });
    expect(store.component('ExtlClntAppConfigurablePolicies', 'My_Eca_plcy')?.value).to.include({
      isEnabled: 'true',
      isOauthPluginEnabled: 'true',
    });
    const client = oauthClient(store, consumerKeyFor(store.state.org.name, 'My_Eca'));
    expect(client).to.include({ kind: 'ExternalClientApplication', pkceRequired: true, enabled: true });
    expect(client?.scopes).to.include.members(['api', 'refresh_token']);
  });

  it('merges OauthOidc settings: only the elements sent change', async () => {
    const conn = await coreConnection(emu());
    const before = orgOauthSettings(emu().store);
    const result = await deploySource(
      conn,
      project({
        'settings/OauthOidc': xml(
          'OauthOidcSettings',
          `<isPkceRequired>${String(!before.pkceRequired)}</isPkceRequired>`,
        ),
      }),
    );
    expect(result.response.status).to.equal('Succeeded');
    expect(result.getFileResponses()[0]).to.include({ type: 'Settings', fullName: 'OauthOidc' });
    const after = orgOauthSettings(emu().store);
    expect(after).to.deep.equal({ ...before, pkceRequired: !before.pkceRequired });
  });

  it('rejects an element outside the schema with the exact Salesforce message', async () => {
    const conn = await coreConnection(emu());
    const result = await deploySource(
      conn,
      project({ 'connectedApps/Bad_App': ca('<refreshTokenRotation>true</refreshTokenRotation>') }),
    );
    expect(result.response.status).to.equal('Failed');
    const failure = result.getFileResponses()[0];
    expect(failure).to.include({ state: 'Failed', fullName: 'Bad_App', problemType: 'Error' });
    expect((failure as { error: string }).error).to.include(
      'Element {http://soap.sforce.com/2006/04/metadata}refreshTokenRotation invalid at this location in type ConnectedAppOauthConfig',
    );
    expect(emu().store.component('ConnectedApp', 'Bad_App')).to.equal(undefined);
  });

  it('rejects an element the package version does not know yet', async () => {
    const conn = await coreConnection(emu());
    const dir = project(ecaFiles('Old_Eca', '<isCodeCredFlowEnabled>true</isCodeCredFlowEnabled>'));
    const { ComponentSet } = await import('@salesforce/source-deploy-retrieve');
    const cs = ComponentSet.fromSource(`${dir}/force-app`);
    cs.sourceApiVersion = '60.0';
    const result = await (await cs.deploy({ usernameOrConnection: conn })).pollStatus(POLL);
    expect(result.response.status).to.equal('Failed');
    const errors = result.getFileResponses().map((r) => ('error' in r ? r.error : ''));
    expect(errors).to.include(
      'Element {http://soap.sforce.com/2006/04/metadata}isCodeCredFlowEnabled invalid at this location in type ExtlClntAppGlobalOauthSettings',
    );
  });

  it('rejects an invalid enum value', async () => {
    const conn = await coreConnection(emu());
    const files = {
      ...ecaFiles('Enum_Eca'),
      'extlClntAppOauthPolicies/Enum_Eca_oauthPlcy': xml(
        'ExtlClntAppOauthConfigurablePolicies',
        '<externalClientApplication>Enum_Eca</externalClientApplication><label>x</label><permittedUsersPolicyType>AdminApproved</permittedUsersPolicyType>',
      ),
    };
    const result = await deploySource(conn, project(files));
    expect(result.response.status).to.equal('Failed');
    const failure = result.getFileResponses().find((r) => r.state === ComponentStatus.Failed) as {
      error: string;
      fullName: string;
    };
    expect(failure.fullName).to.equal('Enum_Eca_oauthPlcy');
    expect(failure.error).to.equal("'AdminApproved' is not a valid value for the enum 'PermittedUsersPolicyType'");
    // rollbackOnError (the default): the valid components were not applied either.
    expect(emu().store.component('ExternalClientApplication', 'Enum_Eca')).to.equal(undefined);
  });

  it('keeps the successes with rollbackOnError=false (SucceededPartial)', async () => {
    const conn = await coreConnection(emu());
    const files = {
      'connectedApps/Good_App': ca(''),
      'connectedApps/Broken_App': ca('<isPkceRequired>maybe</isPkceRequired>'),
    };
    const result = await deploySource(conn, project(files), { rollbackOnError: false });
    expect(result.response.status).to.equal('SucceededPartial');
    expect(result.response.numberComponentErrors).to.equal(1);
    expect(result.response.numberComponentsDeployed).to.equal(1);
    expect(emu().store.component('ConnectedApp', 'Good_App')).to.not.equal(undefined);
    expect(emu().store.component('ConnectedApp', 'Broken_App')).to.equal(undefined);
  });

  it('validates only with checkOnly', async () => {
    const conn = await coreConnection(emu());
    const result = await deploySource(conn, project({ 'connectedApps/Check_App': ca('') }), { checkOnly: true });
    expect(result.response).to.include({ status: 'Succeeded', checkOnly: true, success: true });
    expect(emu().store.component('ConnectedApp', 'Check_App')).to.equal(undefined);
  });

  it('refuses to change a managed-package component', async () => {
    const conn = await coreConnection(emu());
    const result = await deploySource(
      conn,
      project({ 'connectedApps/mcconn__Marketing_Cloud_Connector': ca('<isPkceRequired>true</isPkceRequired>') }),
    );
    expect(result.response.status).to.equal('Failed');
    const failure = result.getFileResponses()[0] as { error: string };
    expect(failure.error).to.include('mcconn').and.include('state=installed');
    expect(
      emu().store.component('ConnectedApp', 'mcconn__Marketing_Cloud_Connector')?.value.oauthConfig,
    ).to.not.deep.include({ isPkceRequired: 'true' });
  });

  it('refuses a consumer key another app holds, and a changed key', async () => {
    const conn = await coreConnection(emu());
    const taken = consumerKeyFor(emu().store.state.org.name, 'Acme_Mobile');
    const dup = await deploySource(
      conn,
      project({ 'connectedApps/Dup_App': ca(`<consumerKey>${taken}</consumerKey>`) }),
    );
    expect((dup.getFileResponses()[0] as { error: string }).error).to.equal('The consumer key is already taken');
    const changed = await deploySource(
      conn,
      project({ 'connectedApps/Acme_Mobile': ca('<consumerKey>3MVG9DIFFERENTKEY</consumerKey>') }),
    );
    expect(changed.response.status).to.equal('Failed');
    expect(oauthClient(emu().store, taken)?.appName).to.equal('Acme_Mobile');
  });

  it('keeps the existing consumer key when an update omits it', async () => {
    const conn = await coreConnection(emu());
    const key = consumerKeyFor(emu().store.state.org.name, 'Acme_Mobile');
    const result = await deploySource(
      conn,
      project({ 'connectedApps/Acme_Mobile': ca('<isPkceRequired>false</isPkceRequired>') }),
    );
    expect(result.response.status).to.equal('Succeeded');
    expect(oauthClient(emu().store, key)?.pkceRequired).to.equal(false);
  });

  it('accepts a consumer secret, stores only its hash, and never echoes it', async () => {
    const conn = await coreConnection(emu());
    const secret = 'PLANTED_SECRET_7f3a9c2e41d8b6';
    const result = await deploySource(
      conn,
      project({
        'connectedApps/Secret_App': ca(
          `<consumerKey>3MVG9PLANTEDKEY0001</consumerKey><consumerSecret>${secret}</consumerSecret>`,
        ),
      }),
    );
    expect(result.response.status).to.equal('Succeeded');
    expect(JSON.stringify(result.response)).to.not.include(secret);
    expect(emu().store.checkConsumerSecret('3MVG9PLANTEDKEY0001', secret)).to.equal(true);
    expect(JSON.stringify(emu().store.state)).to.not.include(secret);
    // An update without the secret keeps it.
    await deploySource(conn, project({ 'connectedApps/Secret_App': ca('') }));
    expect(emu().store.checkConsumerSecret('3MVG9PLANTEDKEY0001', secret)).to.equal(true);
  });

  it('needs the consumer-secret permissions for ECA OAuth settings', async () => {
    const conn = await coreConnection(emu());
    emu().store.state.permissions.consumerSecretsViaMetadata = false;
    const result = await deploySource(conn, project(ecaFiles('Perm_Eca')));
    expect(result.response.status).to.equal('Failed');
    const errors = result.getFileResponses().map((r) => ('error' in r ? r.error : ''));
    const message = errors.find((e) => e.includes('ExtlClntAppGlobalOauthSettings')) ?? '';
    expect(message).to.include('Allow Access to OAuth Consumer Secrets via Metadata API');
    expect(message).to.include('View External Client Apps Consumer Secrets in Metadata');
  });

  it('requires ECA sub-components to name an existing app', async () => {
    const conn = await coreConnection(emu());
    const files = {
      'extlClntAppPolicies/Ghost_plcy': xml(
        'ExtlClntAppConfigurablePolicies',
        '<externalClientApplication>Ghost</externalClientApplication><isEnabled>true</isEnabled><label>Ghost</label>',
      ),
    };
    const result = await deploySource(conn, project(files));
    expect(result.response.status).to.equal('Failed');
    expect((result.getFileResponses()[0] as { error: string }).error).to.include('Ghost');
  });

  it('fails a deploy with an injected fault and applies nothing', async () => {
    const conn = await coreConnection(emu());
    emu().faults.failDeploys({ outcome: 'fail', message: 'Injected: the org is locked', times: 1 });
    const result = await deploySource(conn, project({ 'connectedApps/Fault_App': ca('') }));
    expect(result.response.status).to.equal('Failed');
    expect((result.getFileResponses()[0] as { error: string }).error).to.equal('Injected: the org is locked');
    expect(emu().store.component('ConnectedApp', 'Fault_App')).to.equal(undefined);
  });

  it('keeps a hanging deploy in progress until it is cancelled', async () => {
    const conn = await coreConnection(emu());
    emu().faults.failDeploys({ outcome: 'hang', times: 1 });
    const { ComponentSet } = await import('@salesforce/source-deploy-retrieve');
    const dir = project({ 'connectedApps/Hang_App': ca('') });
    const deploy = await ComponentSet.fromSource(`${dir}/force-app`).deploy({ usernameOrConnection: conn });
    const status = await conn.metadata.checkDeployStatus(deploy.id ?? '', true);
    expect(status).to.include({ done: false, status: 'InProgress' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await conn.metadata.checkDeployStatus(deploy.id ?? '', true)).done).to.equal(false);
    await deploy.cancel();
    const canceled = await conn.metadata.checkDeployStatus(deploy.id ?? '', true);
    expect(canceled).to.include({ done: true, status: 'Canceled', success: false });
    expect(emu().store.component('ConnectedApp', 'Hang_App')).to.equal(undefined);
  });

  it('completes after the modelled latency, from Queued through InProgress', async () => {
    const store = emu().store;
    emu().latency.asyncJobMs = 150;
    const conn = await coreConnection(emu());
    const { ComponentSet } = await import('@salesforce/source-deploy-retrieve');
    const dir = project({ 'connectedApps/Slow_App': ca('') });
    const deploy = await ComponentSet.fromSource(`${dir}/force-app`).deploy({ usernameOrConnection: conn });
    const first = await conn.metadata.checkDeployStatus(deploy.id ?? '', true);
    expect(first).to.include({ done: false, status: 'InProgress' });
    expect(store.component('ConnectedApp', 'Slow_App')).to.equal(undefined);
    // The timer applies the deploy at its due time even without a poll.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(store.component('ConnectedApp', 'Slow_App')).to.not.equal(undefined);
    expect((await conn.metadata.checkDeployStatus(deploy.id ?? '', true)).status).to.equal('Succeeded');
  });

  it('deletes components listed in destructiveChanges.xml', async () => {
    const conn = await coreConnection(emu());
    const { ComponentSet, DestructiveChangesType } = await import('@salesforce/source-deploy-retrieve');
    const cs = new ComponentSet();
    cs.add(
      {
        fullName: 'Data_Loader_Legacy',
        type: {
          id: 'connectedapp',
          name: 'ConnectedApp',
          directoryName: 'connectedApps',
          suffix: 'connectedApp',
          inFolder: false,
        },
      },
      DestructiveChangesType.POST,
    );
    const manifest = await cs.getPackageXml();
    const destructive = await cs.getPackageXml(4, DestructiveChangesType.POST);
    const JSZip = (await import('jszip')).default;
    const zip = new JSZip();
    zip.file('package.xml', manifest);
    zip.file('destructiveChangesPost.xml', destructive);
    const buffer = await zip.generateAsync({ type: 'nodebuffer' });
    const key = consumerKeyFor(emu().store.state.org.name, 'Data_Loader_Legacy');
    expect(oauthClient(emu().store, key)).to.not.equal(undefined);
    conn.metadata.pollInterval = 20;
    const result = await conn.metadata.deploy(buffer, { rollbackOnError: true, singlePackage: true }).complete(true);
    expect(result.status, JSON.stringify(result.details)).to.equal('Succeeded');
    expect(emu().store.component('ConnectedApp', 'Data_Loader_Legacy')).to.equal(undefined);
    expect(oauthClient(emu().store, key)).to.equal(undefined);
  });

  it('reads a zip wrapped in unpackaged/ and fails files of unsupported types', async () => {
    const conn = await coreConnection(emu());
    const JSZip = (await import('jszip')).default;
    const zip = new JSZip();
    zip.file(
      'unpackaged/package.xml',
      xml(
        'Package',
        '<types><members>Wrapped_App</members><name>ConnectedApp</name></types><types><members>Foo</members><name>ApexClass</name></types><version>66.0</version>',
      ),
    );
    zip.file('unpackaged/connectedApps/Wrapped_App.connectedApp', ca(''));
    zip.file('unpackaged/classes/Foo.cls', 'public class Foo {}');
    conn.metadata.pollInterval = 20;
    const buffer = await zip.generateAsync({ type: 'nodebuffer' });
    const result = await conn.metadata.deploy(buffer, { rollbackOnError: false }).complete(true);
    expect(result.status).to.equal('SucceededPartial');
    const successes = [result.details?.componentSuccesses ?? []].flat();
    expect(successes.map((m) => m.fileName)).to.have.members([
      'unpackaged/package.xml',
      'unpackaged/connectedApps/Wrapped_App.connectedApp',
    ]);
    const problems = [result.details?.componentFailures ?? []].flat().map((m) => m.problem);
    expect(problems).to.include("Unknown type name 'ApexClass' specified in package.xml");
    expect(problems.some((p) => p?.includes('unpackaged/classes/Foo.cls'))).to.equal(true);
    expect(emu().store.component('ConnectedApp', 'Wrapped_App')).to.not.equal(undefined);
  });
});
