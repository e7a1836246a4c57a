/*
 * `sf oauth app list` through the compiled plugin (bin/run.js) against `sf oauth emulator start --alias`, in an
 * isolated HOME. Build first (`npx tsc -p .`; `npm test` does).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import type { AppListResult } from '../../../src/apps/model.js';
import { DEFAULT_SEED } from '../../../src/emulator/seed/default.js';
import { freePort, isolatedEnv, runCli, startCli, type CliResult } from '../../helpers/cli.js';

type Envelope<T> = { status: number; result: T; warnings: string[] };
type ErrorEnvelope = { status: number; name: string; message: string; actions?: string[]; exitCode: number };

async function startEmulator(
  env: NodeJS.ProcessEnv,
  extra: string[] = [],
): Promise<{ child: ChildProcess; done: Promise<CliResult> }> {
  const port = await freePort();
  return startCli(
    ['oauth', 'emulator', 'start', '--alias', 'emu', '--port', String(port), ...extra],
    env,
    /Press Ctrl-C/,
  );
}

async function stop(emulator: { child: ChildProcess; done: Promise<CliResult> } | undefined): Promise<void> {
  if (!emulator) return;
  emulator.child.kill('SIGINT');
  await emulator.done;
}

describe('sf oauth app list', function () {
  this.timeout(120_000);
  const env = isolatedEnv();
  let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;

  before(async () => {
    emulator = await startEmulator(env);
  });
  after(async () => stop(emulator));

  it('--json: the typed result in the envelope, exit code 0', async () => {
    const run = await runCli(['oauth', 'app', 'list', '-o', 'emu', '--json'], env);
    expect(run.code, run.stderr).to.equal(0);
    const json = JSON.parse(run.stdout) as Envelope<AppListResult>;
    expect(json.status).to.equal(0);
    expect(json.result.org).to.include({ environment: 'sandbox', username: 'admin@acme.example.com.uat' });
    expect(json.result.orgSettings.usernamePasswordFlowBlocked).to.equal(true);
    const byName = new Map(json.result.apps.map((r) => [r.name, r]));
    expect(byName.get('Partner_Portal_Sync')).to.include({ verdict: 'breaks', breaksAtEnforcement: true });
    expect(byName.get('Field_Service_App')?.verdict).to.equal('ready');
    expect(byName.get('Partner_Portal_Sync')?.usage).to.include({ holders: 2, activeHolders: 2, staleHolders: 1 });
    expect(byName.get('Zapier')?.kind).to.equal('untracked');
    // The emulator start saved an approval for the sf CLI's own client: a Salesforce first-party app.
    expect(byName.get('Salesforce CLI')?.owner.type).to.equal('salesforce');
    expect(json.result.apps[0].breaksAtEnforcement).to.equal(true);
    expect(json.warnings).to.deep.equal([]);
  });

  it('human output: header, a table with the apps and their verdicts, a summary', async () => {
    const run = await runCli(['oauth', 'app', 'list', '--target-org', 'emu'], env);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('Acme Corporation (UAT sandbox)');
    expect(run.stdout).to.include('Require PKCE off');
    for (const name of [
      'Partner_Portal_Sync',
      'mcconn__Marketing_Cloud_Connector',
      'Field_Service_App',
      'Zapier',
      'CI_JWT_Deployer',
    ])
      expect(run.stdout).to.include(name);
    expect(run.stdout).to.match(/Partner_Portal_Sync .*breaks/);
    expect(run.stdout).to.match(/^ {2}Partner_Portal_Sync: PKCE off/m);
    expect(run.stdout).to.match(/break at enforcement/);
    expect(run.stdout).not.to.match(/3MVG/);
  });

  it('--needs-action --app narrows the list; --result-format csv prints CSV only', async () => {
    const run = await runCli(
      [
        'oauth',
        'app',
        'list',
        '-o',
        'emu',
        '--needs-action',
        '--app',
        'Field_Service_App',
        '--app',
        'Billing Integration',
        '--result-format',
        'csv',
      ],
      env,
    );
    expect(run.code, run.stderr).to.equal(0);
    const lines = run.stdout.trim().split(/\r?\n/);
    expect(lines[0]).to.match(/^Name,Label,Kind,/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).to.deep.equal(['Billing_Integration']);
  });

  it('an unknown --app: non-zero exit, an error with actions, no stack trace', async () => {
    const json = await runCli(['oauth', 'app', 'list', '-o', 'emu', '--app', 'Partner_Portal_Syn', '--json'], env);
    expect(json.code).to.not.equal(0);
    const error = JSON.parse(json.stdout) as ErrorEnvelope;
    expect(error.name).to.equal('UnknownAppError');
    expect(error.message).to.include('"Partner_Portal_Syn"');
    expect(error.actions?.[0]).to.include('Partner_Portal_Sync');
    expect(error.actions?.[1]).to.include('without --app');
    const human = await runCli(['oauth', 'app', 'list', '-o', 'emu', '--app', 'Nope'], env);
    expect(human.code).to.not.equal(0);
    expect(human.stderr).to.include('Try this:');
    expect(human.stderr).not.to.match(/\n\s+at /);
  });
});

describe('sf oauth app list without the permission to read ECA OAuth settings', function () {
  this.timeout(120_000);
  const env = isolatedEnv();
  let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;

  before(async () => {
    const seed = path.join(env.HOME as string, 'seed.json');
    writeFileSync(seed, JSON.stringify({ ...DEFAULT_SEED, permissions: { consumerSecretsViaMetadata: false } }));
    emulator = await startEmulator(env, ['--seed', seed]);
  });
  after(async () => stop(emulator));

  it('warns, naming the org and user permissions, and marks the ECAs unknown', async () => {
    const run = await runCli(['oauth', 'app', 'list', '-o', 'emu', '--json'], env);
    expect(run.code, run.stderr).to.equal(0);
    const json = JSON.parse(run.stdout) as Envelope<AppListResult>;
    expect(json.warnings.join(' ')).to.include('Allow Access to OAuth Consumer Secrets via Metadata API');
    expect(json.warnings.join(' ')).to.include('View External Client Apps Consumer Secrets in Metadata');
    expect(json.result.apps.find((r) => r.name === 'Field_Service_App')?.verdict).to.equal('unknown');
    expect(json.result.apps.find((r) => r.name === 'Partner_Portal_Sync')?.verdict).to.equal('breaks');
  });
});

// The first describe runs the default answers (OauthToken.Id null, aggregates refused); the other three ways an org
// may answer must give the same usage.
for (const behaviours of [
  ['oauthTokenId=id'],
  ['oauthTokenAggregates=supported'],
  ['oauthTokenId=id', 'oauthTokenAggregates=supported'],
]) {
  describe(`sf oauth app list against an org with ${behaviours.join(', ')}`, function () {
    this.timeout(120_000);
    const env = isolatedEnv();
    let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;

    before(async () => {
      emulator = await startEmulator(
        env,
        behaviours.flatMap((b) => ['--behaviour', b]),
      );
    });
    after(async () => stop(emulator));

    it('shows the same token usage and verdicts', async () => {
      const run = await runCli(['oauth', 'app', 'list', '-o', 'emu', '--json'], env);
      expect(run.code, run.stderr).to.equal(0);
      const json = JSON.parse(run.stdout) as Envelope<AppListResult>;
      const byName = new Map(json.result.apps.map((r) => [r.name, r]));
      expect(byName.get('Partner_Portal_Sync')?.usage).to.include({ holders: 2, activeHolders: 2, staleHolders: 1 });
      expect(byName.get('Partner_Portal_Sync')?.verdict).to.equal('breaks');
      expect(byName.get('Support_Console')?.usage).to.include({ holders: 1, staleHolders: 1 });
      expect(byName.get('Zapier')).to.include({ kind: 'untracked', activity: 'active' });
      expect(json.warnings).to.deep.equal([]);
    });
  });
}
