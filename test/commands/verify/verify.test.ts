/*
 * sf oauth pkce verify / sf oauth rtr verify through the compiled plugin (bin/run.js), against
 * `sf oauth emulator start --alias emu` in another process, and against oidc-provider in this one.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { XMLValidator } from 'fast-xml-parser';
import { DEFAULT_SEED } from '../../../src/emulator/seed/default.js';
import type { VerifyResult } from '../../../src/smoke/model.js';
import { freePort, isolatedEnv, ROOT, runCli, scratchEnv, startCli } from '../../helpers/cli.js';
import { startOidcPeer, type OidcPeer } from '../../oauth/oidc-peer.js';

const PLANTED = 'planted-secret-for-the-cli-test-93be1f0a';
const STACK = /\n\s+at .*:\d+:\d+/;

type Envelope<T> = { status: number; result: T; name?: string; message?: string; actions?: string[] };

describe('sf oauth pkce|rtr verify (bin/run.js)', function () {
  this.timeout(240_000);
  const session = isolatedEnv();
  let env: NodeJS.ProcessEnv;
  let emulator: Awaited<ReturnType<typeof startCli>>;
  let resultsDir: string;
  let peer: OidcPeer;

  before(async () => {
    env = { ...session };
    const home = env.HOME as string;
    resultsDir = path.join(home, 'results');
    const seed = structuredClone(DEFAULT_SEED);
    for (const app of seed.apps)
      if (app.name === 'Partner_Portal_Sync' || app.name === 'Support_Console') app.consumerSecret = PLANTED;
    const seedFile = path.join(home, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    const port = await freePort();
    emulator = await startCli(
      ['oauth', 'emulator', 'start', '--alias', 'emu', '--port', String(port), '--seed', seedFile],
      env,
      /Press Ctrl-C/,
    );
    env = { ...env, SF_OAUTH_RESULTS_DIR: resultsDir, SF_DISABLE_DNS_CHECK: 'true' };
    peer = await startOidcPeer();
  });

  after(async () => {
    emulator?.child.kill('SIGINT');
    await emulator?.done;
    await peer?.stop();
  });

  it('--json: a typed envelope, exit code 1 when a check fails, results stored 0600, and no secret or stack anywhere', async () => {
    const run = await runCli(
      ['oauth', 'pkce', 'verify', '-o', 'emu', '--app', 'Field_Service_App', '--app', 'Partner_Portal_Sync', '--json'],
      {
        ...env,
        SF_OAUTH_CLIENT_SECRET_PARTNER_PORTAL_SYNC: PLANTED,
      },
    );
    expect(run.code, run.stderr).to.equal(1);
    const json = JSON.parse(run.stdout) as Envelope<VerifyResult>;
    expect(json.status).to.equal(1);
    expect(json.result.kind).to.equal('pkce');
    expect(json.result.passed).to.equal(false);
    const byApp = Object.fromEntries(json.result.apps.map((a) => [a.app, a]));
    expect(byApp.Field_Service_App.verdict).to.equal('pass');
    expect(byApp.Partner_Portal_Sync.verdict).to.equal('fail');
    expect(byApp.Partner_Portal_Sync.checks.filter((c) => c.verdict === 'fail').map((c) => c.id)).to.deep.equal([
      'authorize-without-challenge',
    ]);
    expect(json.result.cleanup.failed).to.equal(0);
    expect(json.result.resultFiles).to.have.length(2);
    for (const file of json.result.resultFiles) {
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(readFileSync(file, 'utf8')).not.to.include(PLANTED);
    }
    // `runs/` holds the secret-free record of each smoke run, for cleanup after a crash (src/smoke/run-record.ts).
    const orgDirs = readdirSync(resultsDir).filter((d) => d !== 'runs');
    expect(orgDirs).to.have.length(1);
    expect(orgDirs[0]).to.match(/^00D/);
    for (const text of [run.stdout, run.stderr]) {
      expect(text).not.to.include(PLANTED);
      expect(text).not.to.match(/00D\w{12,15}!AQ\w{20,}/);
      expect(text).not.to.match(/5Aep861\w{20,}/);
    }
    expect(run.stderr).not.to.match(STACK);
  });

  it("human output: each failing check's note under the table, one line each, and the action for the app", async () => {
    const run = await runCli(['oauth', 'pkce', 'verify', '-o', 'emu', '--app', 'Partner_Portal_Sync'], {
      ...env,
      SF_OAUTH_CLIENT_SECRET_PARTNER_PORTAL_SYNC: PLANTED,
    });
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.match(/Partner_Portal_Sync\W+authorize-without-challenge\W+fail/);
    const lines = run.stdout.split('\n');
    const why = lines.findIndex((l) => l === 'Why checks failed:');
    expect(why, run.stdout).to.be.above(-1);
    expect(lines[why + 1]).to.match(/^- Partner_Portal_Sync authorize-without-challenge: .+\./);
    expect(lines[why + 1]).to.include('The app does not require PKCE (isPkceRequired is false).');
    expect(lines[why + 2]).to.equal(
      '  Turn PKCE on, then test again: sf oauth pkce enable --app Partner_Portal_Sync -o emu',
    );
    expect(run.stdout + run.stderr).not.to.include(PLANTED);
  });

  it('--result-format junit: well-formed JUnit on stdout, exit code 0 when every check passes', async () => {
    const run = await runCli(
      [
        'oauth',
        'rtr',
        'verify',
        '-o',
        'emu',
        '--app',
        'Field_Service_App',
        '--app',
        'Ops_Dashboard_Local',
        '--result-format',
        'junit',
      ],
      env,
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(XMLValidator.validate(run.stdout)).to.equal(true);
    expect(run.stdout).to.include(
      '<testsuite name="rtr Field_Service_App" tests="5" failures="0" errors="0" skipped="0"',
    );
    expect(run.stdout).to.include('<testsuite name="rtr Ops_Dashboard_Local"');
  });

  it('human output: a table of app, check, verdict and evidence; --output-file gets the JUnit', async () => {
    const out = path.join(env.HOME as string, 'rtr.xml');
    const run = await runCli(
      [
        'oauth',
        'rtr',
        'verify',
        '-o',
        'emu',
        '--app',
        'Support_Console',
        '--result-format',
        'junit',
        '--output-file',
        out,
      ],
      {
        ...env,
        SF_OAUTH_CLIENT_SECRET: PLANTED,
      },
    );
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.match(/App\W+Check\W+Verdict\W+Evidence/);
    expect(run.stdout).to.match(/Support_Console\W+rotation\W+fail/);
    expect(run.stdout).to.match(/^- Support_Console rotation: .+$/m);
    expect(run.stdout).to.match(
      /^ {2}(Turn refresh token rotation on|See each check's evidence).+--app Support_Console -o emu/m,
    );
    expect(run.stdout).to.include('Cleanup:');
    expect(XMLValidator.validate(readFileSync(out, 'utf8'))).to.equal(true);
    expect(run.stdout + run.stderr).not.to.include(PLANTED);
  });

  it('an unknown app: an error with actions and no stack trace', async () => {
    const run = await runCli(['oauth', 'pkce', 'verify', '-o', 'emu', '--app', 'No_Such_App', '--json'], env);
    expect(run.code).to.equal(1);
    const json = JSON.parse(run.stdout) as Envelope<unknown>;
    expect(json.name).to.equal('UnknownAppsError');
    expect(json.message).to.include('No_Such_App');
    expect(json.actions?.join(' ')).to.include('--client-id');
    const human = await runCli(['oauth', 'pkce', 'verify', '-o', 'emu', '--app', 'No_Such_App'], env);
    expect(human.stderr).not.to.match(STACK);
  });

  it('against oidc-provider with --login-url, --client-id and --callback-url: every check passes', async () => {
    for (const kind of ['pkce', 'rtr']) {
      const common = [
        'oauth',
        kind,
        'verify',
        '-o',
        'emu',
        '--login-url',
        peer.url,
        '--callback-url',
        peer.publicClient.redirectUri,
        '--json',
      ];

      const pub = await runCli([...common, '--app', 'Peer_Public', '--client-id', peer.publicClient.clientId], env);

      const conf = await runCli(
        [...common, '--app', 'Peer_Confidential', '--client-id', peer.confidentialClient.clientId],
        {
          ...env,
          SF_OAUTH_CLIENT_SECRET_PEER_CONFIDENTIAL: peer.confidentialClient.clientSecret,
        },
      );
      for (const run of [pub, conf]) {
        expect(run.code, run.stdout + run.stderr).to.equal(0);
        const json = JSON.parse(run.stdout) as Envelope<VerifyResult>;
        expect(json.result.apps[0].codeSource).to.equal('redirect');
        expect(json.result.apps[0].checks.every((c) => c.verdict === 'pass' || c.verdict === 'info')).to.equal(true);
        expect(run.stdout).not.to.include(peer.confidentialClient.clientSecret);
      }
    }
  });

  it('a production org: --json without --no-prompt is refused before any token is made', async () => {
    // A second HOME while the describe's session lives: this emulator's admin would overwrite emu's authorization.
    const prodEnv = scratchEnv();
    const seed = { ...structuredClone(DEFAULT_SEED), org: { ...DEFAULT_SEED.org, isSandbox: false } };
    const seedFile = path.join(prodEnv.HOME as string, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    const prod = await startCli(
      ['oauth', 'emulator', 'start', '--alias', 'prod', '--port', String(await freePort()), '--seed', seedFile],
      prodEnv,
      /Press Ctrl-C/,
    );
    try {
      const run = await runCli(['oauth', 'pkce', 'verify', '-o', 'prod', '--app', 'Field_Service_App', '--json'], {
        ...prodEnv,
        SF_OAUTH_RESULTS_DIR: resultsDir,
      });
      expect(run.code).to.equal(1);
      expect((JSON.parse(run.stdout) as Envelope<unknown>).name).to.equal('ProductionNeedsNoPromptError');
      const ok = await runCli(
        ['oauth', 'pkce', 'verify', '-o', 'prod', '--app', 'Field_Service_App', '--json', '--no-prompt'],
        { ...prodEnv, SF_OAUTH_RESULTS_DIR: resultsDir },
      );
      expect(ok.code, ok.stdout).to.equal(0);
    } finally {
      prod.child.kill('SIGINT');
      await prod.done;
    }
  });

  it('Ctrl-C mid-run: exit 130 and every token the run created is revoked', async () => {
    // A second HOME while the describe's session lives, as above.
    const slowEnv: NodeJS.ProcessEnv = { ...scratchEnv(), SF_DISABLE_DNS_CHECK: 'true' };
    const stateFile = path.join(slowEnv.HOME as string, 'state.json');
    const slow = await startCli(
      [
        'oauth',
        'emulator',
        'start',
        '--alias',
        'slow',
        '--port',
        String(await freePort()),
        '--latency',
        'sandbox',
        '--state-file',
        stateFile,
      ],
      slowEnv,
      /Press Ctrl-C/,
    );
    let live: number;
    try {
      const child = spawn(
        process.execPath,
        [
          path.join(ROOT, 'bin', 'run.js'),
          'oauth',
          'rtr',
          'verify',
          '-o',
          'slow',
          '--app',
          'Field_Service_App',
          '--app',
          'Ops_Dashboard_Local',
        ],
        {
          env: { ...slowEnv, SF_OAUTH_RESULTS_DIR: resultsDir },
          cwd: ROOT,
        },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      // Wait until the run is testing (tokens exist), then interrupt it.
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (stderr.includes('Testing 2 app')) {
            clearInterval(poll);
            setTimeout(resolve, 1500);
          }
        }, 50);
      });
      child.kill('SIGINT');
      const code = await exited;
      expect(code, stderr).to.equal(130);
      expect(stderr).to.include('Interrupted: revoking every token this run created.');
      expect(stderr).to.match(/Cleanup: \d+ token\(s\) revoked, \d+ already inactive, 0 could not be revoked/);
    } finally {
      slow.child.kill('SIGINT');
      await slow.done;
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
        grants: Array<{ appName: string; revoked: boolean; refreshHash?: string }>;
        accessTokens: Array<{ clientId: string }>;
        builtinClients: Array<{ clientId: string }>;
      };
      const cli = state.builtinClients.map((b) => b.clientId);
      live =
        state.grants.filter((g) => !g.revoked && g.refreshHash && /Field Service|Ops Dashboard/.test(g.appName))
          .length + state.accessTokens.filter((t) => !cli.includes(t.clientId)).length;
    }
    expect(live).to.equal(0);
  });
});
