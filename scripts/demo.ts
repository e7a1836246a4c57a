/*
 * `npm run demo`: a short rollout rehearsal against the local org emulator, end to end, with the real Metadata API
 * client (SDR through @salesforce/core) and real OAuth requests:
 *   1. inventory of the org's OAuth clients and their PKCE / RTR flags (one retrieve);
 *   2. PKCE on for one app through a one-element metadata edit, proven live (no challenge -> refused; S256 -> tokens);
 *   3. RTR on for the same app, proven live (new refresh token each time; replay of an old one revokes the chain);
 *   4. the org-wide "Require PKCE" switch, and the client it would break.
 * No token or secret is printed.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const home = mkdtempSync(path.join(tmpdir(), 'sf-oauth-demo-'));
Object.assign(process.env, { HOME: home, USERPROFILE: home, SF_USE_GENERIC_UNIX_KEYCHAIN: 'true', SF_DISABLE_LOG_FILE: 'true', SF_DISABLE_TELEMETRY: 'true' });

const { AuthInfo, Connection, Lifecycle } = await import('@salesforce/core');
const { ComponentSet, RequestStatus } = await import('@salesforce/source-deploy-retrieve');
const { OrgEmulator } = await import('../src/emulator/server.js');
const { FrontdoorSession } = await import('../src/oauth/frontdoor.js');
const { newPkcePair } = await import('../src/oauth/pkce.js');
const { exchangeCode, refresh, revoke } = await import('../src/oauth/token-client.js');
const { readLeaf, setLeaf } = await import('../src/metadata/flag-edit.js');

// @salesforce/core warns about http:// URLs; the emulator only listens on loopback.
Lifecycle.getInstance().onWarning(() => Promise.resolve());

const APP = 'Partner_Portal_Sync';
const say = (line = ''): void => void process.stdout.write(line + '\n');
const step = (n: number, title: string): void => say(`\n${n}. ${title}`);
const check = (ok: boolean, text: string): void => {
  say(`   ${ok ? 'ok ' : 'FAIL'} ${text}`);
  if (!ok) process.exitCode = 1;
};

const emulator = await OrgEmulator.start({ port: 0 });
try {
  say(`sf oauth demo: rehearsing a PKCE and refresh token rotation rollout on a local org emulator at ${emulator.url}`);
  const authInfo = await AuthInfo.create({ accessTokenOptions: { accessToken: emulator.accessTokenFor(), instanceUrl: emulator.url, loginUrl: emulator.url } });
  const conn = await Connection.create({ authInfo });
  const project = mkdtempSync(path.join(tmpdir(), 'sf-oauth-demo-project-'));
  writeFileSync(path.join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' }));

  step(1, 'Inventory: retrieve every Connected App and External Client App OAuth setting (one Metadata API retrieve)');
  const members = [
    { fullName: '*', type: 'ConnectedApp' },
    { fullName: '*', type: 'ExtlClntAppGlobalOauthSettings' },
  ];
  const retrieve = await new ComponentSet(members).retrieve({ usernameOrConnection: conn, output: path.join(project, 'force-app'), merge: false });
  const retrieved = await retrieve.pollStatus(100, 60);
  check(retrieved.response.status === RequestStatus.Succeeded, `retrieve ${retrieved.response.status}`);
  const files = listFiles(path.join(project, 'force-app')).filter((f) => /\.(connectedApp|ecaGlblOauth)-meta\.xml$/.test(f));
  say('   app                                   kind  PKCE  RTR');
  for (const file of files.sort()) {
    const xml = readFileSync(file, 'utf8');
    const ca = file.endsWith('.connectedApp-meta.xml');
    const parent = ca ? ['oauthConfig'] : [];
    if (ca && !xml.includes('<oauthConfig>')) continue;
    const name = path.basename(file).replace(/\.(connectedApp|ecaGlblOauth)-meta\.xml$/, '');
    const pkce = readLeaf(xml, parent, 'isPkceRequired') === 'true' ? 'on' : 'off';
    const rtr = readLeaf(xml, parent, 'isRefreshTokenRotationEnabled') === 'true' ? 'on' : 'off';
    say(`   ${name.padEnd(38)}${(ca ? 'CA' : 'ECA').padEnd(6)}${pkce.padEnd(6)}${rtr}`);
  }

  const appFile = files.find((f) => path.basename(f) === `${APP}.connectedApp-meta.xml`) as string;
  const original = readFileSync(appFile, 'utf8');
  const clientId = readLeaf(original, ['oauthConfig'], 'consumerKey') as string;
  const redirectUri = (readLeaf(original, ['oauthConfig'], 'callbackUrl') as string).split(/\s+/)[0];
  const client = { clientId, clientSecret: emulator.consumerSecret(APP) };
  const session = await FrontdoorSession.open(emulator.url, emulator.accessTokenFor());

  step(2, `PKCE on for ${APP} (confidential client, admin pre-authorized)`);
  const before = await session.authorize({ clientId, redirectUri });
  check(before.kind === 'code', `before: an authorization request without a code_challenge still gets a code (${before.kind})`);
  await deployEdit(appFile, 'isPkceRequired');
  const refused = await session.authorize({ clientId, redirectUri });
  check(refused.kind === 'error' && refused.errorDescription === 'missing required code challenge', `after: without a challenge -> ${outcomeText(refused)}`);
  const pkce = newPkcePair();
  const granted = await session.authorize({ clientId, redirectUri, codeChallenge: pkce.challenge, codeChallengeMethod: 'S256', scope: 'api refresh_token' });
  const wrong = granted.kind === 'code' ? await exchangeCode(emulator.url, client, { code: granted.code, redirectUri, codeVerifier: newPkcePair().verifier }) : undefined;
  check(wrong?.ok === false && wrong.error === 'invalid_grant', `a wrong code_verifier -> ${wrong && !wrong.ok ? `${wrong.error}: ${wrong.errorDescription}` : 'accepted'}`);
  const granted2 = await session.authorize({ clientId, redirectUri, codeChallenge: pkce.challenge, codeChallengeMethod: 'S256', scope: 'api refresh_token' });
  const tokens = granted2.kind === 'code' ? await exchangeCode(emulator.url, client, { code: granted2.code, redirectUri, codeVerifier: pkce.verifier }) : undefined;
  check(tokens?.ok === true && Boolean(tokens.refreshToken), 'S256 challenge + verifier + client secret -> access and refresh token');

  step(3, `Refresh token rotation on for ${APP}`);
  await deployEdit(appFile, 'isRefreshTokenRotationEnabled');
  const first = tokens?.ok ? tokens.refreshToken ?? '' : '';
  const r1 = await refresh(emulator.url, client, first);
  check(r1.ok && Boolean(r1.refreshToken) && r1.refreshToken !== first, 'a refresh returns a new refresh token');
  const second = r1.ok ? r1.refreshToken ?? '' : '';
  const replay = await refresh(emulator.url, client, first);
  check(!replay.ok && replay.error === 'invalid_grant', `replaying the rotated-out token -> ${replay.ok ? 'accepted' : `${replay.error}: ${replay.errorDescription}`}`);
  const afterReplay = await refresh(emulator.url, client, second);
  check(!afterReplay.ok, 'and the chain is revoked: the newest token no longer works either');
  await revoke(emulator.url, second);

  step(4, 'Org-wide "Require PKCE" (OauthOidcSettings.isPkceRequired)');
  const billing = emulator.store.components('ExtlClntAppGlobalOauthSettings').find((c) => c.fullName.startsWith('Billing_Integration'));
  const billingKey = String(billing?.value.consumerKey ?? '');
  const settingsDir = path.join(project, 'force-app', 'settings');
  mkdirSync(settingsDir, { recursive: true });
  writeFileSync(
    path.join(settingsDir, 'OauthOidc.settings-meta.xml'),
    '<?xml version="1.0" encoding="UTF-8"?>\n<OauthOidcSettings xmlns="http://soap.sforce.com/2006/04/metadata">\n    <isPkceRequired>true</isPkceRequired>\n</OauthOidcSettings>\n'
  );
  const gate = await ComponentSet.fromSource(settingsDir).deploy({ usernameOrConnection: conn });
  const gateResult = await gate.pollStatus(100, 60);
  check(gateResult.response.success, 'deployed OauthOidc settings with isPkceRequired=true');
  const missed = await session.authorize({ clientId: billingKey, redirectUri: 'https://billing.acme.example.com/oauth/callback' });
  check(missed.kind === 'error', `Billing_Integration (PKCE never enabled) now fails without a challenge -> ${outcomeText(missed)}`);
  say('\n   This is why the order matters: update clients, enable PKCE and RTR per app, verify, and only then flip the org-wide switch.');
  say(`\nEmulator answered ${emulator.stats.requests} requests. ${process.exitCode ? 'Some steps FAILED.' : 'All steps passed.'}`);

  async function deployEdit(file: string, element: string): Promise<void> {
    const xml = readFileSync(file, 'utf8');
    const edit = setLeaf(xml, { path: ['oauthConfig'], element, value: 'true' });
    writeFileSync(file, edit.xml);
    const deploy = await ComponentSet.fromSource(file).deploy({ usernameOrConnection: conn });
    const result = await deploy.pollStatus(100, 60);
    check(result.response.success, `deployed ${path.basename(file)} with only <${element}> changed (${edit.previous ?? 'absent'} -> true)`);
  }
} finally {
  await emulator.stop();
}

function outcomeText(outcome: { kind: string; error?: string; errorDescription?: string }): string {
  return outcome.kind === 'error' ? `${outcome.error}: ${outcome.errorDescription}` : outcome.kind;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
