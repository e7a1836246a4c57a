/*
 * The Require PKCE gate and the org-wide switch, against the emulator (real retrieves, deploys and smoke tests), and the
 * plan format.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DEFAULT_SEED } from '../../src/emulator/seed/default.js';
import { useEmulator } from '../helpers/emulator.js';
import { ROOT } from '../helpers/cli.js';
import { applyToggle, planToggle } from '../../src/metadata/toggle.js';
import { evaluateGate } from '../../src/rollout/gate.js';
import { readOauthOidc, setRequirePkce } from '../../src/rollout/org-settings.js';
import { parsePlan, PlanError, starterPlan } from '../../src/rollout/plan.js';
import { runRollout } from '../../src/rollout/run.js';
import { buildInventory } from '../../src/apps/inventory.js';
import type { RolloutContext } from '../../src/rollout/run.js';
import { approveForAdmin, orgRequiresPkce, privateDirs, rolloutContext, secretsEnv } from './helpers.js';

/** The default org with its managed apps fixed by their vendors: every in-scope app can pass. */
function fixedVendorsSeed(): typeof DEFAULT_SEED {
  const seed = structuredClone(DEFAULT_SEED);
  for (const app of seed.apps) {
    if (app.name === 'mcconn__Marketing_Cloud_Connector' && app.kind === 'ConnectedApp')
      (app.metadata.oauthConfig as Record<string, unknown>).isPkceRequired = 'true';
    if (app.name === 'ptnrx__Partner_Analytics' && app.kind === 'ExternalClientApplication' && app.globalOauth)
      app.globalOauth.isPkceRequired = 'true';
  }
  return seed;
}

describe('the Require PKCE gate', function () {
  this.timeout(120_000);

  describe('on the default org', () => {
    const emu = useEmulator();
    let ctx: RolloutContext;
    beforeEach(async () => {
      privateDirs();
      approveForAdmin(emu());
      ctx = await rolloutContext(emu(), secretsEnv(emu()));
    });

    it('blocks: PKCE off, no smoke result, managed apps naming package and vendor; lists out-of-scope apps with reasons', async () => {
      const gate = await evaluateGate(ctx.conn, { orgId: ctx.orgId });
      expect(gate.passed).to.equal(false);
      const by = Object.fromEntries(gate.apps.map((a) => [a.app, a]));
      expect(by.Partner_Portal_Sync).to.include({ status: 'blocked', reason: 'PKCE is not required on the app' });
      expect(by.Field_Service_App.status).to.equal('blocked');
      expect(by.Field_Service_App.reason).to.include('no PKCE smoke test recorded');
      expect(by.mcconn__Marketing_Cloud_Connector.status).to.equal('blocked');
      expect(by.mcconn__Marketing_Cloud_Connector.reason).to.include(
        '"mcconn" (Marketing Cloud Connector by Northwind Software)',
      );
      expect(by.mcconn__Marketing_Cloud_Connector.package).to.deep.equal({
        namespace: 'mcconn',
        name: 'Marketing Cloud Connector',
        publisher: 'Northwind Software',
      });
      expect(by.ptnrx__Partner_Analytics.reason).to.include('Contoso Analytics');
      expect(by.Nightly_ETL_Client_Credentials).to.include({
        status: 'out-of-scope',
        reason: 'no authorization code flow (client credentials only)',
      });
      expect(by.CI_JWT_Deployer).to.include({
        status: 'out-of-scope',
        reason: 'no authorization code flow (JWT bearer only)',
      });
      expect(by.Warehouse_Client_Credentials.status).to.equal('out-of-scope');
      expect(by.Zapier.status).to.equal('unverifiable');
      expect(gate.blockers.every((b) => b.status === 'blocked')).to.equal(true);
      expect(gate.requirePkce).to.equal(false);
    });

    it('a stale smoke result blocks (settings changed after the test); waivers let managed apps through with their reason', async () => {
      const plan = parsePlan('apps: [Field_Service_App]\noptions: {requirePkce: false, skipRtr: true}');
      expect((await runRollout(ctx, { plan, planFile: 'p.yaml' })).status).to.equal('completed');
      let gate = await evaluateGate(ctx.conn, { orgId: ctx.orgId });
      expect(gate.apps.find((a) => a.app === 'Field_Service_App')?.status).to.equal('pass');
      // Any change of the app's settings component makes the evidence stale.
      const toggle = await planToggle(ctx.conn, { setting: 'rtr', value: false, apps: ['Field_Service_App'] });
      await applyToggle(ctx.conn, toggle, { backup: { orgId: ctx.orgId, username: ctx.username, operation: 'test' } });
      gate = await evaluateGate(ctx.conn, {
        orgId: ctx.orgId,
        waivers: [{ app: 'mcconn__Marketing_Cloud_Connector', reason: 'vendor confirmed PKCE' }],
      });
      const fsa = gate.apps.find((a) => a.app === 'Field_Service_App');
      expect(fsa?.status).to.equal('blocked');
      expect(fsa?.reason).to.include('before its settings last changed');
      expect(fsa?.smoke?.current).to.equal(false);
      const waived = gate.apps.find((a) => a.app === 'mcconn__Marketing_Cloud_Connector');
      expect(waived?.status).to.equal('waived');
      expect(waived?.reason).to.include('vendor confirmed PKCE').and.include('Northwind Software');
    });

    it('a failing smoke result blocks with the failing check', async () => {
      const env = { ...ctx.env };
      delete env.SF_OAUTH_CLIENT_SECRET_REPORTING_PORTAL;
      const plan = parsePlan('apps: [Reporting_Portal]\noptions: {requirePkce: false, skipRtr: true}');
      await runRollout({ ...ctx, env }, { plan, planFile: 'p.yaml' });
      const gate = await evaluateGate(ctx.conn, { orgId: ctx.orgId });
      expect(gate.apps.find((a) => a.app === 'Reporting_Portal')?.reason).to.include(
        'did not pass: s256-flow was not-applicable',
      );
    });
  });

  describe('on an org whose every client is ready', () => {
    const emu = useEmulator(() => ({ seed: fixedVendorsSeed() }));

    it('passes once every in-scope app is proven; Require PKCE then changes only isPkceRequired, and --undo turns it off', async () => {
      privateDirs();
      approveForAdmin(emu());
      const ctx = await rolloutContext(
        emu(),
        secretsEnv(emu(), [
          ...[
            'Partner_Portal_Sync',
            'Data_Loader_Legacy',
            'Reporting_Portal',
            'Billing_Integration',
            'Support_Console',
          ],
          'mcconn__Marketing_Cloud_Connector',
          'ptnrx__Partner_Analytics',
        ]),
      );
      const before = (await readOauthOidc(ctx.conn)).xml;
      const result = await runRollout(ctx, {
        plan: parsePlan('apps: [all-in-scope]\noptions: {requirePkce: false}'),
        planFile: 'p.yaml',
      });
      expect(result.status).to.equal('completed');
      // The managed apps have PKCE on but were never tested: the rollout does not own them.
      let gate = await evaluateGate(ctx.conn, { orgId: ctx.orgId });
      expect(gate.blockers.map((b) => b.app)).to.deep.equal([
        'mcconn__Marketing_Cloud_Connector',
        'ptnrx__Partner_Analytics',
      ]);
      expect(gate.blockers[0].reason).to.include('no PKCE smoke test recorded');
      const { resolveClients } = await import('../../src/oauth/client-config.js');
      const { frontdoorSource } = await import('../../src/oauth/code-source.js');
      const { runVerify } = await import('../../src/smoke/runner.js');
      const { storeRun } = await import('../../src/smoke/results-store.js');
      const { TokenLedger } = await import('../../src/smoke/ledger.js');
      const { Secret } = await import('../../src/oauth/secret.js');
      const configs = await resolveClients(ctx.conn, {
        apps: ['mcconn__Marketing_Cloud_Connector', 'ptnrx__Partner_Analytics'],
        kind: 'pkce',
      });
      const runs = await runVerify({
        kind: 'pkce',
        apps: configs.map((config) => ({ config, secret: new Secret(emu().consumerSecret(config.app) ?? '') })),
        source: frontdoorSource(ctx.instanceUrl, ctx.accessToken),
        ledger: new TokenLedger(),
        concurrency: 2,
        http: {},
      });
      for (const run of runs) await storeRun(ctx.orgId, run);
      gate = await evaluateGate(ctx.conn, { orgId: ctx.orgId });
      expect(gate.passed, JSON.stringify(gate.blockers)).to.equal(true);

      const check = await setRequirePkce(ctx.conn, true, { dryRun: true });
      expect(check).to.include({ dryRun: true, failed: false, before: false });
      expect(orgRequiresPkce(emu())).to.equal(false);
      const on = await setRequirePkce(ctx.conn, true);
      expect(on).to.include({ changed: true, after: true, failed: false });
      expect(orgRequiresPkce(emu())).to.equal(true);
      const after = (await readOauthOidc(ctx.conn)).xml;
      expect(after).to.equal(
        before.replace('<isPkceRequired>false</isPkceRequired>', '<isPkceRequired>true</isPkceRequired>'),
      );
      const again = await setRequirePkce(ctx.conn, true);
      expect(again.changed).to.equal(false);
      expect(again.deployId).to.equal(undefined);
      const off = await setRequirePkce(ctx.conn, false);
      expect(off.after).to.equal(false);
      expect((await readOauthOidc(ctx.conn)).xml).to.equal(before);
    });
  });
});

describe('rollout plan format', () => {
  it('reads YAML and JSON with defaults', () => {
    const yaml = parsePlan(
      'apps: [needs-action, Acme_Mobile]\nexclude: [Data_Loader_Legacy]\noptions:\n  skipRtr: true\n  secretEnv: {Acme_Mobile: MY_SECRET}\n',
    );
    expect(yaml.apps).to.deep.equal(['needs-action', 'Acme_Mobile']);
    expect(yaml.options).to.deep.include({
      skipRtr: true,
      rollbackOnSmokeFailure: true,
      requirePkce: true,
      concurrency: 8,
      days: 90,
      retries: 3,
    });
    expect(yaml.options.secretEnv).to.deep.equal({ Acme_Mobile: 'MY_SECRET' });
    expect(parsePlan(JSON.stringify({ apps: ['all-in-scope'] })).apps).to.deep.equal(['all-in-scope']);
  });

  it('refuses bad plans with every problem named', () => {
    try {
      parsePlan(
        'apps: []\ncolor: blue\nwaive: [{app: X}]\noptions: {concurrency: 0, skipRtr: "yes", secretEnv: {A: "s3cr3t value!"}, turbo: true}',
      );
      expect.fail('must be refused');
    } catch (e) {
      expect(e).to.be.instanceOf(PlanError);
      const problems = (e as PlanError).problems.join('\n');
      for (const text of [
        'unknown field "color"',
        'apps: must name at least one',
        'waive[0].reason',
        'options.concurrency',
        'options.skipRtr',
        'options.secretEnv.A',
        'options.turbo',
      ]) {
        expect(problems).to.include(text);
      }
    }
    expect(() => parsePlan('apps: [\n')).to.throw(PlanError, /neither valid YAML nor valid JSON/);
    expect(() => parsePlan('- a\n- b\n')).to.throw(PlanError, /must be a mapping/);
  });

  it('has a committed JSON schema that names the same fields', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'plan', 'rollout-plan.json'), 'utf8')) as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
    };
    expect(Object.keys(schema.properties).sort()).to.deep.equal([
      '$schema',
      'apps',
      'exclude',
      'options',
      'version',
      'waive',
    ]);
    expect(Object.keys(schema.properties.options.properties ?? {}).sort()).to.deep.equal([
      'concurrency',
      'days',
      'requirePkce',
      'retries',
      'rollbackOnSmokeFailure',
      'secretEnv',
      'skipRtr',
    ]);
  });

  describe('starter plan', () => {
    const emu = useEmulator();
    it('selects what needs action and suggests (commented) waivers for managed apps, with no secret in it', async () => {
      privateDirs();
      const ctx = await rolloutContext(emu(), {});
      const inventory = await buildInventory(ctx.conn, { days: 90 });
      const { text, plan } = starterPlan(inventory.result, 'yaml');
      expect(plan.apps).to.deep.equal(['needs-action']);
      expect(parsePlan(text)).to.deep.equal(plan);
      expect(text).to.include('#   - app: mcconn__Marketing_Cloud_Connector');
      expect(text).to.include('SF_OAUTH_CLIENT_SECRET_PARTNER_PORTAL_SYNC');
      expect(text).not.to.include(emu().consumerSecret('Partner_Portal_Sync'));
      expect(JSON.parse(starterPlan(inventory.result, 'json').text)).to.deep.equal(plan);
    });
  });
});
