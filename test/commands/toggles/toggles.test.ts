/*
 * The toggle and backup commands through the compiled CLI (bin/run.js), against `sf oauth emulator start` in an
 * isolated HOME. Run `npx tsc -p .` first.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { freePort, isolatedEnv, runCli, startCli, type CliResult } from '../../helpers/cli.js';
import { PLANTED_SECRET_CA, PLANTED_SECRET_ECA, RICH_CA, RICH_ECA, richSeed } from '../../metadata/toggle-seed.js';

type Json<T> = { status: number; result: T; warnings: string[] };
type ErrorJson = { name: string; message: string; actions?: string[]; status: number; data?: unknown };
type ToggleJson = {
  setting: string;
  value: boolean;
  dryRun: boolean;
  deployId?: string;
  backupPath?: string;
  apps: Array<{
    app: string;
    kind: string;
    before: boolean | null;
    after: boolean | null;
    status: string;
    reason?: string;
  }>;
};

const noStack = (r: CliResult): void => {
  expect(r.stderr).not.to.match(/\n\s+at .*:\d+/);
  expect(r.stdout).not.to.match(/\n\s+at .*\.js:\d+/);
};

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

async function startEmulator(
  env: NodeJS.ProcessEnv,
  seed?: object,
  extra: string[] = [],
): Promise<{ child: ChildProcess; done: Promise<CliResult> }> {
  const port = await freePort();
  const args = ['oauth', 'emulator', 'start', '--alias', 'emu', '--port', String(port), ...extra];
  if (seed) {
    const file = path.join(env.HOME as string, 'seed.json');
    writeFileSync(file, JSON.stringify(seed));
    args.push('--seed', file);
  }
  return startCli(args, env, /Press Ctrl-C/);
}

describe('sf oauth pkce|rtr enable|disable and sf oauth backup list|restore', function () {
  this.timeout(180_000);

  describe('in a sandbox', () => {
    const env = isolatedEnv();
    let emulator: { child: ChildProcess; done: Promise<CliResult> };
    before(async () => {
      // An org that returns the ECA certificate on retrieve, so Rich_Eca (JWT bearer) can be changed and its secret checked for
      // leaks; under the default (certificate not returned) the app is refused: test/metadata/unsettable.test.ts.
      emulator = await startEmulator(env, richSeed(), ['--behaviour', 'ecaCertificateReadBack=returned']);
    });
    after(async () => {
      emulator.child.kill('SIGINT');
      await emulator.done;
    });

    it('enables PKCE with a JSON result, backs up privately, and restores through the restore command', async () => {
      const r = await runCli(
        [
          'oauth',
          'pkce',
          'enable',
          '-o',
          'emu',
          '--app',
          'Partner_Portal_Sync',
          '--app',
          'Billing_Integration',
          '--app',
          'Acme_Mobile',
          '--json',
        ],
        env,
      );
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      const json = JSON.parse(r.stdout) as Json<ToggleJson>;
      expect(json.status).to.equal(0);
      expect(json.result).to.include({ setting: 'isPkceRequired', value: true, dryRun: false });
      expect(json.result.deployId).to.match(/^0Af/);
      expect(json.result.apps.map((a) => [a.app, a.kind, a.before, a.after, a.status])).to.deep.equal([
        ['Acme_Mobile', 'ConnectedApp', true, true, 'unchanged'],
        ['Billing_Integration', 'ExternalClientApplication', false, true, 'changed'],
        ['Partner_Portal_Sync', 'ConnectedApp', false, true, 'changed'],
      ]);
      const backup = json.result.backupPath ?? '';
      expect(backup.startsWith(path.join(env.HOME as string, '.sf', 'oauth', 'backups'))).to.equal(true);
      expect(statSync(backup).mode & 0o777).to.equal(0o700);
      for (const f of walk(backup)) expect(statSync(f).mode & 0o777, f).to.equal(0o600);

      const list = await runCli(['oauth', 'backup', 'list', '--json'], env);
      const backups = (
        JSON.parse(list.stdout) as Json<Array<{ id: string; path: string; apps: string[]; operation: string }>>
      ).result;
      expect(backups[0]).to.include({ path: backup, operation: 'oauth pkce enable' });
      expect(backups[0].apps).to.deep.equal(['Billing_Integration', 'Partner_Portal_Sync']);

      const again = await runCli(['oauth', 'pkce', 'enable', '-o', 'emu', '--app', 'Partner_Portal_Sync'], env);
      expect(again.code).to.equal(0);
      expect(again.stdout).to.include('Nothing to change');

      const restore = await runCli(
        ['oauth', 'backup', 'restore', '-o', 'emu', '--backup', backups[0].id, '--json'],
        env,
      );
      expect(restore.code, restore.stdout + restore.stderr).to.equal(0);
      const restored = (
        JSON.parse(restore.stdout) as Json<{
          components: Array<{ app: string; before: string; after: string; status: string }>;
          preRestoreBackupPath: string;
        }>
      ).result;
      expect(restored.components.map((c) => [c.app, c.before, c.after, c.status])).to.deep.equal([
        ['Billing_Integration', 'true', 'false', 'changed'],
        ['Partner_Portal_Sync', 'true', 'false', 'changed'],
      ]);
      const check = await runCli(
        [
          'oauth',
          'pkce',
          'enable',
          '-o',
          'emu',
          '--app',
          'Partner_Portal_Sync',
          '--app',
          'Billing_Integration',
          '--dry-run',
          '--json',
        ],
        env,
      );
      const dry = (JSON.parse(check.stdout) as Json<ToggleJson>).result;
      expect(dry.dryRun).to.equal(true);
      expect(dry.backupPath).to.equal(undefined);
      expect(dry.apps.map((a) => [a.before, a.status])).to.deep.equal([
        [false, 'changed'],
        [false, 'changed'],
      ]);
    });

    it('shows a table and the undo command in human output, and warns on pkce disable', async () => {
      const r = await runCli(['oauth', 'rtr', 'enable', '-o', 'emu', '--app', 'Support_Console'], env);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/Support_Console.*External Client App.*false.*true.*changed/);
      expect(r.stdout).to.include('sf oauth backup restore --backup');
      const d = await runCli(['oauth', 'pkce', 'disable', '-o', 'emu', '--app', 'Reporting_Portal'], env);
      expect(d.code, d.stderr).to.equal(0);
      expect(d.stderr).to.include('Salesforce may refuse to turn PKCE off');
      expect(d.stdout).to.match(/Reporting_Portal.*true.*false.*changed/);
    });

    it('refuses unknown apps with actions and no stack trace, in JSON and human output', async () => {
      const r = await runCli(['oauth', 'pkce', 'enable', '-o', 'emu', '--app', 'No_Such_App', '--json'], env);
      expect(r.code).to.equal(1);
      const json = JSON.parse(r.stdout) as ErrorJson;
      expect(json.name).to.equal('UnknownAppsError');
      expect(json.message).to.include('"No_Such_App"');
      expect(json.actions?.join('\n')).to.include('sf oauth app list');
      const human = await runCli(
        ['oauth', 'rtr', 'enable', '-o', 'emu', '--app', 'No_Such_App', '--app', 'Other_Missing'],
        env,
      );
      expect(human.code).to.equal(1);
      expect(human.stderr)
        .to.include('"No_Such_App", "Other_Missing"')
        .and.include('Try this:')
        .and.include('sf oauth app list');
      noStack(human);
    });

    it('refuses a managed-package app with its namespace and the advice to ask the vendor', async () => {
      const r = await runCli(
        ['oauth', 'rtr', 'enable', '-o', 'emu', '--app', 'mcconn__Marketing_Cloud_Connector'],
        env,
      );
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include('"mcconn"').and.include('vendor');
      noStack(r);
    });

    it('needs exactly one of --app and --all', async () => {
      const r = await runCli(['oauth', 'pkce', 'enable', '-o', 'emu', '--json'], env);
      expect(r.code).to.not.equal(0);
      expect(r.stdout + r.stderr)
        .to.include('--all')
        .and.include('--app');
    });

    it('never prints or backs up a consumer secret', async () => {
      const r = await runCli(
        ['oauth', 'pkce', 'enable', '-o', 'emu', '--app', RICH_CA, '--app', RICH_ECA, '--json'],
        env,
      );
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      const h = await runCli(['oauth', 'rtr', 'enable', '-o', 'emu', '--app', RICH_CA, '--app', RICH_ECA], env);
      expect(h.code, h.stderr).to.equal(0);
      const list = await runCli(['oauth', 'backup', 'list', '--json'], env);
      for (const text of [r.stdout, r.stderr, h.stdout, h.stderr, list.stdout]) {
        expect(text).not.to.include(PLANTED_SECRET_CA);
        expect(text).not.to.include(PLANTED_SECRET_ECA);
      }
      for (const file of walk(path.join(env.HOME as string, '.sf', 'oauth', 'backups'))) {
        const text = readFileSync(file, 'utf8');
        expect(text, file).not.to.include(PLANTED_SECRET_CA);
        expect(text, file).not.to.include(PLANTED_SECRET_ECA);
        expect(text, file).not.to.include('<consumerSecret>');
      }
    });
  });

  describe('in production', () => {
    const env = isolatedEnv();
    let emulator: { child: ChildProcess; done: Promise<CliResult> };
    before(async () => {
      emulator = await startEmulator(env, richSeed({ org: { name: 'Acme Corporation', isSandbox: false } }));
    });
    after(async () => {
      emulator.child.kill('SIGINT');
      await emulator.done;
    });

    it('refuses a --json run without --no-prompt, and changes with --no-prompt', async () => {
      const refused = await runCli(
        ['oauth', 'pkce', 'enable', '-o', 'emu', '--app', 'Partner_Portal_Sync', '--json'],
        env,
      );
      expect(refused.code).to.equal(1);
      const error = JSON.parse(refused.stdout) as ErrorJson;
      expect(error.name).to.equal('ProductionNeedsNoPromptError');
      expect(error.actions?.join(' ')).to.include('--no-prompt');
      expect(existsBackups(env)).to.equal(false);

      const dry = await runCli(
        ['oauth', 'pkce', 'enable', '-o', 'emu', '--app', 'Partner_Portal_Sync', '--dry-run', '--json'],
        env,
      );
      expect(dry.code, dry.stdout).to.equal(0);

      const ok = await runCli(
        ['oauth', 'pkce', 'enable', '-o', 'emu', '--app', 'Partner_Portal_Sync', '--no-prompt', '--json'],
        env,
      );
      expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
      expect((JSON.parse(ok.stdout) as Json<ToggleJson>).result.apps[0]).to.include({ status: 'changed', after: true });

      const restore = await runCli(['oauth', 'backup', 'restore', '-o', 'emu', '--json'], env);
      expect(restore.code).to.equal(1);
      expect((JSON.parse(restore.stdout) as ErrorJson).name).to.equal('ProductionNeedsNoPromptError');
    });
  });
});

function existsBackups(env: NodeJS.ProcessEnv): boolean {
  try {
    return walk(path.join(env.HOME as string, '.sf', 'oauth', 'backups')).length > 0;
  } catch {
    return false;
  }
}
