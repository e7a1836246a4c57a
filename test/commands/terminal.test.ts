/*
 * The commands without a terminal, as in a script, a pipe or a CI job: the compiled plugin (bin/run.js) with standard
 * input a closed pipe (not a TTY), against `sf oauth emulator start`. Never a prompt (act as --no-prompt where that is
 * safe, else an error naming the flag or variable), tables within COLUMNS (120 when unset), progress one status per
 * line (also with CI=true), and a status word that never claims more than the checks showed.
 * Build first (`npx tsc -p .`; `npm test` does).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { DEFAULT_SEED } from '../../src/emulator/seed/default.js';
import { BadlyBehavedClient } from '../../examples/badly-behaved-client.js';
import { headlessBrowser } from '../../examples/headless-browser.js';
import { FileTokenStore } from '../../examples/token-store.js';
import { oauthClients } from '../../src/emulator/clients.js';
import { buildState } from '../../src/emulator/seed/build.js';
import { OrgStore } from '../../src/emulator/store/store.js';
import { freePort, isolatedEnv, runCli, startCli, type CliResult } from '../helpers/cli.js';

type Emulator = { child: ChildProcess; done: Promise<CliResult> };

async function startEmulator(env: NodeJS.ProcessEnv, alias: string, extra: string[] = []): Promise<Emulator> {
  return startCli(
    ['oauth', 'emulator', 'start', '--alias', alias, '--port', String(await freePort()), ...extra],
    env,
    /Press Ctrl-C/,
  );
}

async function stop(emulator: Emulator | undefined): Promise<void> {
  if (!emulator) return;
  emulator.child.kill('SIGINT');
  await emulator.done;
}

const lines = (text: string): string[] => text.split(/\r?\n/);
const widest = (text: string): number => Math.max(...lines(text).map((l) => l.length));
/**
 * The cells of the table row whose first cell is `name`, in either of oclif's table styles: boxed (a terminal) or
 * plain, cells apart by two spaces or more (CI=true, as a CI runner sets it).
 */
function tableRow(text: string, name: string): string[] {
  const rows = lines(text).map((l) =>
    l
      .split(/│| {2,}/)
      .map((c) => c.trim())
      .filter(Boolean),
  );
  return rows.find((cells) => cells[0] === name) ?? [];
}
/** The table whose header line names `column`: from its top border to the first empty line. */
function tableOf(text: string, column: string): string {
  const all = lines(text);
  const header = all.findIndex((l) => l.includes(column));
  const end = all.findIndex((l, i) => i > header && l.trim() === '');
  return all.slice(Math.max(0, header - 1), end === -1 ? undefined : end).join('\n');
}
/** Cursor movement and line erasing: what a live display leaves in a file. */
const CURSOR_CODES = new RegExp(`${String.fromCharCode(27)}\\[(\\d*[ABCDGJK]|\\?25[lh])`);

/** No prompt was attempted: no inquirer failure, no unsettled top-level await (exit 13). */
function expectNoPrompt(run: CliResult): void {
  expect(run.code, run.stderr).not.to.equal(13);
  expect(run.stdout + run.stderr).not.to.match(/force closed the prompt|unsettled top-level await|\[input is masked\]/);
}

describe('without a terminal: sf oauth app list', function () {
  this.timeout(180_000);
  const env = isolatedEnv();
  let emulator: Emulator | undefined;

  before(async () => {
    emulator = await startEmulator(env, 'emu');
  });
  after(async () => stop(emulator));

  it('COLUMNS=120: every line fits, the deciding columns are there, reasons are listed under the table', async () => {
    const run = await runCli(['oauth', 'app', 'list', '-o', 'emu'], { ...env, COLUMNS: '120' });
    expect(run.code, run.stderr).to.equal(0);
    expect(widest(run.stdout), run.stdout).to.be.at.most(120);
    const header = lines(run.stdout).find((l) => l.includes('Name') && l.includes('Verdict')) ?? '';
    for (const column of ['Name', 'Kind', 'PKCE', 'RTR', 'Refresh Token', 'Last Used', 'Verdict'])
      expect(header).to.include(column);
    expect(tableRow(run.stdout, 'Partner_Portal_Sync'), run.stdout).to.include('breaks');
    expect(run.stdout).to.include('Reasons and findings:');
    expect(run.stdout).to.match(/^ {2}Partner_Portal_Sync: PKCE off; issues refresh tokens without RTR/m);
    expect(run.stdout).to.match(/Columns left out to fit 120 characters: Owner/);
  });

  it('a narrow terminal (COLUMNS=80): every line still fits, fewer columns, the same reasons', async () => {
    const run = await runCli(['oauth', 'app', 'list', '-o', 'emu'], { ...env, COLUMNS: '80' });
    expect(run.code, run.stderr).to.equal(0);
    expect(widest(run.stdout), run.stdout).to.be.at.most(80);
    expect(tableRow(run.stdout, 'mcconn__Marketing_Cloud_Connector'), run.stdout).to.include('vendor');
    expect(run.stdout).to.match(/^ {2}mcconn__Marketing_Cloud_Connector: PKCE off;/m);
    expect(run.stdout).to.match(/Columns left out to fit 80 characters: Kind, Owner/);
  });

  it('a CI log (CI=true, no COLUMNS): the table is laid out for 120 columns, not as wide as the longest reason', async () => {
    const ciEnv: NodeJS.ProcessEnv = { ...env, CI: 'true' };
    delete ciEnv.COLUMNS;
    const run = await runCli(['oauth', 'app', 'list', '-o', 'emu'], ciEnv);
    expect(run.code, run.stderr).to.equal(0);
    expect(widest(run.stdout), run.stdout).to.be.at.most(120);
  });
});

describe('without a terminal: verify, toggles and rollouts never prompt and print one status per line', function () {
  this.timeout(300_000);
  const env = isolatedEnv();
  let emulator: Emulator | undefined;

  before(async () => {
    emulator = await startEmulator(env, 'emu');
  });
  after(async () => stop(emulator));

  for (const ci of [false, true]) {
    it(`pkce verify with a confidential app and no secret${ci ? ' (CI=true)' : ''}: no prompt, a warning naming the variable, "not proven" instead of pass`, async () => {
      const runEnv: NodeJS.ProcessEnv = { ...env, ...(ci ? { CI: 'true' } : {}) };
      const run = await runCli(
        ['oauth', 'pkce', 'verify', '-o', 'emu', '--app', 'Field_Service_App', '--app', 'Partner_Portal_Sync'],
        runEnv,
      );
      expectNoPrompt(run);
      // A not-proven app fails the run (issue 12), with a line naming it and the variable to set.
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stderr)
        .to.include('Standard input is not a terminal')
        .and.include('SF_OAUTH_CLIENT_SECRET_PARTNER_PORTAL_SYNC')
        .and.include('Not proven: Partner_Portal_Sync.');
      const progress = lines(run.stderr);
      // Each app's status on a line of its own, under the action's line; the action ends with its own line.
      expect(progress).to.include('  Field_Service_App: pass');
      expect(progress).to.include('  Partner_Portal_Sync: not proven (s256-flow not-applicable)');
      expect(progress.filter((l) => l.startsWith('Testing 2 app(s)'))).to.deep.equal([
        'Testing 2 app(s), 2 at a time...',
        'Testing 2 app(s), 2 at a time... done',
      ]);
      for (const line of progress)
        expect(line, 'two statuses run together').not.to.match(
          /(pass|fail|error|not proven[^)]*\)).*(Testing|: pass|: fail)/,
        );
      expect(run.stderr).not.to.match(CURSOR_CODES);
      // The checks table wraps its evidence within 120 columns rather than printing lines as long as the longest.
      expect(widest(tableOf(run.stdout, 'Evidence')), run.stdout).to.be.at.most(120);
    });
  }

  it('a toggle without a terminal: the deploy statuses are lines of their own', async () => {
    const run = await runCli(['oauth', 'rtr', 'enable', '-o', 'emu', '--app', 'Acme_Mobile'], { ...env, CI: 'true' });
    expectNoPrompt(run);
    expect(run.code, run.stderr).to.equal(0);
    const progress = lines(run.stderr).filter((l) => l.startsWith('Deploying') || l.startsWith('  '));
    expect(progress[0]).to.match(/^Deploying .*\.\.\. Queued$/);
    expect(progress.at(-1)).to.match(/^Deploying .*\.\.\. done$/);
    for (const line of lines(run.stderr)) expect(line.match(/Deploying/g)?.length ?? 0, line).to.be.at.most(1);
    const restore = await runCli(['oauth', 'backup', 'restore', '-o', 'emu', '--no-prompt'], env);
    expect(restore.code, restore.stderr).to.equal(0);
  });

  it('rollout run into a file: plain stage lines, no redrawn frames or cursor codes', async () => {
    const plan = path.join(env.HOME as string, 'plan.yaml');
    writeFileSync(plan, 'apps: [Field_Service_App]\noptions: {requirePkce: false}\n');
    const run = await runCli(['oauth', 'rollout', 'run', '--plan', plan, '-o', 'emu'], env);
    expectNoPrompt(run);
    expect(run.stdout + run.stderr).not.to.match(CURSOR_CODES);
    expect(run.stdout).to.include('Stages:');
    expect(run.stdout).to.match(/^✔ Audit/m);
    expect(lines(run.stdout).filter((l) => l.includes('Rollout on'))).to.have.length(1);
    const undo = await runCli(['oauth', 'rollout', 'undo', '-o', 'emu', '--no-prompt'], env);
    expect(undo.code, undo.stderr).to.equal(0);
  });
});

describe('without a terminal: a production org', function () {
  this.timeout(180_000);
  const env = isolatedEnv();
  let emulator: Emulator | undefined;

  before(async () => {
    const seed = { ...structuredClone(DEFAULT_SEED), org: { ...DEFAULT_SEED.org, isSandbox: false } };
    const seedFile = path.join(env.HOME as string, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    emulator = await startEmulator(env, 'prod', ['--seed', seedFile]);
  });
  after(async () => stop(emulator));

  it('a change is refused with an error naming --no-prompt, nothing changes; with --no-prompt it goes ahead', async () => {
    const refused = await runCli(['oauth', 'pkce', 'enable', '-o', 'prod', '--app', 'Partner_Portal_Sync'], env);
    expectNoPrompt(refused);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('standard input is not a terminal').and.include('--no-prompt');
    expect(refused.stderr).not.to.match(/\n\s+at /);
    const before = await runCli(['oauth', 'app', 'list', '-o', 'prod', '--app', 'Partner_Portal_Sync', '--json'], env);
    expect(
      (JSON.parse(before.stdout) as { result: { apps: Array<{ pkceRequired: boolean }> } }).result.apps[0].pkceRequired,
    ).to.equal(false);
    const verify = await runCli(['oauth', 'pkce', 'verify', '-o', 'prod', '--app', 'Field_Service_App'], env);
    expectNoPrompt(verify);
    expect(verify.code).to.equal(1);
    expect(verify.stderr).to.include('--no-prompt');
    const ok = await runCli(
      ['oauth', 'pkce', 'enable', '-o', 'prod', '--app', 'Partner_Portal_Sync', '--no-prompt'],
      env,
    );
    expect(ok.code, ok.stderr).to.equal(0);
  });
});

/**
 * Every line of a boxed table (a line that starts with a border) has its borders where the top border has them, and
 * ends with one: @oclif/table wrapping a long cell must not shift or drop a border on the continuation lines.
 */
function expectBordersKept(text: string): void {
  const borderAt = (line: string): string =>
    [...line]
      .map((ch, i) => ('┌┬┐├┼┤└┴┘│'.includes(ch) ? i : -1))
      .filter((i) => i >= 0)
      .join(',');
  const all = lines(text);
  for (let i = 0; i < all.length; i++) {
    if (!all[i].startsWith('┌')) continue;
    const top = borderAt(all[i]);
    for (let j = i + 1; j < all.length && /^[│├└]/.test(all[j]); j++) {
      expect(borderAt(all[j]), `line ${j} of\n${text}`).to.equal(top);
      if (all[j].startsWith('└')) break;
    }
  }
}

describe('without a terminal: tables and lines fit COLUMNS, and wrapped rows keep their borders', function () {
  this.timeout(300_000);
  const env = isolatedEnv();
  let emulator: Emulator | undefined;
  let url = '';

  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    emulator = await startCli(
      ['oauth', 'emulator', 'start', '--alias', 'emu', '--port', String(port)],
      env,
      /Press Ctrl-C/,
    );
    // a backup (with its "To undo" line), a rollout to report on, and OAuth client activity for the emulator report
    const plan = path.join(env.HOME as string, 'plan.yaml');
    writeFileSync(plan, 'apps: [Field_Service_App, Acme_Mobile]\noptions: {requirePkce: false}\n');
    const rollout = await runCli(['oauth', 'rollout', 'run', '--plan', plan, '-o', 'emu', '--no-prompt'], {
      ...env,
      COLUMNS: '120',
    });
    // Acme_Mobile asks its users for consent: its smoke test fails, which leaves a table of long details to wrap
    expect(rollout.code, rollout.stdout + rollout.stderr).to.equal(1);
    expect(rollout.stdout).to.include('stopped at "PKCE smoke tests"');
    for (const line of lines(rollout.stdout + rollout.stderr))
      if (!line.includes('sf oauth ')) expect(line.length, line).to.be.at.most(120);
    // a client of our own (the report leaves the plugin's smoke tests out): it omits code_challenge_method, advice
    const client = [...oauthClients(new OrgStore(buildState(DEFAULT_SEED, Date.now()).state)).values()].find(
      (c) => c.appName === 'Field_Service_App',
    );
    await new BadlyBehavedClient({
      loginUrl: url,
      clientId: client?.clientId ?? '',
      redirectUri: client?.callbackUrls[0] ?? '',
      confidential: false,
      store: new FileTokenStore(path.join(env.HOME as string, 'tokens.json')),
      flaws: ['omit-method'],
    }).login(headlessBrowser('admin@acme.example.com.uat'));
  });
  after(async () => stop(emulator));

  for (const width of [120, 80]) {
    // filled in when the session has started: env is empty in the describe body
    const wide = (): NodeJS.ProcessEnv => ({ ...env, COLUMNS: String(width) });

    it(`COLUMNS=${width}: backup list`, async () => {
      const run = await runCli(['oauth', 'backup', 'list', '-o', 'emu'], wide());
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.include('Backup');
      expect(widest(run.stdout), run.stdout).to.be.at.most(width);
      expectBordersKept(run.stdout);
    });

    it(`COLUMNS=${width}: rollout status`, async () => {
      const run = await runCli(['oauth', 'rollout', 'status', '-o', 'emu'], wide());
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout, run.stdout).to.include('pkce-verify:Acme_Mobile');
      expect(widest(run.stdout), run.stdout).to.be.at.most(width);
      expectBordersKept(run.stdout);
    });

    it(`COLUMNS=${width}: pkce verify`, async () => {
      const run = await runCli(['oauth', 'pkce', 'verify', '-o', 'emu', '--app', 'Field_Service_App'], wide());
      expectNoPrompt(run);
      expect(run.stdout).to.include('Evidence');
      expect(widest(run.stdout), run.stdout).to.be.at.most(width);
      expectBordersKept(run.stdout);
    });

    it(`COLUMNS=${width}: emulator report, consumer keys shortened where the heading does not fit`, async () => {
      const run = await runCli(['oauth', 'emulator', 'report', '--url', url], wide());
      expect(run.stdout, run.stdout).to.match(/^Field_Service_App \(3MVG9EMU…\), External Client App/m);
      expect(run.stdout).to.include('- pkce.s256: Send code_challenge_method=S256');
      expect(run.stdout).to.include('Requirement');
      expect(widest(run.stdout), run.stdout).to.be.at.most(width);
    });
  }
});
