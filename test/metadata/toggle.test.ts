import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import type { Connection } from '@salesforce/core';
import { useEmulator } from '../helpers/emulator.js';
import { coreConnection } from '../helpers/core.js';
import { oauthClient } from '../../src/emulator/clients.js';
import { consumerKeyFor } from '../../src/emulator/seed/build.js';
import type { OrgEmulator } from '../../src/emulator/server.js';
import type { MdObject } from '../../src/emulator/store/state.js';
import { loadCatalog } from '../../src/apps/catalog.js';
import { retrieveMembers, type RetrievedFile } from '../../src/metadata/retrieve.js';
import {
  applyToggle,
  planFromCatalog,
  planToggle,
  ToggleError,
  type ApplyOutcome,
  type ToggleSelection,
} from '../../src/metadata/toggle.js';
import { PLANTED_SECRET_CA, PLANTED_SECRET_ECA, RICH_CA, RICH_ECA, richSeed } from './toggle-seed.js';

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false });

function client(emu: OrgEmulator, app: string): ReturnType<typeof oauthClient> {
  return oauthClient(emu.store, consumerKeyFor(emu.store.state.org.name, app));
}

const deploys = (emu: OrgEmulator): number => emu.stats.byKind['soap:deploy'] ?? 0;

async function toggle(
  conn: Connection,
  emu: OrgEmulator,
  selection: ToggleSelection,
  dryRun = false,
): Promise<ApplyOutcome> {
  const plan = await planToggle(conn, selection);
  return applyToggle(conn, plan, {
    dryRun,
    pollMs: 20,
    backup: {
      orgId: emu.store.state.org.id,
      username: emu.store.adminUser().username,
      operation: `oauth ${selection.setting} test`,
    },
  });
}

/** Every component of the rich apps, as retrieved. */
async function richFiles(conn: Connection): Promise<Map<string, string>> {
  const catalog = await loadCatalog(conn);
  const out = new Map<string, string>();
  for (const app of catalog.apps.filter((a) => a.name === RICH_CA || a.name === RICH_ECA)) {
    out.set(`${app.header.type}:${app.header.fullName}`, app.header.xml);
    for (const part of Object.values(app.parts)) if (part) out.set(`${part.type}:${part.fullName}`, part.xml);
  }
  return out;
}

function withoutElement(xml: string, element: string): unknown {
  const doc = parser.parse(xml) as Record<string, Record<string, unknown>>;
  const strip = (o: unknown): unknown => {
    if (Array.isArray(o)) return o.map(strip);
    if (o && typeof o === 'object') {
      return Object.fromEntries(
        Object.entries(o as Record<string, unknown>)
          .filter(([k]) => k !== element)
          .map(([k, v]) => [k, strip(v)]),
      );
    }
    return o;
  };
  return strip(doc);
}

describe('toggle: plan and apply PKCE / rotation changes against the emulator', function () {
  this.timeout(60_000);
  let home: string;
  const emu = useEmulator(() => ({ seed: richSeed() }));

  beforeEach(() => {
    home = mkdtempSync(path.join(tmpdir(), 'sf-oauth-toggle-backups-'));
    process.env.SF_OAUTH_BACKUP_DIR = home;
  });
  afterEach(() => {
    delete process.env.SF_OAUTH_BACKUP_DIR;
  });

  it('enables PKCE on a Connected App and an ECA in one deploy, reads back, and backs them up first', async () => {
    const conn = await coreConnection(emu());
    expect(client(emu(), 'Partner_Portal_Sync')?.pkceRequired).to.equal(false);
    expect(client(emu(), 'Billing_Integration')?.pkceRequired).to.equal(false);
    const before = deploys(emu());
    const outcome = await toggle(conn, emu(), {
      setting: 'pkce',
      value: true,
      apps: ['Partner_Portal_Sync', 'billing_integration'],
    });
    expect(deploys(emu()) - before).to.equal(1);
    expect(outcome.failed).to.equal(false);
    expect(outcome.notApplied).to.deep.equal([]);
    expect(outcome.result.deployId).to.match(/^0Af/);
    expect(outcome.result.apps).to.deep.equal([
      {
        app: 'Billing_Integration',
        kind: 'ExternalClientApplication',
        component: 'ExtlClntAppGlobalOauthSettings:Billing_Integration_glbloauth',
        before: false,
        after: true,
        status: 'changed',
      },
      {
        app: 'Partner_Portal_Sync',
        kind: 'ConnectedApp',
        component: 'ConnectedApp:Partner_Portal_Sync',
        before: false,
        after: true,
        status: 'changed',
      },
    ]);
    expect(client(emu(), 'Partner_Portal_Sync')?.pkceRequired).to.equal(true);
    expect(client(emu(), 'Billing_Integration')?.pkceRequired).to.equal(true);
    // Rotation untouched.
    expect(client(emu(), 'Partner_Portal_Sync')?.rotationEnabled).to.equal(false);
    expect(outcome.result.backupPath).to.be.a('string');
    expect(outcome.result.backupPath?.startsWith(path.join(home, emu().store.state.org.id))).to.equal(true);
  });

  it('refuses an ECA whose certificate the org does not return, naming the manual path, and deploys nothing', async () => {
    const conn = await coreConnection(emu());
    const before = deploys(emu());
    const error = await toggle(conn, emu(), { setting: 'pkce', value: true, apps: [RICH_CA, RICH_ECA] }).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ToggleError);
    expect((error as ToggleError).code).to.equal('refusedApps');
    expect((error as ToggleError).items).to.have.length(1);
    expect((error as ToggleError).items[0]).to.match(
      /^Rich_Eca: .*certificate.*Setup > External Client Apps > External Client App Manager > Rich_Eca/,
    );
    expect(deploys(emu())).to.equal(before);
    expect(emu().store.component('ExtlClntAppGlobalOauthSettings', 'Rich_Eca_glbloauth')?.value.certificate).to.equal(
      'MIIBRICHECACERTIFICATE==',
    );
  });

  it('reports apps already in the wanted state as unchanged and deploys nothing', async () => {
    const conn = await coreConnection(emu());
    const before = deploys(emu());
    const outcome = await toggle(conn, emu(), {
      setting: 'pkce',
      value: true,
      apps: ['Acme_Mobile', 'Field_Service_App'],
    });
    expect(deploys(emu())).to.equal(before);
    expect(outcome.deploy).to.equal(undefined);
    expect(outcome.result.backupPath).to.equal(undefined);
    expect(outcome.result.apps.map((a) => [a.app, a.status, a.before, a.after])).to.deep.equal([
      ['Acme_Mobile', 'unchanged', true, true],
      ['Field_Service_App', 'unchanged', true, true],
    ]);
    expect(readdirSync(home)).to.deep.equal([]);
  });

  it('--all changes every app that needs it and can be changed, skips managed and out-of-scope apps, then has nothing left', async () => {
    const conn = await coreConnection(emu());
    const outcome = await toggle(conn, emu(), { setting: 'pkce', value: true, all: true });
    const byApp = new Map(outcome.result.apps.map((a) => [a.app, a]));
    expect(byApp.get('Data_Loader_Legacy')?.status).to.equal('changed');
    expect(byApp.get('Partner_Portal_Sync')?.status).to.equal('changed');
    expect(byApp.get('Billing_Integration')?.status).to.equal('changed');
    expect(byApp.get('Acme_Mobile')?.status).to.equal('unchanged');
    expect(byApp.get('mcconn__Marketing_Cloud_Connector')).to.include({ status: 'skipped' });
    expect(byApp.get('mcconn__Marketing_Cloud_Connector')?.reason).to.match(/mcconn.*vendor/);
    expect(byApp.get('ptnrx__Partner_Analytics')?.reason).to.match(/ptnrx.*vendor/);
    expect(byApp.get('Nightly_ETL_Client_Credentials')?.reason).to.match(/client credentials/);
    expect(byApp.get('CI_JWT_Deployer')?.reason).to.match(/JWT bearer/);
    expect(byApp.get('Warehouse_Client_Credentials')?.status).to.equal('skipped');
    expect(client(emu(), 'mcconn__Marketing_Cloud_Connector')?.pkceRequired).to.equal(false);
    expect(client(emu(), 'Data_Loader_Legacy')?.pkceRequired).to.equal(true);
    const before = deploys(emu());
    const again = await toggle(conn, emu(), { setting: 'pkce', value: true, all: true });
    expect(deploys(emu())).to.equal(before);
    expect(again.result.apps.filter((a) => a.status === 'changed')).to.deep.equal([]);
  });

  it('rtr --all skips apps that cannot get refresh tokens', async () => {
    const conn = await coreConnection(emu());
    const plan = await planToggle(conn, { setting: 'rtr', value: true, all: true });
    const byApp = new Map(plan.rows.map((a) => [a.app, a]));
    expect(byApp.get('Nightly_ETL_Client_Credentials')?.reason).to.match(/refresh tokens/);
    expect(byApp.get('Warehouse_Client_Credentials')?.reason).to.match(/refresh tokens/);
    expect(byApp.get('Acme_Mobile')?.status).to.equal('changed');
    expect(byApp.get('Support_Console')?.status).to.equal('changed');
    expect(byApp.get('Ops_Dashboard_Local')?.status).to.equal('unchanged');
  });

  it('a failed deploy reports each component, leaves the org unchanged, and keeps the backup', async () => {
    const conn = await coreConnection(emu());
    emu().faults.failDeploys({ outcome: 'fail', message: 'Emulated failure: UNABLE_TO_LOCK_ROW', times: 1 });
    const outcome = await toggle(conn, emu(), {
      setting: 'rtr',
      value: true,
      apps: ['Acme_Mobile', 'Support_Console'],
    });
    expect(outcome.failed).to.equal(true);
    expect(outcome.result.apps.every((a) => a.status === 'failed')).to.equal(true);
    const reasons = outcome.result.apps.map((a) => a.reason ?? '');
    expect(reasons.filter((r) => r.includes('UNABLE_TO_LOCK_ROW'))).to.have.length(1);
    expect(reasons.filter((r) => r.includes('rolled back'))).to.have.length(1);
    expect(outcome.result.apps.every((a) => a.after === a.before)).to.equal(true);
    expect(client(emu(), 'Acme_Mobile')?.rotationEnabled).to.equal(false);
    expect(client(emu(), 'Support_Console')?.rotationEnabled).to.equal(false);
    expect(statSync(path.join(outcome.result.backupPath ?? '', 'manifest.json')).isFile()).to.equal(true);
  });

  it('a deploy refused by the API (SOAP fault) throws and changes nothing', async () => {
    const conn = await coreConnection(emu());
    emu().faults.add({
      match: { soapOperation: 'deploy' },
      action: { kind: 'soapFault', code: 'REQUEST_LIMIT_EXCEPTION', message: 'TotalRequests Limit exceeded.' },
      times: 1,
    });
    let error: Error | undefined;
    try {
      await toggle(conn, emu(), { setting: 'pkce', value: true, apps: ['Partner_Portal_Sync'] });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).to.equal('ToggleDeployError');
    expect(error?.message).to.match(/could not run.*Limit exceeded/);
    expect(client(emu(), 'Partner_Portal_Sync')?.pkceRequired).to.equal(false);
  });

  it('refuses a managed-package app by name, with its namespace, before any deploy', async () => {
    const conn = await coreConnection(emu());
    const before = deploys(emu());
    let error: ToggleError | undefined;
    try {
      await planToggle(conn, {
        setting: 'pkce',
        value: true,
        apps: ['Partner_Portal_Sync', 'ptnrx__Partner_Analytics'],
      });
    } catch (e) {
      error = e as ToggleError;
    }
    expect(error).to.be.instanceOf(ToggleError);
    expect(error?.code).to.equal('refusedApps');
    expect(error?.message).to.include('ptnrx__Partner_Analytics').and.include('"ptnrx"').and.include('vendor');
    expect(error?.items).to.have.length(1);
    expect(deploys(emu())).to.equal(before);
  });

  it('names unknown apps', async () => {
    const conn = await coreConnection(emu());
    let error: ToggleError | undefined;
    try {
      await planToggle(conn, { setting: 'rtr', value: true, apps: ['Acme_Mobile', 'No_Such_App', 'Another_Missing'] });
    } catch (e) {
      error = e as ToggleError;
    }
    expect(error?.code).to.equal('unknownApps');
    expect(error?.items).to.deep.equal(['No_Such_App', 'Another_Missing']);
    expect(error?.message).to.include('"No_Such_App"').and.include('"Another_Missing"');
  });

  it('reports the missing permission for ECAs, and still changes Connected Apps', async () => {
    emu().store.state.permissions.consumerSecretsViaMetadata = false;
    const conn = await coreConnection(emu());
    for (const selection of [
      { setting: 'pkce', value: true, apps: ['Billing_Integration'] },
      { setting: 'pkce', value: true, all: true },
    ] as ToggleSelection[]) {
      let error: ToggleError | undefined;
      try {
        await planToggle(conn, selection);
      } catch (e) {
        error = e as ToggleError;
      }
      expect(error?.code, JSON.stringify(selection)).to.equal('missingPermission');
      expect(error?.message).to.include('ExtlClntAppGlobalOauthSettings');
    }
    const outcome = await toggle(conn, emu(), { setting: 'pkce', value: true, apps: ['Partner_Portal_Sync'] });
    expect(outcome.result.apps[0].status).to.equal('changed');
  });

  it('a dry run validates with a check-only deploy and changes nothing, without a backup', async () => {
    const conn = await coreConnection(emu());
    const before = deploys(emu());
    const outcome = await toggle(
      conn,
      emu(),
      { setting: 'pkce', value: true, apps: ['Partner_Portal_Sync', 'Billing_Integration'] },
      true,
    );
    expect(deploys(emu()) - before).to.equal(1);
    expect(outcome.result.dryRun).to.equal(true);
    expect(outcome.deploy?.checkOnly).to.equal(true);
    expect(outcome.result.apps.map((a) => [a.status, a.before, a.after])).to.deep.equal([
      ['changed', false, true],
      ['changed', false, true],
    ]);
    expect(outcome.result.backupPath).to.equal(undefined);
    expect(readdirSync(home)).to.deep.equal([]);
    expect(client(emu(), 'Partner_Portal_Sync')?.pkceRequired).to.equal(false);
    expect(client(emu(), 'Billing_Integration')?.pkceRequired).to.equal(false);
  });

  it('reports an app whose value did not stick after a successful deploy (Salesforce keeping PKCE on)', async () => {
    const conn = await coreConnection(emu());
    const plan = await planToggle(conn, { setting: 'pkce', value: false, apps: ['Acme_Mobile', 'Reporting_Portal'] });
    const outcome = await applyToggle(conn, plan, {
      pollMs: 20,
      backup: { orgId: emu().store.state.org.id, username: 'admin', operation: 'oauth pkce disable' },
      // Once the deploy has landed, the org puts PKCE back on for one app, as Salesforce may do for partner apps.
      onDeployed: () => {
        const stored = emu().store.component('ConnectedApp', 'Acme_Mobile');
        (stored?.value.oauthConfig as MdObject).isPkceRequired = 'true';
      },
    });
    expect(outcome.failed).to.equal(false);
    expect(outcome.notApplied).to.deep.equal(['Acme_Mobile']);
    const acme = outcome.result.apps.find((a) => a.app === 'Acme_Mobile');
    expect(acme).to.include({ status: 'kept-on-by-salesforce', before: true, after: true });
    expect(acme?.reason).to.match(/^Kept on by Salesforce: .*isPkceRequired = true/);
    expect(outcome.result.apps.find((a) => a.app === 'Reporting_Portal')).to.include({
      status: 'changed',
      after: false,
    });
  });
});

describe('toggle: an org that returns ECA certificates (ecaCertificateReadBack=returned)', function () {
  this.timeout(60_000);
  const emu = useEmulator(() => ({ seed: richSeed(), behaviours: { ecaCertificateReadBack: 'returned' } }));

  beforeEach(() => {
    process.env.SF_OAUTH_BACKUP_DIR = mkdtempSync(path.join(tmpdir(), 'sf-oauth-toggle-backups-'));
  });
  afterEach(() => {
    delete process.env.SF_OAUTH_BACKUP_DIR;
  });

  it('changes only the flag on apps with every element filled (retrieve, toggle, retrieve again)', async () => {
    const conn = await coreConnection(emu());
    const before = await richFiles(conn);
    expect(before.size).to.equal(6);
    for (const [setting, element] of [
      ['pkce', 'isPkceRequired'],
      ['rtr', 'isRefreshTokenRotationEnabled'],
    ] as const) {
      const start = await richFiles(conn);
      const outcome = await toggle(conn, emu(), { setting, value: true, apps: [RICH_CA, RICH_ECA] });
      expect(outcome.result.apps.map((a) => a.status)).to.deep.equal(['changed', 'changed']);
      const after = await richFiles(conn);
      expect([...after.keys()].sort()).to.deep.equal([...start.keys()].sort());
      for (const [key, xml] of start) {
        const now = after.get(key) ?? '';
        const holdsFlag = key.startsWith('ConnectedApp:') || key.startsWith('ExtlClntAppGlobalOauthSettings:');
        if (!holdsFlag) {
          expect(now, key).to.equal(xml);
          continue;
        }
        expect(withoutElement(now, element), key).to.deep.equal(withoutElement(xml, element));
        expect(now, key).to.include(`<${element}>true</${element}>`);
        expect(xml, key).to.include(`<${element}>false</${element}>`);
        // Textually, too: the only difference is the one element's value.
        expect(now.replace(`<${element}>true</${element}>`, `<${element}>false</${element}>`), key).to.equal(xml);
      }
    }
    // The planted secrets are still the apps' secrets (an omitted secret stays as it is).
    for (const [app, secret] of [
      [RICH_CA, PLANTED_SECRET_CA],
      [RICH_ECA, PLANTED_SECRET_ECA],
    ]) {
      expect(emu().store.checkConsumerSecret(consumerKeyFor(emu().store.state.org.name, app), secret), app).to.equal(
        true,
      );
    }
  });

  it('never deploys, backs up or returns a consumer secret', async () => {
    const conn = await coreConnection(emu());
    // Retrieves never return secrets; plant one in the retrieved text too, as an org with different rules might.
    const catalog = await loadCatalog(conn);
    const rich = catalog.apps.find((a) => a.name === RICH_CA);
    if (!rich) throw new Error('rich app missing');
    rich.header = {
      ...rich.header,
      xml: rich.header.xml.replace(
        '<consumerKey>',
        `<consumerSecret>${PLANTED_SECRET_CA}</consumerSecret>\n        <consumerKey>`,
      ),
    };
    expect(rich.header.xml).to.include(PLANTED_SECRET_CA);
    const plan = planFromCatalog(catalog, { setting: 'pkce', value: true, apps: [RICH_CA, RICH_ECA] });
    for (const change of plan.changes) expect(change.edited.xml).not.to.include('consumerSecret');
    const outcome = await applyToggle(conn, plan, {
      pollMs: 20,
      backup: { orgId: emu().store.state.org.id, username: 'admin', operation: 'test' },
    });
    expect(outcome.result.apps.map((a) => a.status)).to.deep.equal(['changed', 'changed']);
    const serialized = JSON.stringify(outcome.result);
    for (const secret of [PLANTED_SECRET_CA, PLANTED_SECRET_ECA]) expect(serialized).not.to.include(secret);
    const files = walk(outcome.result.backupPath ?? '');
    expect(files.length).to.equal(3);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.to.include(PLANTED_SECRET_CA);
      expect(text, file).not.to.include(PLANTED_SECRET_ECA);
      expect(text, file).not.to.include('consumerSecret');
    }
    expect(
      emu().store.checkConsumerSecret(consumerKeyFor(emu().store.state.org.name, RICH_CA), PLANTED_SECRET_CA),
    ).to.equal(true);
    const back: RetrievedFile[] = (await retrieveMembers(conn, [{ type: 'ConnectedApp', fullName: RICH_CA }])).files;
    expect(back[0].xml).not.to.include(PLANTED_SECRET_CA);
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}
