import { expect } from 'chai';
import { buildInventory, UnknownAppsError, type Inventory } from '../../src/apps/inventory.js';
import type { AppRow } from '../../src/apps/model.js';
import { toCsv } from '../../src/apps/csv.js';
import { loadCatalog, sdrRetriever } from '../../src/apps/catalog.js';
import { manifestTypes, retrieveZip } from '../../src/metadata/zip-retrieve.js';
import { coreConnection } from '../helpers/core.js';
import { useEmulator } from '../helpers/emulator.js';
import type { Behaviours } from '../../src/emulator/behaviours.js';
import { DEFAULT_SEED } from '../../src/emulator/seed/default.js';
import type { OrgSeed, SeedToken } from '../../src/emulator/seed/types.js';
import type { TokenUsage } from '../../src/apps/model.js';
import { addRows, loadUsage, usageWindow } from '../../src/apps/usage.js';
import { bigSeed } from './big-seed.js';

function row(inventory: Inventory, name: string): AppRow {
  const found = inventory.result.apps.find((r) => r.name === name);
  if (!found) throw new Error(`no row ${name}: ${inventory.result.apps.map((r) => r.name).join(', ')}`);
  return found;
}

describe('app inventory against the default emulator org', () => {
  const emulator = useEmulator();
  let inventory: Inventory;

  beforeEach(async () => {
    inventory = await buildInventory(await coreConnection(emulator()), { days: 90 });
  });

  it('lists every Connected App and ECA once, plus the untracked OauthToken apps', () => {
    const names = inventory.result.apps.map((r) => r.name);
    for (const app of emulator().store.components('ConnectedApp')) expect(names).to.include(app.fullName);
    for (const app of emulator().store.components('ExternalClientApplication')) expect(names).to.include(app.fullName);
    expect(new Set(names).size).to.equal(names.length);
    expect(row(inventory, 'Zapier')).to.include({ kind: 'untracked', verdict: 'untracked', activity: 'active' });
    expect(row(inventory, 'Zapier').owner.type).to.equal('unknown');
    expect(row(inventory, 'Tableau Desktop')).to.include({ kind: 'untracked', activity: 'dormant' });
    expect(inventory.warnings).to.deep.equal([]);
  });

  it('shows the org and its org-wide OAuth settings in the header', () => {
    const { org, orgSettings } = inventory.result;
    expect(org).to.include({
      id: emulator().store.state.org.id,
      name: 'Acme Corporation (UAT sandbox)',
      environment: 'sandbox',
      username: 'admin@acme.example.com.uat',
    });
    expect(orgSettings).to.deep.equal({
      requirePkce: false,
      usernamePasswordFlowBlocked: true,
      userAgentFlowBlocked: false,
      codeCredentialFlowAllowed: true,
    });
  });

  it('Partner_Portal_Sync: active with PKCE off, so it breaks at enforcement', () => {
    const r = row(inventory, 'Partner_Portal_Sync');
    expect(r).to.include({
      kind: 'ConnectedApp',
      label: 'Partner Portal Sync',
      verdict: 'breaks',
      breaksAtEnforcement: true,
      activity: 'active',
      clientType: 'confidential',
      pkceRequired: false,
      rtrEnabled: false,
      refreshScope: true,
      permittedUsers: 'admin-approved',
    });
    expect(r.owner).to.deep.equal({ type: 'org' });
    expect(r.flows).to.deep.equal(['authorization-code']);
    expect(r.reasons).to.include.members(['PKCE off', 'issues refresh tokens without RTR']);
    // Valid until revoked is a long exposure, not something enforcement refuses.
    expect(r.findings).to.include('refresh tokens valid until revoked');
    expect(r.usage).to.include({ holders: 2, activeHolders: 2, staleHolders: 1 });
    expect(r.findings.join(' ')).to.match(/1 token unused for over 30 days/);
    expect(r.findings.join(' ')).not.to.include('self-authorization');
  });

  it('managed-package apps: the vendor must change them, with the package publisher', () => {
    const mc = row(inventory, 'mcconn__Marketing_Cloud_Connector');
    expect(mc).to.include({ verdict: 'vendor', breaksAtEnforcement: true });
    expect(mc.owner).to.deep.equal({
      type: 'package',
      namespace: 'mcconn',
      packageName: 'Marketing Cloud Connector',
      publisher: 'Northwind Software',
    });
    expect(mc.reasons.join(' ')).to.include('managed package: vendor must change it (mcconn, Northwind Software)');
    const pa = row(inventory, 'ptnrx__Partner_Analytics');
    expect(pa).to.include({ kind: 'ExternalClientApplication', verdict: 'vendor' });
    expect(pa.owner.publisher).to.equal('Contoso Analytics');
  });

  it('client credentials and JWT apps are out of scope: no authorization code flow', () => {
    for (const [name, flow] of [
      ['Nightly_ETL_Client_Credentials', 'client-credentials'],
      ['CI_JWT_Deployer', 'jwt-bearer'],
      ['Warehouse_Client_Credentials', 'client-credentials'],
    ] as const) {
      const r = row(inventory, name);
      expect(r.verdict, name).to.equal('out-of-scope');
      expect(r.flows, name).to.deep.equal([flow]);
      expect(r.activity, name).to.equal('unknown');
      expect(r.reasons, name).to.deep.equal(['not in scope: no authorization code flow']);
    }
    expect(row(inventory, 'Nightly_ETL_Client_Credentials').clientCredentialsUser).to.equal(
      'integration@acme.example.com.uat',
    );
    expect(row(inventory, 'Warehouse_Client_Credentials').clientCredentialsUser).to.equal(
      'integration@acme.example.com.uat',
    );
    expect(row(inventory, 'CI_JWT_Deployer').certificate).to.equal(true);
  });

  it('Field_Service_App and Ops_Dashboard_Local are ready', () => {
    const fs = row(inventory, 'Field_Service_App');
    expect(fs).to.include({
      verdict: 'ready',
      clientType: 'public',
      pkceRequired: true,
      rtrEnabled: true,
      permittedUsers: 'admin-approved',
      breaksAtEnforcement: false,
    });
    expect(fs.refreshTokenPolicy).to.deep.equal({ type: 'specific-inactivity', period: 30, unit: 'days' });
    expect(fs.reasons).to.deep.equal([]);
    expect(fs.findings).to.deep.equal([]);
    expect(row(inventory, 'Ops_Dashboard_Local').verdict).to.equal('ready');
  });

  it('Support_Console: stale tokens flagged, RTR off breaks it', () => {
    const r = row(inventory, 'Support_Console');
    expect(r.usage).to.include({ holders: 1, staleHolders: 1 });
    expect(r.findings).to.include('1 token unused for over 30 days: the idle timeout will expire it');
    expect(r).to.include({ verdict: 'breaks', pkceRequired: true, rtrEnabled: false });
    expect(r.reasons).to.deep.equal(['issues refresh tokens without RTR']);
    expect(r.findings).to.include('refresh tokens valid until revoked');
  });

  it('Data_Loader_Legacy is dormant with --days 90 and active with --days 150', async () => {
    const r = row(inventory, 'Data_Loader_Legacy');
    expect(r).to.include({
      activity: 'dormant',
      verdict: 'needs-action',
      breaksAtEnforcement: false,
      refreshScope: true,
    });
    expect(r.scopes).to.deep.equal(['Full']);
    expect(r.reasons).to.include('dormant: no token use in 90 days (fix it or retire it)');
    const wide = await buildInventory(await coreConnection(emulator()), { days: 150, apps: ['Data_Loader_Legacy'] });
    expect(wide.result.apps[0]).to.include({ activity: 'active', verdict: 'breaks', breaksAtEnforcement: true });
  });

  it('posture findings: self-authorization, IP bypass, guest code-credential flow', () => {
    expect(row(inventory, 'Billing_Integration').findings).to.include.members([
      'self-authorization instead of admin pre-approval',
      'IP restrictions bypassed',
    ]);
    expect(row(inventory, 'Reporting_Portal').findings).to.deep.equal(['IP restrictions bypassed']);
    expect(row(inventory, 'Reporting_Portal').ipRelaxation).to.equal('bypass');
    const headless = row(inventory, 'Community_Headless_Login');
    expect(headless.findings).to.include('guest code-credential flow on');
    expect(headless.flows).to.include('code-credentials');
    expect(row(inventory, 'Acme_Mobile')).to.include({ clientType: 'public', pkceRequired: true, verdict: 'breaks' });
  });

  it('puts the apps that break at enforcement first', () => {
    const flags = inventory.result.apps.map((r) => r.breaksAtEnforcement);
    const firstFalse = flags.indexOf(false);
    expect(firstFalse).to.be.greaterThan(0);
    expect(flags.slice(firstFalse)).not.to.include(true);
    expect(inventory.result.summary.breaksAtEnforcement).to.equal(firstFalse);
    expect(inventory.result.summary.apps).to.equal(inventory.result.apps.length);
  });

  it('--app selects by developer name or label, in any case', async () => {
    const conn = await coreConnection(emulator());
    const picked = await buildInventory(conn, {
      days: 90,
      apps: ['partner portal sync', 'Field_Service_App', 'ZAPIER'],
    });
    expect(picked.result.apps.map((r) => r.name).sort()).to.deep.equal([
      'Field_Service_App',
      'Partner_Portal_Sync',
      'Zapier',
    ]);
  });

  it('an unknown --app name fails with close matches', async () => {
    const conn = await coreConnection(emulator());
    try {
      await buildInventory(conn, { days: 90, apps: ['Partner_Portal_Syn', 'Nothing_Like_It'] });
      expect.fail('expected an error');
    } catch (e) {
      expect(e).to.be.instanceOf(UnknownAppsError);
      expect((e as UnknownAppsError).names).to.deep.equal(['Partner_Portal_Syn', 'Nothing_Like_It']);
      expect((e as UnknownAppsError).suggestions[0]).to.equal('Partner_Portal_Sync');
    }
  });

  it('--needs-action keeps failing, unreadable and active untracked apps only', async () => {
    const conn = await coreConnection(emulator());
    const only = await buildInventory(conn, { days: 90, needsAction: true });
    const names = only.result.apps.map((r) => r.name);
    expect(names).to.include.members([
      'Partner_Portal_Sync',
      'mcconn__Marketing_Cloud_Connector',
      'Data_Loader_Legacy',
      'Zapier',
    ]);
    expect(names).not.to.include.members(['Field_Service_App', 'CI_JWT_Deployer', 'Tableau Desktop']);
    expect(only.result.apps.every((r) => r.verdict !== 'ready' && r.verdict !== 'out-of-scope')).to.equal(true);
  });

  it('CSV: a header and one line per app, without the consumer key', () => {
    const csv = toCsv(inventory.result.apps);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).to.have.length(inventory.result.apps.length + 1);
    expect(lines[0]).to.match(/^Name,Label,Kind,Owner,/);
    expect(lines.find((l) => l.startsWith('Partner_Portal_Sync,'))).to.include(',breaks,true,');
    for (const r of inventory.result.apps) if (r.consumerKey) expect(csv).not.to.include(r.consumerKey);
  });

  it('never returns a token or a secret; the consumer key is in the JSON result only', async () => {
    const json = JSON.stringify(inventory.result);
    for (const app of [
      ...emulator().store.components('ConnectedApp'),
      ...emulator().store.components('ExternalClientApplication'),
    ]) {
      const secret = emulator().consumerSecret(app.fullName);
      if (secret) expect(json).not.to.include(secret);
    }
    const conn = await coreConnection(emulator());
    expect(json).not.to.include(conn.accessToken);
    expect(json).not.to.match(/consumerSecret/);
    expect(row(inventory, 'Partner_Portal_Sync').consumerKey).to.match(/^3MVG/);
  });
});

describe('in-memory zip retrieve', () => {
  const emulator = useEmulator();

  it('names members unless a wildcard is allowed', () => {
    expect(
      manifestTypes([
        { type: 'ConnectedApp', fullName: 'B' },
        { type: 'ConnectedApp', fullName: 'A' },
      ]),
    ).to.deep.equal([{ name: 'ConnectedApp', members: ['A', 'B'] }]);
  });

  it('asks for `*` plus the managed components by name, and Settings by name', () => {
    const types = manifestTypes([
      { type: 'ConnectedApp', fullName: 'A', wildcard: true },
      { type: 'ConnectedApp', fullName: 'B', namespacePrefix: null, wildcard: true },
      { type: 'ConnectedApp', fullName: 'ns__C', namespacePrefix: 'ns', wildcard: true },
      { type: 'Settings', fullName: 'OauthOidc', wildcard: true },
    ]);
    expect(types).to.deep.equal([
      { name: 'ConnectedApp', members: ['*', 'ns__C'] },
      { name: 'Settings', members: ['OauthOidc'] },
    ]);
  });

  it('returns the same apps and file text as the SDR retrieve', async () => {
    const conn = await coreConnection(emulator());
    const [sdr, zip] = await Promise.all([loadCatalog(conn, sdrRetriever), loadCatalog(conn, retrieveZip)]);
    const files = (c: typeof sdr): string[] =>
      c.apps
        .flatMap((a) =>
          [a.header, ...Object.values(a.parts)].map((f) => `${f?.type ?? ''}:${f?.fullName ?? ''}:${f?.xml ?? ''}`),
        )
        .sort();
    expect(zip.apps.map((a) => `${a.kind}:${a.name}:${a.namespacePrefix ?? ''}`)).to.deep.equal(
      sdr.apps.map((a) => `${a.kind}:${a.name}:${a.namespacePrefix ?? ''}`),
    );
    expect(files(zip)).to.deep.equal(files(sdr));
    expect(zip.oauthSettings?.xml).to.equal(sdr.oauthSettings?.xml);
    expect(zip.apps.find((a) => a.name === 'mcconn__Marketing_Cloud_Connector')).to.not.equal(undefined);
  });
});

describe('app inventory without the permission to read ECA OAuth settings', () => {
  const emulator = useEmulator();

  it('warns with the apps concerned and marks their settings unknown; Connected Apps are unaffected', async () => {
    emulator().store.state.permissions.consumerSecretsViaMetadata = false;
    const inventory = await buildInventory(await coreConnection(emulator()), { days: 90 });
    const warning = inventory.warnings.find((w) => w.code === 'consumerSecretPermission');
    expect(warning).to.not.equal(undefined);
    expect(warning?.code === 'consumerSecretPermission' ? warning.apps : []).to.include.members([
      'Field_Service_App',
      'Billing_Integration',
    ]);
    expect(inventory.warnings.map((w) => w.code)).not.to.include('retrieveMessages');
    const fs = row(inventory, 'Field_Service_App');
    expect(fs).to.include({ verdict: 'unknown', pkceRequired: null, rtrEnabled: null, consumerKey: null });
    expect(fs.reasons.join(' ')).to.include('Allow Access to OAuth Consumer Secrets via Metadata API');
    expect(fs.reasons.join(' ')).to.include('View External Client Apps Consumer Secrets in Metadata');
    expect(row(inventory, 'Partner_Portal_Sync').verdict).to.equal('breaks');
    expect(row(inventory, 'ptnrx__Partner_Analytics').verdict).to.equal('unknown');
  });
});

// OauthToken.Id null or not, aggregates refused or not: the four ways an org may answer; the figures must not change.
const TOKEN_ANSWERS: Array<Partial<Behaviours>> = [
  {},
  { oauthTokenId: 'id' },
  { oauthTokenAggregates: 'supported' },
  { oauthTokenId: 'id', oauthTokenAggregates: 'supported' },
];

for (const behaviours of TOKEN_ANSWERS) {
  const label =
    Object.entries(behaviours)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || 'defaults (Id null, aggregates refused)';
  describe(`app usage from OauthToken rows, ${label}`, () => {
    const emulator = useEmulator(() => ({ behaviours }));

    it('counts holders, active and stale tokens and the last use per app, without aggregates', async () => {
      const inventory = await buildInventory(await coreConnection(emulator()), { days: 90 });
      expect(inventory.warnings).to.deep.equal([]);
      expect(row(inventory, 'Partner_Portal_Sync').usage).to.include({ holders: 2, activeHolders: 2, staleHolders: 1 });
      expect(row(inventory, 'Support_Console').usage).to.include({ holders: 1, activeHolders: 1, staleHolders: 1 });
      expect(row(inventory, 'Data_Loader_Legacy').usage).to.include({ holders: 1, activeHolders: 0, staleHolders: 1 });
      expect(row(inventory, 'Field_Service_App').usage).to.deep.equal({
        holders: 0,
        activeHolders: 0,
        staleHolders: 0,
        lastUsed: null,
      });
      const zapier = row(inventory, 'Zapier');
      expect(zapier).to.include({ kind: 'untracked', activity: 'active' });
      const zapierRow = emulator()
        .store.liveGrants()
        .find((g) => g.appName === 'Zapier');
      expect(zapier.usage.lastUsed).to.equal(zapierRow?.lastUsedDate);
    });
  });
}

describe('app usage from OauthToken rows with empty fields', () => {
  it('counts a row without LastUsedDate as stale by its CreatedDate, and leaves out a row that names no app', () => {
    const now = Date.UTC(2026, 5, 17, 12);
    const day = 86_400_000;
    const byApp = new Map<string, TokenUsage>();
    addRows(
      byApp,
      [
        {
          AppName: 'Never Used',
          UserId: null,
          LastUsedDate: null,
          CreatedDate: new Date(now - 40 * day).toISOString(),
        },
        { AppName: 'Never Used', LastUsedDate: null, CreatedDate: new Date(now - 5 * day).toISOString() },
        { AppName: 'Never Used' },
        { AppName: null, LastUsedDate: new Date(now).toISOString() },
        { UserId: '005000000000001AAA' },
      ],
      usageWindow(90, now),
    );
    expect([...byApp.keys()]).to.deep.equal(['Never Used']);
    expect(byApp.get('Never Used')).to.deep.equal({ holders: 3, activeHolders: 0, staleHolders: 1, lastUsed: null });
  });
});

describe('app usage past the 2,500-row OauthToken cap', function () {
  this.timeout(120_000);
  const USERS = ['admin@acme.example.com.uat', 'ops@acme.example.com.uat', 'integration@acme.example.com.uat'];
  // 3,100 rows of one app (past the cap alone) and 2,400 rows over 60 others, around the default org's 11.
  const tokens: SeedToken[] = [];
  for (let i = 0; i < 3100; i++)
    tokens.push({
      app: 'Bulk Heavy',
      username: USERS[i % 3],
      createdDaysAgo: 40 + (i % 30),
      lastUsedDaysAgo: i % 60,
      useCount: i,
    });
  for (let i = 0; i < 2400; i++) {
    const app = `Bulk ${String(i % 60).padStart(2, '0')}`;
    tokens.push({ app, username: USERS[i % 3], createdDaysAgo: 10 + (i % 200), lastUsedDaysAgo: i % 150, useCount: i });
  }
  const seed: OrgSeed = { ...DEFAULT_SEED, oauthTokens: [...(DEFAULT_SEED.oauthTokens ?? []), ...tokens] };
  const emulator = useEmulator(() => ({ seed }));

  it('reads every row in pages by app name, and counts an app past the cap with COUNT()', async () => {
    const conn = await coreConnection(emulator());
    const now = Date.now();
    const before = emulator().stats.byKind['rest:query'] ?? 0;
    const report = await loadUsage(conn, 90, now);
    expect(report.complete).to.equal(true);
    // The expected figures, counted from the emulator's own rows with the same window.
    const window = usageWindow(90, now);
    const expected = new Map<string, TokenUsage>();
    const grants = emulator().store.liveGrants();
    addRows(
      expected,
      grants.map((g) => ({
        AppName: g.appName,
        UserId: g.userId,
        LastUsedDate: g.lastUsedDate,
        CreatedDate: g.createdDate,
      })),
      window,
    );
    expect(grants.length).to.be.greaterThan(5500);
    expect(report.byApp.size).to.equal(expected.size);
    for (const [app, usage] of expected) expect(report.byApp.get(app), app).to.deep.equal(usage);
    expect(report.byApp.get('Bulk Heavy')?.holders).to.equal(3100);
    // A handful of pages and COUNT() queries, not one query per app.
    const calls = (emulator().stats.byKind['rest:query'] ?? 0) - before;
    expect(report.queries).to.be.at.most(12);
    expect(calls).to.equal(report.queries);
  });
});

describe('app inventory at scale', function () {
  this.timeout(120_000);
  let big: ReturnType<typeof bigSeed> | undefined;
  const emulator = useEmulator(() => (big ? { seed: big } : {}));

  async function countCalls(): Promise<{
    total: number;
    byKind: Record<string, number>;
    apps: number;
    environment: string | null;
  }> {
    const conn = await coreConnection(emulator());
    const before = { ...emulator().stats.byKind };
    const requestsBefore = emulator().stats.requests;
    const inventory = await buildInventory(conn, { days: 90 });
    const byKind: Record<string, number> = {};
    for (const [kind, n] of Object.entries(emulator().stats.byKind))
      if (n - (before[kind] ?? 0) > 0) byKind[kind] = n - (before[kind] ?? 0);
    return {
      total: emulator().stats.requests - requestsBefore,
      byKind,
      apps: inventory.result.apps.length,
      environment: inventory.result.org.environment,
    };
  }

  let small: Awaited<ReturnType<typeof countCalls>>;
  it('counts the calls on the default org', async () => {
    small = await countCalls();
    expect(small.byKind['soap:listMetadata']).to.equal(2);
    // One retrieve per metadata type (six app types and the OauthOidc settings), run side by side.
    expect(small.byKind['soap:retrieve']).to.equal(7);
    // The Organization record and one page of OauthToken rows (the org holds fewer than 2,500).
    expect(small.byKind['rest:query']).to.equal(2);
    expect(small.byKind['rest:tooling:query']).to.equal(1);
    expect(small.total).to.be.at.most(24);
    big = bigSeed(300, 200);
  });

  it('makes the same number of calls with 300 more ECAs and 200 more Connected Apps', async () => {
    const large = await countCalls();
    big = undefined;
    expect(large.apps).to.be.greaterThan(500);
    expect(large.environment).to.equal('production');
    for (const kind of ['soap:listMetadata', 'soap:retrieve', 'rest:query', 'rest:tooling:query', 'rest:queryMore']) {
      expect(large.byKind[kind] ?? 0, kind).to.equal(small.byKind[kind] ?? 0);
    }
    // Only status polls may differ (they depend on time, not on the number of apps): at most one more per retrieve.
    expect(large.total).to.be.at.most(small.total + 7);
    expect(large.total).to.be.at.most(31);
  });
});

describe('catalog narrowed to named apps', () => {
  const emulator = useEmulator();

  it('retrieves only the named apps, and finds ECA settings whatever their names', async () => {
    const conn = await coreConnection(emulator());
    const store = emulator().store;
    // Rename one ECA's global settings so that its name does not start with the app's name.
    const global = store.component('ExtlClntAppGlobalOauthSettings', 'Billing_Integration_glbloauth');
    store.putComponent(
      'ExtlClntAppGlobalOauthSettings',
      'Zz_Renamed_Settings',
      global?.value ?? {},
      store.adminUser().id,
    );
    store.deleteComponent('ExtlClntAppGlobalOauthSettings', 'Billing_Integration_glbloauth');
    const catalog = await loadCatalog(conn, {
      apps: ['partner_portal_sync', 'Billing_Integration', 'Field_Service_App'],
    });
    expect(catalog.apps.map((a) => a.name)).to.deep.equal([
      'Billing_Integration',
      'Field_Service_App',
      'Partner_Portal_Sync',
    ]);
    expect(
      catalog.apps.find((a) => a.name === 'Billing_Integration')?.parts.ExtlClntAppGlobalOauthSettings?.fullName,
    ).to.equal('Zz_Renamed_Settings');
    expect(
      catalog.apps.find((a) => a.name === 'Field_Service_App')?.parts.ExtlClntAppGlobalOauthSettings?.fullName,
    ).to.equal('Field_Service_App_glbloauth');
    expect(catalog.oauthSettings?.fullName).to.equal('OauthOidc');
  });
});
