/*
 * A verdict never claims more than the evidence (issue 12): `sf oauth pkce verify` through the compiled plugin
 * (bin/run.js), against `sf oauth emulator start` in another process, on a confidential app (Support_Console) tested
 * without and then with its consumer secret.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DEFAULT_SEED } from '../../../src/emulator/seed/default.js';
import type { VerifyResult } from '../../../src/smoke/model.js';
import { freePort, isolatedEnv, runCli, startCli } from '../../helpers/cli.js';

const PLANTED = 'planted-secret-for-not-proven-5c21d9e8a4';
const STACK = /\n\s+at .*:\d+:\d+/;

type Envelope<T> = { status: number; result: T; warnings?: string[] };

describe('sf oauth pkce verify: a confidential app without its secret is not proven (bin/run.js)', function () {
  this.timeout(240_000);
  // In the describe body: the helper's own hooks give it its HOME before ours run.
  const base = isolatedEnv();
  let env: NodeJS.ProcessEnv;
  let emulator: Awaited<ReturnType<typeof startCli>>;

  before(async () => {
    env = { ...base };
    const home = env.HOME as string;
    const seed = structuredClone(DEFAULT_SEED);
    for (const app of seed.apps) if (app.name === 'Support_Console') app.consumerSecret = PLANTED;
    const seedFile = path.join(home, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    emulator = await startCli(
      ['oauth', 'emulator', 'start', '--alias', 'emu', '--port', String(await freePort()), '--seed', seedFile],
      env,
      /Press Ctrl-C/,
    );
    env = { ...env, SF_OAUTH_RESULTS_DIR: path.join(home, 'results'), SF_DISABLE_DNS_CHECK: 'true' };
    delete env.SF_OAUTH_CLIENT_SECRET;
    delete env.SF_OAUTH_CLIENT_SECRET_SUPPORT_CONSOLE;
  });

  after(async () => {
    emulator?.child.kill('SIGINT');
    await emulator?.done;
  });

  it('--json without the secret: verdict not-proven, passed false, exit 1, and a warning naming the variable', async () => {
    const run = await runCli(['oauth', 'pkce', 'verify', '-o', 'emu', '--app', 'Support_Console', '--json'], env);
    expect(run.code, run.stderr).to.equal(1);
    const json = JSON.parse(run.stdout) as Envelope<VerifyResult>;
    expect(json.status).to.equal(1);
    const [app] = json.result.apps;
    expect(app.verdict).to.equal('not-proven');
    expect(app.checks.find((c) => c.id === 's256-flow')?.verdict).to.equal('not-applicable');
    // Other checks did pass: the app is still not proven.
    expect(app.checks.find((c) => c.id === 'client-authentication')?.verdict).to.equal('pass');
    expect(json.result.passed).to.equal(false);
    const warning = (json.warnings ?? []).find((w) => w.startsWith('Not proven: Support_Console.'));
    expect(warning, JSON.stringify(json.warnings))
      .to.include('s256-flow')
      .and.include('Set SF_OAUTH_CLIENT_SECRET_SUPPORT_CONSOLE to the consumer secret of Support_Console');
    expect(run.stderr).not.to.match(STACK);
  });

  it('the JUnit report of that run shows the deciding check as a failure, and the human output names the action', async () => {
    const run = await runCli(
      ['oauth', 'pkce', 'verify', '-o', 'emu', '--app', 'Support_Console', '--result-format', 'junit'],
      env,
    );
    expect(run.code, run.stderr).to.equal(1);
    const xml = run.stdout.slice(run.stdout.indexOf('<?xml'));
    expect(XMLValidator.validate(xml)).to.equal(true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (n): boolean => n === 'testcase' }).parse(xml) as {
      testsuites: {
        '@_failures': string;
        testsuite: { testcase: Array<{ '@_name': string; failure?: { '@_type': string } }> };
      };
    };
    expect(doc.testsuites['@_failures']).to.equal('1');
    const failed = doc.testsuites.testsuite.testcase.filter((c) => c.failure);
    expect(failed.map((c) => [c['@_name'].split(':')[0], c.failure?.['@_type']])).to.deep.equal([
      ['s256-flow', 'not-proven'],
    ]);
    expect(run.stderr).to.include('Not proven: Support_Console.').and.include('SF_OAUTH_CLIENT_SECRET_SUPPORT_CONSOLE');
  });

  it('--json with the secret in the environment: verdict pass, passed true, exit 0', async () => {
    const run = await runCli(['oauth', 'pkce', 'verify', '-o', 'emu', '--app', 'Support_Console', '--json'], {
      ...env,
      SF_OAUTH_CLIENT_SECRET_SUPPORT_CONSOLE: PLANTED,
    });
    expect(run.code, run.stderr).to.equal(0);
    const json = JSON.parse(run.stdout) as Envelope<VerifyResult>;
    expect(json.result.apps[0].verdict).to.equal('pass');
    expect(json.result.passed).to.equal(true);
    expect(json.warnings ?? []).to.satisfy((w: string[]) => !w.some((x) => x.startsWith('Not proven')));
    expect(run.stdout + run.stderr).not.to.include(PLANTED);
  });
});
