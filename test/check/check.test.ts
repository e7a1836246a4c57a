/*
 * The org checks (src/check) against a real emulator on loopback, through a real @salesforce/core Connection: the
 * checklist under every behaviour option value, and the cases that must fail or warn (no approval headroom, a refused
 * OauthToken query, a user without deploy permissions, unreadable ECA settings, an invalid session).
 */
import { expect } from 'chai';
import type { Connection } from '@salesforce/core';
import { BEHAVIOUR_OPTIONS, behaviourVariants, type BehaviourName } from '../../src/emulator/behaviours.js';
import { consumerKeyFor } from '../../src/emulator/seed/build.js';
import { checkOrg, blockingChecks, SessionInvalidError } from '../../src/check/run.js';
import type { CheckItem, OrgCheckResult } from '../../src/check/model.js';
import { startEmulator, useEmulator } from '../helpers/emulator.js';
import { coreConnection } from '../helpers/core.js';

const ORG_WIDE = [
  'access.api-version',
  'access.metadata-read',
  'access.metadata-deploy',
  'access.oauth-token',
  'access.tooling-api',
  'access.eca-global-settings',
  'answers.browser-session',
  'answers.usage-queries',
  'answers.org-oauth-settings',
];

const run = (conn: Connection, extra: Partial<Parameters<typeof checkOrg>[1]> = {}): Promise<OrgCheckResult> =>
  checkOrg(conn, { accessToken: () => Promise.resolve(conn.accessToken ?? ''), env: {}, ...extra });
const byId = (r: OrgCheckResult, id: string, app?: string): CheckItem | undefined =>
  r.checks.find((c) => c.id === id && c.app === app);
const statuses = (r: OrgCheckResult, id: string): Record<string, string> =>
  Object.fromEntries(r.checks.filter((c) => c.id === id).map((c) => [c.app ?? '', c.status]));

describe('org check: the checklist under every behaviour option value', function () {
  this.timeout(180_000);
  const names = Object.keys(BEHAVIOUR_OPTIONS) as BehaviourName[];
  for (const variant of behaviourVariants(names)) {
    it(`gives the expected checklist with ${variant.label}`, async () => {
      const emulator = await startEmulator({ behaviours: variant.behaviours });
      try {
        const result = await run(await coreConnection(emulator));
        // Every org-wide check passes: the plugin can do its job in the emulator's org whatever the option.
        for (const id of ORG_WIDE)
          expect(byId(result, id)?.status, `${id}: ${byId(result, id)?.detail}`).to.equal('pass');
        expect(byId(result, 'access.oauth-token')?.detail).to.include(
          variant.behaviours.oauthTokenId === 'id' ? 'Ids returned' : 'Ids null',
        );
        expect(byId(result, 'answers.browser-session')?.detail).to.include('singleaccess');

        // Per app: scope and reasons, ownership, consent, secrets, live traffic.
        expect(byId(result, 'app.scope', 'CI_JWT_Deployer')?.detail).to.equal(
          'Not in scope: no authorization code flow.',
        );
        expect(byId(result, 'app.owner', 'mcconn__Marketing_Cloud_Connector')).to.include({ status: 'warn' });
        expect(byId(result, 'app.owner', 'mcconn__Marketing_Cloud_Connector')?.detail).to.include('Northwind Software');
        expect(byId(result, 'app.headroom', 'Partner_Portal_Sync')?.detail).to.include('holds 1 of 5');
        expect(byId(result, 'app.consent', 'Billing_Integration')).to.include({ status: 'warn' });
        expect(byId(result, 'app.consent', 'Data_Loader_Legacy')).to.include({ status: 'pass' });
        expect(byId(result, 'app.secret', 'Partner_Portal_Sync')).to.include({ status: 'warn' });
        expect(byId(result, 'app.other-traffic', 'Partner_Portal_Sync')).to.include({ status: 'warn' });
        expect(byId(result, 'app.other-traffic', 'Field_Service_App')).to.include({ status: 'pass' });
        expect(byId(result, 'app.deploy-fields', 'Partner_Portal_Sync')?.detail).to.include('without its consumer key');

        // ECA certificates: only when the org neither returns the certificate nor answers the certificate field can a
        // deploy not be proven harmless, and then every in-scope ECA fails, naming the manual path.
        const ecaDeploys = Object.entries(statuses(result, 'app.deploy-fields')).filter(([app]) =>
          ['Field_Service_App', 'Support_Console', 'Community_Headless_Login'].includes(app),
        );
        expect(ecaDeploys.length).to.equal(3);
        const unprovable = variant.behaviours.ecaCertificateField === 'absent';
        for (const [app, status] of ecaDeploys) expect(status, app).to.equal(unprovable ? 'fail' : 'pass');
        if (unprovable)
          expect(byId(result, 'app.deploy-fields', 'Field_Service_App')?.detail).to.include(
            'External Client App Manager',
          );
        expect(result.passed).to.equal(!unprovable);
      } finally {
        await emulator.stop();
      }
    });
  }
});

describe('org check: what fails and what warns', function () {
  this.timeout(60_000);
  const emu = useEmulator();

  it('fails the headroom of an app the smoke user holds five approvals for, warns at four', async () => {
    const store = emu().store;
    const admin = store.adminUser();
    const key = (app: string): string => consumerKeyFor(store.state.org.name, app);
    for (let i = 0; i < 5; i++)
      store.createGrant(key('Field_Service_App'), 'Field Service App', admin.id, ['api', 'refresh_token']);
    for (let i = 0; i < 4; i++)
      store.createGrant(key('Ops_Dashboard_Local'), 'Ops Dashboard (local dev)', admin.id, ['api', 'refresh_token']);
    const result = await run(await coreConnection(emu()));
    expect(byId(result, 'app.headroom', 'Field_Service_App')).to.include({ status: 'fail' });
    expect(byId(result, 'app.headroom', 'Field_Service_App')?.detail).to.include('holds 5 of 5');
    expect(byId(result, 'app.headroom', 'Field_Service_App')?.action).to.include('Revoke stale approvals');
    expect(byId(result, 'app.headroom', 'Ops_Dashboard_Local')).to.include({ status: 'warn' });
    expect(byId(result, 'app.headroom', 'Ops_Dashboard_Local')?.detail)
      .to.include('holds 4 of 5')
      .and.include('takes the last free one');
    expect(result.passed).to.equal(false);
    expect(blockingChecks(result, ['Field_Service_App']).map((c) => c.id)).to.deep.equal(['app.headroom']);
    expect(blockingChecks(result, ['Partner_Portal_Sync'])).to.deep.equal([]);
  });

  it("fails the OauthToken check with the org's error code when queries are refused, and leaves headroom unknown", async () => {
    // REST queries refused (the Tooling API still answers): as for a user without access to OauthToken.
    emu().faults.add({
      match: { path: /\/services\/data\/v[\d.]+\/query$/ },
      action: {
        kind: 'http',
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify([
          { errorCode: 'INSUFFICIENT_ACCESS', message: 'insufficient access rights on object id' },
        ]),
      },
    });
    const result = await run(await coreConnection(emu()));
    expect(byId(result, 'access.oauth-token')?.status).to.equal('fail');
    expect(byId(result, 'access.oauth-token')?.detail).to.include('INSUFFICIENT_ACCESS');
    expect(byId(result, 'app.headroom', 'Field_Service_App')).to.include({ status: 'warn' });
    expect(result.passed).to.equal(false);
  });

  it('fails the API version check for a session below 60.0, naming the flag to use', async () => {
    const conn = await coreConnection(emu());
    conn.setApiVersion('58.0');
    const result = await run(conn, { apps: ['Field_Service_App'] });
    expect(byId(result, 'access.api-version')).to.include({ status: 'fail' });
    expect(byId(result, 'access.api-version')?.detail).to.include('API 58.0').and.include('60.0');
    expect(byId(result, 'access.api-version')?.action).to.include('--api-version 66.0');
  });

  it('fails metadata access, naming each type, when the Metadata API refuses the user', async () => {
    emu().faults.add({
      match: { soapOperation: 'listMetadata' },
      action: {
        kind: 'soapFault',
        code: 'INSUFFICIENT_ACCESS',
        message:
          'INSUFFICIENT_ACCESS: use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permission',
      },
    });
    const result = await run(await coreConnection(emu()));
    expect(byId(result, 'access.metadata-read')).to.include({ status: 'fail' });
    for (const type of ['ConnectedApp', 'ExternalClientApplication', 'ExtlClntAppGlobalOauthSettings'])
      expect(byId(result, 'access.metadata-read')?.detail).to.include(`${type} (`);
    expect(byId(result, 'access.metadata-read')?.detail).to.include('INSUFFICIENT_ACCESS');
    expect(byId(result, 'access.inventory')).to.include({ status: 'fail' });
    expect(result.checks.filter((c) => c.group === 'app')).to.deep.equal([]);
  });

  it('fails deploy access for a user without Modify Metadata and Customize Application', async () => {
    const result = await run(await coreConnection(emu(), 'ops@acme.example.com.uat'));
    expect(byId(result, 'access.metadata-deploy')).to.include({ status: 'fail' });
    expect(byId(result, 'access.metadata-deploy')?.detail).to.include('Customize Application');
  });

  it('fails ECA settings access when the org does not return global OAuth settings', async () => {
    emu().store.state.permissions.consumerSecretsViaMetadata = false;
    const result = await run(await coreConnection(emu()));
    expect(byId(result, 'access.eca-global-settings')).to.include({ status: 'fail' });
    expect(byId(result, 'access.eca-global-settings')?.action).to.include(
      'Allow Access to OAuth Consumer Secrets via Metadata API',
    );
  });

  it('stops with SessionInvalidError when the session is expired', async () => {
    const conn = await coreConnection(emu());
    emu().store.expireAllAccessTokens();
    let error: unknown;
    await run(conn).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(SessionInvalidError);
    expect((error as Error).message).to.include('INVALID_SESSION_ID');
  });

  it('checks only the apps asked for, and refuses unknown names', async () => {
    const conn = await coreConnection(emu());
    const result = await run(conn, { apps: ['Partner Portal Sync'] });
    expect([...new Set(result.checks.filter((c) => c.app).map((c) => c.app))]).to.deep.equal(['Partner_Portal_Sync']);
    let error: unknown;
    await run(conn, { apps: ['Partner_Portal_Snyc'] }).catch((e: unknown) => (error = e));
    expect((error as Error).name).to.equal('UnknownAppsError');
    expect((error as Error).message).to.include('Did you mean: Partner_Portal_Sync');
    expect((error as { suggestions?: string[] }).suggestions).to.include('Partner_Portal_Sync');
  });
});
