/*
 * sf oauth rtr|pkce verify (bin/run.js) when the smoke user already holds five approvals of the app: the RTR run, which
 * needs a new approval, is refused with the reason and the action and leaves the user's approvals as they were; the
 * PKCE run, which asks for `api` only and so makes no approval, still runs. Build first (`npx tsc -p .`).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import type { AppListResult } from '../../../src/apps/model.js';
import { DEFAULT_SEED } from '../../../src/emulator/seed/default.js';
import type { OrgSeed } from '../../../src/emulator/seed/types.js';
import type { VerifyResult } from '../../../src/smoke/model.js';
import { freePort, isolatedEnv, runCli, startCli, type CliResult } from '../../helpers/cli.js';

type Envelope<T> = { status: number; result: T };
const ADMIN = 'admin@acme.example.com.uat';

describe('sf oauth rtr|pkce verify when the smoke user holds five approvals of the app (bin/run.js)', function () {
  this.timeout(120_000);
  const session = isolatedEnv();
  let env: NodeJS.ProcessEnv;
  let emulator: { child: ChildProcess; done: Promise<CliResult> } | undefined;

  before(async () => {
    env = { ...session };
    const seed: OrgSeed = structuredClone(DEFAULT_SEED);
    // Five approvals of Field Service App by the admin, the user `--alias` logs in as (one stands for an integration).
    for (let i = 0; i < 5; i++)
      seed.oauthTokens?.push({
        app: 'Field Service App',
        username: ADMIN,
        createdDaysAgo: 100 - i,
        lastUsedDaysAgo: i,
        useCount: 10 + i,
      });
    const seedFile = path.join(env.HOME as string, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    emulator = await startCli(
      ['oauth', 'emulator', 'start', '--alias', 'emu', '--port', String(await freePort()), '--seed', seedFile],
      env,
      /Press Ctrl-C/,
    );
    env = { ...env, SF_OAUTH_RESULTS_DIR: path.join(env.HOME as string, 'results') };
  });

  after(async () => {
    emulator?.child.kill('SIGINT');
    await emulator?.done;
  });

  it('rtr verify refuses the app with the reason and the action, exit code 1, and the five approvals stay', async () => {
    const run = await runCli(['oauth', 'rtr', 'verify', '-o', 'emu', '--app', 'Field_Service_App', '--json'], env);
    expect(run.code, run.stderr).to.equal(1);
    const json = JSON.parse(run.stdout) as Envelope<VerifyResult>;
    const app = json.result.apps[0];
    expect(app.verdict).to.equal('error');
    expect(app.checks.every((c) => c.verdict === 'error' && c.note.startsWith('Not run: '))).to.equal(true);
    expect(app.error).to.include(
      `${ADMIN} already holds 5 of the 5 approvals Salesforce keeps per user for Field Service App`,
    );
    expect(app.action).to.include('--target-org').and.to.include('--site-url');
    const human = await runCli(['oauth', 'rtr', 'verify', '-o', 'emu', '--app', 'Field_Service_App'], env);
    expect(human.code).to.equal(1);
    expect(human.stderr).to.include('approval limit');
    expect(human.stderr).not.to.match(/\n\s+at .*:\d+:\d+/);
    const list = await runCli(['oauth', 'app', 'list', '-o', 'emu', '--app', 'Field_Service_App', '--json'], env);
    expect((JSON.parse(list.stdout) as Envelope<AppListResult>).result.apps[0].usage.holders).to.equal(5);
  });

  it('pkce verify asks for `api` only, makes no approval, and runs', async () => {
    const run = await runCli(['oauth', 'pkce', 'verify', '-o', 'emu', '--app', 'Field_Service_App', '--json'], env);
    expect(run.code, run.stderr).to.equal(0);
    expect((JSON.parse(run.stdout) as Envelope<VerifyResult>).result.apps[0].verdict).to.equal('pass');
  });
});
