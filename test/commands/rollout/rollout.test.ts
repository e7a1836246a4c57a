/*
 * sf oauth org require-pkce and sf oauth rollout plan|run|status|undo through the compiled plugin (bin/run.js; run
 * `npx tsc -p .` first), against an emulator in this process (so faults can be injected) with an sf authorization saved
 * in the test HOME. Includes a crash (SIGKILL mid-deploy) and the lock.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { XMLValidator } from 'fast-xml-parser';
import { OrgEmulator } from '../../../src/emulator/server.js';
import type { Journal } from '../../../src/rollout/journal.js';
import type { RolloutResult } from '../../../src/rollout/run.js';
import { cliEnv, isolatedEnv, ROOT, runCli, type CliResult } from '../../helpers/cli.js';
import {
  approveForAdmin,
  CONFIDENTIAL,
  orgFlags,
  orgRequiresPkce,
  privateDirs,
  rolloutContext,
  secretsEnv,
  WAIVE_VENDORS,
} from '../../rollout/helpers.js';

type Envelope<T> = {
  status: number;
  result: T;
  name?: string;
  message?: string;
  actions?: string[];
  data?: unknown;
  exitCode?: number;
};

const STACK = /\n\s+at .*:\d+:\d+/;
const noStack = (r: CliResult): void => {
  expect(r.stderr).not.to.match(STACK);
  expect(r.stdout).not.to.match(STACK);
};

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

describe('sf oauth org require-pkce and sf oauth rollout (bin/run.js)', function () {
  this.timeout(240_000);
  let emulator: OrgEmulator;
  // A TestSession (HOME) for each test; the authorization saved in-process below goes into it, where the children read.
  isolatedEnv('test');
  let env: NodeJS.ProcessEnv;
  let dirs: ReturnType<typeof privateDirs>;
  let work: string;
  let secrets: string[];

  beforeEach(async () => {
    emulator = await OrgEmulator.start({ port: 0 });
    approveForAdmin(emulator);
    dirs = privateDirs();
    work = path.dirname(dirs.rollouts);
    await rolloutContext(emulator, {});
    // cliEnv leaves the folder overrides out: this test's child writes where the test reads.
    env = {
      ...cliEnv({ ...secretsEnv(emulator), SF_DISABLE_DNS_CHECK: 'true' }),
      SF_OAUTH_ROLLOUT_DIR: dirs.rollouts,
      SF_OAUTH_BACKUP_DIR: dirs.backups,
      SF_OAUTH_RESULTS_DIR: dirs.results,
    };
    secrets = CONFIDENTIAL.map((a) => emulator.consumerSecret(a) ?? '');
  });

  afterEach(async () => {
    await emulator.stop();
  });

  const writePlan = (text: string): string => {
    const file = path.join(work, 'plan.yaml');
    writeFileSync(file, text);
    return file;
  };

  it('require-pkce refuses with a blockers table (and the same in --json), exit 1 and no stack trace', async () => {
    const json = await runCli(['oauth', 'org', 'require-pkce', '-o', 'emu', '--json'], env);
    expect(json.code, json.stderr).to.equal(1);
    const out = JSON.parse(json.stdout) as Envelope<unknown> & {
      data: { passed: boolean; blockers: Array<{ app: string; reason: string; package?: { publisher?: string } }> };
    };
    expect(out.name).to.equal('GateBlockedError');
    expect(out.data.passed).to.equal(false);
    const mcconn = out.data.blockers.find((b) => b.app === 'mcconn__Marketing_Cloud_Connector');
    expect(mcconn?.package?.publisher).to.equal('Northwind Software');
    expect(out.data.blockers.map((b) => b.app)).to.include('Partner_Portal_Sync');
    noStack(json);
    const human = await runCli(['oauth', 'org', 'require-pkce', '-o', 'emu', '--dry-run'], env);
    expect(human.code).to.equal(1);
    expect(human.stdout).to.match(/App\W+Gate\W+PKCE\W+Why/);
    expect(human.stdout).to.match(
      /Nightly_ETL_Client_Credentials\W+out-of-scope\W+off\W+no authorization code flow \(client credentials only\)/,
    );
    expect(human.stderr).to.include('Require PKCE stays off').and.include('Try this:');
    noStack(human);
    expect(orgRequiresPkce(emulator)).to.equal(false);
    const undo = await runCli(['oauth', 'org', 'require-pkce', '-o', 'emu', '--undo', '--json'], env);
    expect(undo.code, undo.stdout).to.equal(0);
    expect((JSON.parse(undo.stdout) as Envelope<{ changed: boolean; after: boolean }>).result).to.include({
      changed: false,
      after: false,
    });
  });

  it('plan -> run (one command to Require PKCE) -> status -> undo, with JUnit, Markdown summary and no secret anywhere', async () => {
    const planFile = path.join(work, 'starter.yaml');
    const plan = await runCli(['oauth', 'rollout', 'plan', '-o', 'emu', '--output-file', planFile, '--json'], env);
    expect(plan.code, plan.stdout + plan.stderr).to.equal(0);
    expect((JSON.parse(plan.stdout) as Envelope<{ selected: string[] }>).result.selected).to.include(
      'Partner_Portal_Sync',
    );
    const exists = await runCli(['oauth', 'rollout', 'plan', '-o', 'emu', '--output-file', planFile], env);
    expect(exists.code).to.equal(1);
    expect(exists.stderr).to.include('already exists');
    // Adopt the starter plan, with the vendors' confirmations as waivers.
    const starter = readFileSync(planFile, 'utf8');
    expect(starter).to.include('waive: []');
    writeFileSync(planFile, starter.replace('waive: []\n', WAIVE_VENDORS.trimStart()));

    const junit = path.join(work, 'rollout.xml');
    const summary = path.join(work, 'rollout.md');
    const run = await runCli(
      [
        'oauth',
        'rollout',
        'run',
        '--plan',
        planFile,
        '-o',
        'emu',
        '--junit-file',
        junit,
        '--summary-file',
        summary,
        '--json',
      ],
      env,
    );
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const result = (JSON.parse(run.stdout) as Envelope<RolloutResult>).result;
    expect(result.status).to.equal('completed');
    expect(result.requirePkceTurnedOn).to.equal(true);
    expect(orgRequiresPkce(emulator)).to.equal(true);
    expect(XMLValidator.validate(readFileSync(junit, 'utf8'))).to.equal(true);
    expect(readFileSync(junit, 'utf8')).to.include('<testsuite name="rollout require-pkce" tests="2" failures="0"');
    expect(readFileSync(summary, 'utf8'))
      .to.include('Rollout completed: org-wide Require PKCE is on')
      .and.include('unused for over 30 days');

    const status = await runCli(['oauth', 'rollout', 'status', '-o', 'emu'], env);
    expect(status.code).to.equal(0);
    expect(status.stdout).to.match(/Org-wide Require PKCE\W+done\W+2\W+2/);

    const undo = await runCli(['oauth', 'rollout', 'undo', '-o', 'emu', '--json'], env);
    expect(undo.code, undo.stdout + undo.stderr).to.equal(0);
    expect(
      (JSON.parse(undo.stdout) as Envelope<{ requirePkceTurnedOff: boolean }>).result.requirePkceTurnedOff,
    ).to.equal(true);
    expect(orgRequiresPkce(emulator)).to.equal(false);
    expect(orgFlags(emulator).get('Partner_Portal_Sync')).to.deep.equal({ pkce: false, rtr: false });

    const everything =
      [plan, run, status, undo].map((r) => r.stdout + r.stderr).join('\n') +
      [junit, summary, ...walk(dirs.rollouts), ...walk(dirs.results), ...walk(dirs.backups)]
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n');
    for (const secret of secrets) expect(everything).not.to.include(secret);
    expect(everything).not.to.match(/00D\w{12,15}!\w{20,}|5Aep861\w{20,}/);
  });

  it('a failing phase: exit 1 with the journal in the result; human output shows what needs attention', async () => {
    const planFile = writePlan('apps: [all-in-scope]\n');
    const run = await runCli(['oauth', 'rollout', 'run', '--plan', planFile, '-o', 'emu'], env);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.match(/Blocking app\W+Why/);
    expect(run.stdout).to.include('mcconn__Marketing_Cloud_Connector');
    expect(run.stdout).to.include('stopped at "Org-wide Require PKCE"');
    noStack(run);
    const bad = writePlan('apps: [all-in-scope]\noptions: {concurrency: 0}\n');
    const invalid = await runCli(['oauth', 'rollout', 'run', '--plan', bad, '-o', 'emu', '--json'], env);
    expect(invalid.code).to.equal(1);
    const err = JSON.parse(invalid.stdout) as Envelope<unknown>;
    expect(err.name).to.equal('PlanError');
    expect(err.message).to.include('options.concurrency');
    // The unfinished rollout above holds the plan: another plan is refused until it is finished or undone.
    const changed = await runCli(
      ['oauth', 'rollout', 'run', '--plan', writePlan('apps: [Acme_Mobile]\n'), '-o', 'emu', '--json'],
      env,
    );
    expect((JSON.parse(changed.stdout) as Envelope<unknown>).name).to.equal('PlanChangedError');
  });

  it('crash mid-deploy (SIGKILL): a second run is refused while the first lives; after the kill, run resumes to completion', async () => {
    const planFile = writePlan(`apps: [all-in-scope]\n${WAIVE_VENDORS}`);
    emulator.faults.failDeploys({ outcome: 'hang', times: 1 });
    const initial = orgFlags(emulator);
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'run.js'), 'oauth', 'rollout', 'run', '--plan', planFile, '-o', 'emu', '--json'],
      { env, cwd: ROOT },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (_code, signal) => resolve(signal ? -1 : _code)),
    );
    const running = (): Journal['steps'][number] | undefined => {
      try {
        const dir = readdirSync(dirs.rollouts)[0];
        return (JSON.parse(readFileSync(path.join(dirs.rollouts, dir, 'journal.json'), 'utf8')) as Journal).steps.find(
          (s) => s.status === 'running' && s.phase === 'pkce-enable',
        );
      } catch {
        return undefined;
      }
    };
    // The batch whose deploy hangs stays "running".
    const deadline = Date.now() + 60_000;
    let hung: Journal['steps'][number] | undefined;
    let since = 0;
    while (Date.now() < deadline) {
      const now = running();
      if (now && now.id === hung?.id) {
        if (Date.now() - since > 2000) break;
      } else {
        hung = now;
        since = Date.now();
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(hung, 'a pkce-enable step is running (its deploy hangs)').not.to.equal(undefined);
    await new Promise((r) => setTimeout(r, 500));

    const second = await runCli(['oauth', 'rollout', 'run', '--plan', planFile, '-o', 'emu', '--json'], env);
    expect(second.code).to.equal(1);
    const locked = JSON.parse(second.stdout) as Envelope<unknown>;
    expect(locked.name).to.equal('LockedError');
    expect(locked.message).to.include(`process ${child.pid}`);

    child.kill('SIGKILL');
    expect(await exited).to.equal(-1);
    const dir = readdirSync(dirs.rollouts)[0];
    const journal = JSON.parse(readFileSync(path.join(dirs.rollouts, dir, 'journal.json'), 'utf8')) as Journal;
    expect(journal.steps.find((s) => s.id === hung?.id)?.status).to.equal('running');
    // The org and the journal agree: the hung deploy changed nothing, and nothing "done" is missing from the org.
    for (const s of journal.steps.filter((x) => x.phase === 'pkce-enable' && x.status === 'done'))
      expect(orgFlags(emulator).get(s.app as string)?.pkce, s.id).to.equal(true);
    // Every app of the hung batch deploy is still "running" and as before in the org.
    const batch = journal.steps.filter((x) => x.phase === 'pkce-enable' && x.status === 'running');
    expect(batch.map((x) => x.id)).to.include(hung?.id);
    for (const x of batch)
      expect(orgFlags(emulator).get(x.app as string)?.pkce, x.id).to.equal(initial.get(x.app as string)?.pkce);

    const resumed = await runCli(['oauth', 'rollout', 'run', '--plan', planFile, '-o', 'emu', '--json'], env);
    expect(resumed.code, resumed.stdout + resumed.stderr).to.equal(0);
    const result = (JSON.parse(resumed.stdout) as Envelope<RolloutResult>).result;
    expect(result.status).to.equal('completed');
    expect(result.resumed).to.equal(true);
    expect(result.steps.find((s) => s.id === hung?.id)?.attempts).to.equal(2);
    expect(result.steps.find((s) => s.id === 'audit')?.attempts).to.equal(1);
    expect(orgRequiresPkce(emulator)).to.equal(true);
  });

  it('status and undo without a rollout: an error with actions, no stack trace', async () => {
    const status = await runCli(['oauth', 'rollout', 'status', '-o', 'emu', '--json'], env);
    expect(status.code).to.equal(1);
    const json = JSON.parse(status.stdout) as Envelope<unknown>;
    expect(json.name).to.equal('NoJournalError');
    expect(json.actions?.join(' ')).to.include('sf oauth rollout run');
    const undo = await runCli(['oauth', 'rollout', 'undo', '-o', 'emu'], env);
    expect(undo.code).to.equal(1);
    expect(undo.stderr).to.include('No rollout journal');
    noStack(undo);
  });
});
