import { expect } from 'chai';
import { DEFAULT_SEED } from '../../src/emulator/seed/default.js';
import type { OrgSeed } from '../../src/emulator/seed/types.js';
import type { OrgEmulator } from '../../src/emulator/server.js';
import { Secret } from '../../src/oauth/secret.js';
import { toJunit } from '../../src/smoke/junit.js';
import { summarize, type VerifyResult } from '../../src/smoke/model.js';
import { coreConnection } from '../helpers/core.js';
import { useEmulator } from '../helpers/emulator.js';
import { verifyApps } from './harness.js';

const PLANTED = 'planted-consumer-secret-7f3a9c1e5b2d4086';

function seedWithPlantedSecret(): OrgSeed {
  const seed = structuredClone(DEFAULT_SEED);
  for (const app of seed.apps)
    if (app.name === 'Support_Console' || app.name === 'Partner_Portal_Sync') app.consumerSecret = PLANTED;
  return seed;
}

/** Hashes of every live refresh-token chain and access token. */
function liveState(emu: OrgEmulator): { grants: string[]; access: string[] } {
  return {
    grants: emu.store
      .liveGrants()
      .filter((g) => g.refreshHash)
      .map((g) => g.id)
      .sort(),
    access: emu.store.state.accessTokens.map((t) => t.hash).sort(),
  };
}

describe('verify checks against the emulator', function () {
  this.timeout(60_000);
  const emulator = useEmulator(() => ({ seed: seedWithPlantedSecret() }));
  const secrets = (): Record<string, Secret> => ({
    Support_Console: new Secret(PLANTED),
    Partner_Portal_Sync: new Secret(PLANTED),
  });

  it('PKCE on: every PKCE check passes (public and confidential), plain is reported, and no token is left', async () => {
    const emu = emulator();
    const conn = await coreConnection(emu);
    const before = liveState(emu);
    const h = await verifyApps(conn, 'pkce', ['Field_Service_App', 'Ops_Dashboard_Local', 'Support_Console'], {
      secrets: secrets(),
    });
    for (const app of ['Field_Service_App', 'Ops_Dashboard_Local', 'Support_Console']) {
      expect(h.verdicts(app), app).to.deep.equal({
        's256-flow': 'pass',
        'authorize-without-challenge': 'pass',
        'wrong-verifier': 'pass',
        'missing-verifier': 'pass',
        'client-authentication': 'pass',
        'plain-method': 'info',
      });
      expect(h.byApp(app).verdict).to.equal('pass');
      expect(h.byApp(app).timings.ms).to.be.a('number');
    }
    const sc = h.byApp('Support_Console').checks;
    expect(sc.find((c) => c.id === 'client-authentication')?.evidence).to.deep.include({
      at: 'token',
      status: 400,
      error: 'invalid_client',
      error_description: 'invalid client credentials',
    });
    expect(sc.find((c) => c.id === 'authorize-without-challenge')?.evidence).to.deep.include({
      at: 'authorize',
      error: 'invalid_request',
      error_description: 'missing required code challenge',
    });
    expect(sc.find((c) => c.id === 'wrong-verifier')?.evidence).to.deep.include({
      error: 'invalid_grant',
      error_description: 'invalid code verifier',
    });
    expect(h.byApp('Field_Service_App').settingsLastModified).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(h.byApp('Field_Service_App').settingsComponent?.type).to.equal('ExtlClntAppGlobalOauthSettings');
    expect(h.byApp('Ops_Dashboard_Local').settingsComponent).to.deep.equal({
      type: 'ConnectedApp',
      fullName: 'Ops_Dashboard_Local',
    });
    expect(liveState(emu)).to.deep.equal(before);
    expect(h.ledger.live()).to.equal(0);
  });

  it('PKCE off (Partner_Portal_Sync): only the authorize-without-challenge check fails, with the token answer as evidence', async () => {
    const emu = emulator();
    const conn = await coreConnection(emu);
    const before = liveState(emu);
    const h = await verifyApps(conn, 'pkce', ['Partner_Portal_Sync'], { secrets: secrets() });
    expect(h.verdicts('Partner_Portal_Sync')).to.deep.equal({
      's256-flow': 'pass',
      'authorize-without-challenge': 'fail',
      'wrong-verifier': 'pass',
      'missing-verifier': 'pass',
      'client-authentication': 'pass',
      'plain-method': 'info',
    });
    const check = h.byApp('Partner_Portal_Sync').checks.find((c) => c.id === 'authorize-without-challenge');
    expect(check?.evidence).to.deep.equal({ at: 'token', status: 200 });
    expect(check?.note).to.include('isPkceRequired is false');
    expect(h.byApp('Partner_Portal_Sync').verdict).to.equal('fail');
    expect(liveState(emu)).to.deep.equal(before);
  });

  it('a confidential client without its secret: the exchanges that need it are not applicable, and the secret is still shown to be required', async () => {
    const conn = await coreConnection(emulator());
    const h = await verifyApps(conn, 'pkce', ['Support_Console']);
    expect(h.verdicts('Support_Console')).to.deep.include({
      's256-flow': 'not-applicable',
      'authorize-without-challenge': 'pass',
      'wrong-verifier': 'not-applicable',
      'missing-verifier': 'not-applicable',
      'client-authentication': 'pass',
    });
    expect(h.byApp('Support_Console').checks[0].note).to.include('SF_OAUTH_CLIENT_SECRET_SUPPORT_CONSOLE');
    // Other checks passed, but the one that decides could not be made: never a pass.
    expect(h.byApp('Support_Console').verdict).to.equal('not-proven');
  });

  it('RTR: an app without refresh scope is not applicable (out of scope); a confidential one without its secret is not proven', async () => {
    const conn = await coreConnection(emulator());
    const h = await verifyApps(conn, 'rtr', ['CI_JWT_Deployer', 'Support_Console']);
    const noScope = h.byApp('CI_JWT_Deployer');
    expect(noScope.checks.map((c) => [c.verdict, c.outOfScope])).to.deep.equal(
      noScope.checks.map(() => ['not-applicable', true]),
    );
    expect(noScope.verdict).to.equal('not-applicable');
    const noSecret = h.byApp('Support_Console');
    expect(noSecret.checks.every((c) => c.verdict === 'not-applicable' && !c.outOfScope)).to.equal(true);
    expect(noSecret.checks[0].note).to.include('SF_OAUTH_CLIENT_SECRET_SUPPORT_CONSOLE');
    expect(noSecret.verdict).to.equal('not-proven');
  });

  it('RTR on: every rotation check passes; RTR off (Support_Console): rotation and reuse fail, the rest is not applicable', async () => {
    const emu = emulator();
    const conn = await coreConnection(emu);
    const before = liveState(emu);
    const h = await verifyApps(conn, 'rtr', ['Field_Service_App', 'Ops_Dashboard_Local', 'Support_Console'], {
      secrets: secrets(),
      concurrency: 3,
    });
    for (const app of ['Field_Service_App', 'Ops_Dashboard_Local']) {
      expect(h.verdicts(app), app).to.deep.equal({
        rotation: 'pass',
        'new-token-works': 'pass',
        'reuse-rejected': 'pass',
        'chain-revoked': 'pass',
        'concurrent-refresh': 'pass',
      });
      const reuse = h.byApp(app).checks.find((c) => c.id === 'reuse-rejected');
      expect(reuse?.evidence).to.deep.equal({
        at: 'token',
        status: 400,
        error: 'invalid_grant',
        error_description: 'expired access/refresh token',
      });
    }
    expect(h.verdicts('Support_Console')).to.deep.equal({
      rotation: 'fail',
      'new-token-works': 'not-applicable',
      'reuse-rejected': 'fail',
      'chain-revoked': 'not-applicable',
      // Salesforce refuses the duplicate of a refresh in flight with or without rotation: at most one succeeds.
      'concurrent-refresh': 'pass',
    });
    expect(h.byApp('Support_Console').checks[0].note).to.include('isRefreshTokenRotationEnabled is false');
    expect(liveState(emu)).to.deep.equal(before);
  });

  it('concurrent refreshes that overlap get "token request is already being processed" as evidence', async () => {
    const emu = emulator();
    // No latency: the emulator refuses the duplicate whatever its speed (behaviours row refresh.in-flight-duplicate).
    const conn = await coreConnection(emu);
    const h = await verifyApps(conn, 'rtr', ['Field_Service_App']);
    const check = h.byApp('Field_Service_App').checks.find((c) => c.id === 'concurrent-refresh');
    expect(check?.verdict).to.equal('pass');
    expect(check?.evidence).to.deep.include({
      error: 'invalid_grant',
      error_description: 'token request is already being processed',
    });
  });

  it('an app that needs consent: every check errs with the action to approve or pre-authorize it', async () => {
    const conn = await coreConnection(emulator());
    const h = await verifyApps(conn, 'pkce', ['Billing_Integration'], {
      secrets: { Billing_Integration: new Secret('x'.repeat(12)) },
    });
    const run = h.byApp('Billing_Integration');
    expect(run.verdict).to.equal('error');
    expect(run.checks.every((c) => c.verdict === 'error')).to.equal(true);
    expect(run.action).to.match(/Approve the app once.*pre-authorize it/);
    expect(run.checks[0].evidence.error).to.equal('consent_page');
  });

  it('token endpoint HTTP 503 mid-run that persists: a clear error for that app, and every token created so far is revoked', async () => {
    const emu = emulator();
    const conn = await coreConnection(emu);
    const before = liveState(emu);
    emu.faults.add({ match: { grantType: 'refresh_token' }, action: { kind: 'http', status: 503 }, after: 1 });
    const h = await verifyApps(conn, 'rtr', ['Field_Service_App'], { retry: { baseDelayMs: 5 } });
    const run = h.byApp('Field_Service_App');
    expect(run.verdict).to.equal('error');
    expect(run.error).to.include('HTTP 503').and.include('tries');
    expect(run.checks.map((c) => c.verdict)).to.deep.equal(['pass', 'error', 'error', 'error', 'error']);
    expect(run.checks[1].evidence).to.deep.include({ at: 'token', status: 503 });
    expect(liveState(emu)).to.deep.equal(before);
  });

  it('a dropped connection at the token endpoint: a clear transport error, and cleanup still leaves nothing', async () => {
    const emu = emulator();
    const conn = await coreConnection(emu);
    const before = liveState(emu);
    emu.faults.add({ match: { path: '/services/oauth2/token' }, action: { kind: 'drop' }, after: 1, times: 1 });
    const h = await verifyApps(conn, 'pkce', ['Field_Service_App']);
    const run = h.byApp('Field_Service_App');
    expect(run.verdict).to.equal('error');
    expect(run.error).to.match(/connection failed: .*\/services\/oauth2\/token: the server closed the connection/);
    expect(run.checks.some((c) => c.evidence.error === 'transport_error')).to.equal(true);
    expect(liveState(emu)).to.deep.equal(before);
  });

  it('never lets the consumer secret or any issued token into results, JSON or JUnit', async () => {
    const conn = await coreConnection(emulator());
    const pkce = await verifyApps(conn, 'pkce', ['Support_Console', 'Partner_Portal_Sync'], { secrets: secrets() });
    const rtr = await verifyApps(conn, 'rtr', ['Support_Console', 'Partner_Portal_Sync', 'Field_Service_App'], {
      secrets: secrets(),
    });
    const apps = [...pkce.runs, ...rtr.runs];
    const result: VerifyResult = {
      kind: 'pkce',
      orgId: 'x',
      username: 'u',
      serverUrl: 's',
      passed: false,
      summary: summarize(apps),
      apps,
      cleanup: { revoked: 0, notActive: 0, failed: 0 },
      resultFiles: [],
      timings: { startedAt: '', finishedAt: '', ms: 0, concurrency: 4 },
    };
    const outputs = [JSON.stringify(result), toJunit(result)];
    const secretsSeen = [PLANTED, ...pkce.ledger.secrets(), ...rtr.ledger.secrets()];
    expect(secretsSeen.length).to.be.greaterThan(10);
    for (const text of outputs)
      for (const s of secretsSeen) expect(text.includes(s), 'a secret value leaked').to.equal(false);
  });
});
