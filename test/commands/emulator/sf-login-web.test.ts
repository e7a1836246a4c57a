/*
 * The official `sf org login web` (the real @salesforce/cli, jsforce underneath) against the emulator, with a scripted
 * browser in place of a person: it must log in, work afterwards (a refresh included), and the conformance report must
 * give its client (`PlatformCLI`) no failure. It omits code_challenge_method and sends a 171-character verifier, which
 * Salesforce accepts on every org: advice, not failures (behaviours rows enforce.pkce-method-absent,
 * enforce.pkce-verifier-length). A badly-behaved example client against the same emulator still fails, so the report
 * is shown to tell the two apart.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { behaviourVariants } from '../../../src/emulator/behaviours.js';
import { reportFromUrl } from '../../../src/emulator/conformance/source.js';
import type { OrgEmulator } from '../../../src/emulator/server.js';
import { ADMIN, PUBLIC_APP, badClient, failing, ordinaryDay, verdicts } from '../../emulator/conformance/helpers.js';
import { ROOT, freePort, isolatedEnv, type CliResult } from '../../helpers/cli.js';
import { useEmulator } from '../../helpers/emulator.js';

const SF = path.join(ROOT, 'node_modules', '@salesforce', 'cli', 'bin', 'run.js');
const BROWSER_PROGRAM = path.join(ROOT, 'test', 'commands', 'emulator', 'fixtures', 'scripted-browser.ts');
/** sf's default OAuth callback port; PlatformCLI's registered callback is http://localhost:1717/OauthRedirect. */
const SF_DEFAULT_PORT = 1717;

/** Whether nothing listens on localhost:port (sf's callback server binds `localhost`). */
const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, 'localhost', () => server.close(() => resolve(true)));
  });

function runSf(args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs = 150_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SF, ...args], { env, cwd });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end();
  });
}

type SfJson<T> = { status: number; result: T };

describe('the official sf org login web against the emulator', function () {
  this.timeout(400_000);
  // Whether Salesforce judges the challenge at authorize or at the exchange, the official CLI must log in and get no failure.
  for (const variant of behaviourVariants(['pkceChallengeCheck'])) {
    describe(variant.label, () => {
      const emu = useEmulator({ behaviours: variant.behaviours });
      loginWebTest(emu);
    });
  }
});

function loginWebTest(emu: () => OrgEmulator): void {
  // A TestSession (HOME) for each test: the real sf CLI keeps the authorization there.
  const session = isolatedEnv('test');
  it('logs in through a scripted browser, refreshes, and gets no conformance failure; a badly-behaved client still fails', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'sf-login-web-'));
    const log = path.join(work, 'browser.log');
    // The browser: $BROWSER for xdg-open. It returns at once, as a real browser does, so that sf goes on to wait for
    // the callback, and follows the pages in the background.
    const browser = path.join(work, 'browser.sh');
    writeFileSync(
      browser,
      `#!/bin/sh\n(cd '${ROOT}' && SCRIPTED_BROWSER_USER='${ADMIN}' '${process.execPath}' --import tsx --no-warnings '${BROWSER_PROGRAM}' "$1" >> '${log}' 2>&1) &\nexit 0\n`,
    );
    chmodSync(browser, 0o755);
    // sf reads its callback port from sfdx-project.json (oauthLocalPort). The default 1717 is PlatformCLI's registered
    // callback; when another process holds it, use a free port and register that callback too (as a custom app would).
    let port = SF_DEFAULT_PORT;
    if (!(await portFree(port))) {
      port = await freePort();
      emu().store.state.builtinClients[0].callbackUrls.push(`http://localhost:${port}/OauthRedirect`);
    }
    const project = path.join(work, 'project');
    mkdirSync(path.join(project, 'force-app'), { recursive: true });
    writeFileSync(
      path.join(project, 'sfdx-project.json'),
      JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], oauthLocalPort: port }),
    );
    const env: NodeJS.ProcessEnv = {
      ...session,
      BROWSER: browser,
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_DISABLE_DNS_CHECK: 'true',
      SF_CONTAINER_MODE: 'false',
      SFDX_CONTAINER_MODE: 'false',
    };
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete env[name];

    const login = await runSf(
      ['org', 'login', 'web', '--instance-url', emu().url, '--alias', 'webemu', '--json'],
      env,
      project,
    );
    const browserLog = readFileSync(log, 'utf8');
    expect(login.code, `${login.stdout}\n${login.stderr}\n${browserLog}`).to.equal(0);
    expect(browserLog).to.match(/^callback \/OauthRedirect, then \/OauthSuccess HTTP 200$/m);
    const loggedIn = (JSON.parse(login.stdout) as SfJson<{ username: string; instanceUrl: string }>).result;
    expect(loggedIn).to.include({ username: ADMIN, instanceUrl: emu().url });

    const display = await runSf(['org', 'display', '--target-org', 'webemu', '--json'], env, project);
    expect(display.code, `${display.stdout}\n${display.stderr}`).to.equal(0);
    expect((JSON.parse(display.stdout) as SfJson<{ username: string; connectedStatus: string }>).result).to.include({
      username: ADMIN,
      connectedStatus: 'Connected',
    });

    // The session ends: the next command refreshes with the stored refresh token, as sf does on a real org.
    emu().store.expireAllAccessTokens();
    const afterExpiry = await runSf(['org', 'display', '--target-org', 'webemu', '--json'], env, project);
    expect(afterExpiry.code, `${afterExpiry.stdout}\n${afterExpiry.stderr}`).to.equal(0);
    expect((JSON.parse(afterExpiry.stdout) as SfJson<{ connectedStatus: string }>).result).to.include({
      connectedStatus: 'Connected',
    });

    // An example client with a real mistake (it drops the rotated refresh token) against the same emulator.
    // The pause between its refreshes is longer than the recorder's race window (1 s), so this is no lost race.
    await ordinaryDay(badClient(emu(), PUBLIC_APP, ['drop-rotated-token']), 1100);

    const report = await reportFromUrl(emu().url);
    const cli = report.clients.find((c) => c.clientId === 'PlatformCLI');
    expect(cli, 'no activity of PlatformCLI recorded').to.not.equal(undefined);
    expect(failing(report, 'Salesforce CLI')).to.deep.equal([]);
    const v = verdicts(report, 'Salesforce CLI');
    expect(v['pkce.challenge']).to.equal('pass');
    expect(v['pkce.s256']).to.equal('advice');
    expect(v['pkce.verifier-format']).to.equal('advice');
    expect(v['pkce.verifier-not-hash']).to.equal('pass');
    expect(v['pkce.verifier-match']).to.equal('pass');
    expect(v['secret.public']).to.equal('pass');
    // The refresh after the expiry: one at a time, with no code_verifier (sfdx-core refreshes with a fresh OAuth2).
    expect(v['rtr.parallel']).to.equal('pass');
    expect(cli?.requirements.find((r) => r.id === 'rtr.parallel')?.counts).to.include({
      refreshes: 1,
      withCurrentToken: 1,
    });
    expect(cli?.verifierLength).to.deep.equal({ min: 171, max: 171 });
    const s256 = cli?.requirements.find((r) => r.id === 'pkce.s256');
    expect(s256?.counts).to.include({ methodAbsent: 1, S256: 0 });
    expect(s256?.fix).to.equal(undefined);
    expect((await reportFromUrl(emu().url, ['PlatformCLI'])).success).to.equal(true);

    expect(failing(report, PUBLIC_APP)).to.deep.equal(['rtr.store-rotated']);
    expect(report.success).to.equal(false);
  });
}
