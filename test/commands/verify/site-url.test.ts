/*
 * sf oauth pkce|rtr verify --site-url: codes from the Experience Cloud headless `code_credentials` flow, with the site
 * user's credentials from the environment, through the compiled plugin against `sf oauth emulator start`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DEFAULT_SEED } from '../../../src/emulator/seed/default.js';
import type { VerifyResult } from '../../../src/smoke/model.js';
import { freePort, isolatedEnv, runCli, startCli } from '../../helpers/cli.js';

const PASSWORD = 'planted-site-password-5d1e0c77';
const SITE_USER = 'partner.user@acme-community.example.com';

describe('sf oauth pkce|rtr verify --site-url (headless code credentials)', function () {
  this.timeout(240_000);
  const session = isolatedEnv();
  let env: NodeJS.ProcessEnv;
  let emulator: Awaited<ReturnType<typeof startCli>>;
  let siteUrl: string;

  before(async () => {
    env = { ...session };
    const home = env.HOME as string;
    const seed = structuredClone(DEFAULT_SEED);
    for (const user of seed.users) if (user.username === SITE_USER) user.password = PASSWORD;
    const seedFile = path.join(home, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    const port = await freePort();
    siteUrl = `http://127.0.0.1:${port}`;
    emulator = await startCli(
      ['oauth', 'emulator', 'start', '--alias', 'emu', '--port', String(port), '--seed', seedFile],
      env,
      /Press Ctrl-C/,
    );
    env = {
      ...env,
      SF_OAUTH_RESULTS_DIR: path.join(home, 'results'),
      SF_DISABLE_DNS_CHECK: 'true',
      SF_OAUTH_USERNAME: SITE_USER,
    };
  });

  after(async () => {
    emulator?.child.kill('SIGINT');
    await emulator?.done;
  });

  for (const kind of ['pkce', 'rtr'] as const) {
    it(`${kind} verify passes for the code-credentials ECA, and never shows the password`, async () => {
      const run = await runCli(
        ['oauth', kind, 'verify', '-o', 'emu', '--app', 'Community_Headless_Login', '--site-url', siteUrl, '--json'],
        {
          ...env,
          SF_OAUTH_PASSWORD: PASSWORD,
        },
      );
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      const json = JSON.parse(run.stdout) as { result: VerifyResult };
      expect(json.result.apps[0].app).to.equal('Community_Headless_Login');
      expect(json.result.apps[0].verdict).to.equal('pass');
      expect(run.stdout + run.stderr).not.to.include(PASSWORD);
    });
  }

  it('a wrong site password: the checks cannot get a code, the run fails with evidence and no password in it', async () => {
    const run = await runCli(
      ['oauth', 'pkce', 'verify', '-o', 'emu', '--app', 'Community_Headless_Login', '--site-url', siteUrl, '--json'],
      {
        ...env,
        SF_OAUTH_PASSWORD: 'not-the-password',
      },
    );
    expect(run.code).to.equal(1);
    expect(run.stdout + run.stderr).not.to.include('not-the-password');
    expect(run.stdout + run.stderr).not.to.match(/\n\s+at .*:\d+:\d+/);
  });
});
