/*
 * `npm run demo`: a whole PKCE and refresh token rotation rollout of the local org emulator's default org, with one
 * call of the rollout core (what `sf oauth rollout run --plan FILE` does), real Metadata API deploys and real OAuth
 * smoke tests:
 *   1. the inventory, and the Require PKCE gate refusing the org as it is;
 *   2. a plan, then the rollout: audit -> backup -> PKCE on -> PKCE smoke tests -> RTR on -> RTR smoke tests -> Require PKCE;
 *   3. proof: a client that sends no code_challenge is now refused;
 *   4. undo: every app and the org-wide setting back as they were.
 * Runs in a throwaway HOME with an sf authorization saved there. No token or secret is printed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const home = mkdtempSync(path.join(tmpdir(), 'sf-oauth-demo-'));
Object.assign(process.env, {
  HOME: home,
  USERPROFILE: home,
  SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
  SF_DISABLE_LOG_FILE: 'true',
  SF_DISABLE_TELEMETRY: 'true',
  SF_DISABLE_DNS_CHECK: 'true',
});

const { Lifecycle, Org } = await import('@salesforce/core');
const { OrgEmulator } = await import('../src/emulator/server.js');
const { saveCliAuthorization } = await import('../src/emulator/sf-auth.js');
const { buildInventory } = await import('../src/apps/inventory.js');
const { evaluateGate } = await import('../src/rollout/gate.js');
const { readPlan } = await import('../src/rollout/plan.js');
const { runRollout, undoRollout } = await import('../src/rollout/run.js');
const { phaseTitle } = await import('../src/rollout/summary.js');
const { secretEnvName } = await import('../src/oauth/secret.js');
const { FrontdoorSession } = await import('../src/oauth/frontdoor.js');

// @salesforce/core warns about http:// URLs; the emulator only listens on loopback.
Lifecycle.getInstance().onWarning(() => Promise.resolve());

const say = (line = ''): void => void process.stdout.write(line + '\n');
const check = (ok: boolean, text: string): void => {
  say(`   ${ok ? 'ok ' : 'FAIL'} ${text}`);
  if (!ok) process.exitCode = 1;
};

const emulator = await OrgEmulator.start({ port: 0 });
try {
  say(`sf oauth demo: a scripted PKCE and rotation rollout of a local org emulator at ${emulator.url}`);
  await saveCliAuthorization(emulator, 'demo');
  const org = await Org.create({ aliasOrUsername: 'demo' });
  const conn = org.getConnection();
  const orgId = org.getOrgId();
  // What the admin does once before a rollout: approve the self-authorized apps for the user the smoke tests sign in
  // as, and hand the smoke tests the confidential clients' consumer secrets through the environment.
  const admin = emulator.store.state.users.find((u) => u.username.startsWith('admin@'));
  const inventory = await buildInventory(conn, { days: 90 });
  for (const app of inventory.result.apps) {
    if (admin && app.consumerKey) emulator.store.approve(admin.id, app.consumerKey);
    const secret = app.clientType === 'confidential' ? emulator.consumerSecret(app.name) : undefined;
    if (secret) process.env[secretEnvName(app.name)] = secret;
  }

  say('\n1. The org as it is');
  // The same counts as `sf oauth app list`'s summary line: apps that break at enforcement, then every verdict.
  const { summary } = inventory.result;
  const verdicts = Object.entries(summary.verdicts)
    .filter(([, n]) => n > 0)
    .map(([verdict, n]) => `${n} ${verdict}`)
    .join(', ');
  say(`   ${summary.apps} OAuth apps: ${summary.breaksAtEnforcement} break at enforcement; ${verdicts}`);
  const before = await evaluateGate(conn, { orgId });
  check(
    !before.passed,
    `the Require PKCE gate refuses: ${before.blockers.length} app(s) block it (e.g. ${before.blockers[0]?.app}: ${before.blockers[0]?.reason})`,
  );

  say('\n2. sf oauth rollout run --plan rollout-plan.yaml');
  const planFile = path.join(home, 'rollout-plan.yaml');
  writeFileSync(
    planFile,
    [
      'apps: [all-in-scope]',
      'waive:   # the two managed-package apps: only their vendors can change them',
      '  - app: mcconn__Marketing_Cloud_Connector',
      '    reason: Northwind confirmed their client sends PKCE (S256)',
      '  - app: ptnrx__Partner_Analytics',
      '    reason: Contoso confirmed their client sends PKCE (S256)',
      '',
    ].join('\n'),
  );
  const { plan } = await readPlan(planFile);
  const started = Date.now();
  const result = await runRollout(
    {
      conn,
      orgId,
      username: org.getUsername() ?? '',
      instanceUrl: conn.instanceUrl,
      accessToken: async () => {
        await org.refreshAuth();
        return org.getConnection().accessToken ?? '';
      },
    },
    {
      plan,
      planFile,
      onEvent: (e) => {
        if (e.type !== 'phase' || e.status === 'started') return;
        say(`   ${e.status === 'done' ? 'ok ' : e.status === 'skipped' ? ' - ' : 'FAIL'} ${phaseTitle(e.phase)}`);
      },
    },
  );
  check(
    result.status === 'completed',
    `rollout ${result.status} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.apps.length} apps, ${result.steps.length} steps journaled`,
  );
  for (const s of result.staleTokens)
    say(`   warn ${s.app}: ${s.tokens} refresh token(s) unused for over 30 days (the idle timeout will expire them)`);

  say('\n3. Org-wide Require PKCE is on');
  const gate = await evaluateGate(conn, { orgId, waivers: plan.waive });
  check(
    gate.passed && gate.requirePkce === true,
    `every in-scope app proven (${gate.summary.pass}), ${gate.summary.waived} waived, ${gate.summary['out-of-scope']} out of scope`,
  );
  const session = await FrontdoorSession.open(emulator.url, org.getConnection().accessToken ?? '');
  const mcconn = inventory.result.apps.find((a) => a.name === 'mcconn__Marketing_Cloud_Connector');
  const noChallenge = await session.authorize({
    clientId: mcconn?.consumerKey ?? '',
    redirectUri: 'https://connector.northwind.example.com/oauth/callback',
  });
  check(
    noChallenge.kind === 'error',
    `a client that sends no code_challenge is refused, even on an app with PKCE off (${noChallenge.kind === 'error' ? noChallenge.errorDescription : noChallenge.kind})`,
  );

  say('\n4. sf oauth rollout undo');
  const undo = await undoRollout({
    conn,
    orgId,
    username: org.getUsername() ?? '',
    instanceUrl: conn.instanceUrl,
    accessToken: (): Promise<string> => Promise.resolve(''),
  });
  const after = await buildInventory(conn, { days: 90 });
  check(
    undo.status === 'done' && after.result.orgSettings.requirePkce === false,
    `Require PKCE off again, ${undo.restored.length} backup(s) restored newest first`,
  );
  check(
    JSON.stringify(after.result.apps.map((a) => [a.name, a.pkceRequired, a.rtrEnabled])) ===
      JSON.stringify(inventory.result.apps.map((a) => [a.name, a.pkceRequired, a.rtrEnabled])),
    'every app has its PKCE and rotation settings as before',
  );
  say(
    `\nEmulator answered ${emulator.stats.requests} requests. ${process.exitCode ? 'Some steps FAILED.' : 'All steps passed.'}`,
  );
} finally {
  await emulator.stop();
}
