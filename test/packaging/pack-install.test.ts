/*
 * The published package: `npm pack` in a fresh copy of the work tree builds lib/ and oclif.manifest.json itself (the
 * prepack hook), and the tarball installs into the real sf CLI with `sf plugins install` and runs there, against the
 * emulator. Slow (a TypeScript build and an npm install, about a minute): one pack and one install for the file.
 * Offline-safe as far as npm's cache allows: the tarball ships an npm-shrinkwrap.json, so npm needs no registry
 * metadata, and takes every dependency tarball from the cache that `npm ci` filled (npm_config_prefer_offline).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { freePort, ROOT } from '../helpers/cli.js';
import { cloneWorkTree, npmPack, run, sfEnv, sfPluginsInstall, SF_RUN, type RunResult } from '../helpers/package.js';

type Snapshot = Array<{ command: string }>;

describe('npm pack, then sf plugins install of the tarball (slow)', function () {
  this.timeout(900_000);
  let clone = '';
  let tarball = '';
  let files: string[] = [];
  let install: RunResult;
  const env = sfEnv();

  before(async () => {
    clone = cloneWorkTree();
    const packed = await npmPack(clone, mkdtempSync(path.join(tmpdir(), 'sf-oauth-pack-')));
    tarball = packed.tarball;
    const listing = await run('tar', ['-tzf', tarball], { cwd: clone, env: process.env });
    files = listing.stdout.split('\n').filter(Boolean);
    install = await sfPluginsInstall(tarball, env);
  });

  it('npm pack builds lib/ and oclif.manifest.json with every command; the tarball holds no source or tests', async () => {
    expect(files).to.include.members([
      'package/package.json',
      'package/oclif.manifest.json',
      'package/npm-shrinkwrap.json',
      'package/lib/commands/oauth/app/list.js',
      'package/messages/oauth.app.list.md',
      'package/schemas/commands/oauth-app-list.json',
      // What error actions point to: the seed format and the plan schema, in the installed plugin's folder.
      'package/docs/emulator-seed.md',
      'package/schemas/plan/rollout-plan.json',
    ]);
    expect(
      files.filter(
        (f) =>
          /^package\/(src|test|bench|scripts|node_modules)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')),
      ),
    ).to.deep.equal([]);
    const extracted = await run('tar', ['-xzOf', tarball, 'package/oclif.manifest.json'], {
      cwd: clone,
      env: process.env,
    });
    const manifest = JSON.parse(extracted.stdout) as {
      version: string;
      commands: Record<string, { flags: Record<string, unknown> }>;
    };
    const snapshot = JSON.parse(readFileSync(path.join(ROOT, 'command-snapshot.json'), 'utf8')) as Snapshot;
    expect(Object.keys(manifest.commands).sort()).to.deep.equal(snapshot.map((c) => c.command).sort());
    expect(manifest.commands['oauth:app:list'].flags).to.have.property('target-org');
    const pjson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(manifest.version).to.equal(pjson.version);
  });

  it('postpack removes the manifest and shrinkwrap from the clone, so bin/run.js there never reads a stale one', () => {
    expect(existsSync(path.join(clone, 'lib', 'commands', 'oauth', 'app', 'list.js'))).to.equal(true);
    expect(existsSync(path.join(clone, 'oclif.manifest.json'))).to.equal(false);
    expect(existsSync(path.join(clone, 'npm-shrinkwrap.json'))).to.equal(false);
  });

  it('sf plugins install file:<tarball> installs it with no install script to run, and sf lists it', async () => {
    const output = install.stdout + install.stderr;
    expect(install.code, output).to.equal(0);
    expect(output).to.match(/installed v\d+\.\d+\.\d+/);
    expect(output).not.to.match(/prepare script did not produce/);
    // No preinstall, install or postinstall of ours. npm lists `prepare` for a file: tarball, as for any non-registry
    // package (official plugins have one too), but never runs it there, and never lists it for a registry install.
    expect(output).not.to.match(/plugin-oauth@[^(]*\((pre|post)?install:/);
    const plugins = await run(process.execPath, [SF_RUN, 'plugins', '--json'], { cwd: env.HOME as string, env });
    const list = JSON.parse(plugins.stdout) as Array<{ name: string; type: string }>;
    expect(list.find((p) => p.name === 'plugin-oauth')?.type).to.equal('user');
  });

  it('the installed plugin runs in sf: --help, then the emulator and sf oauth app list --json', async () => {
    const help = await run(process.execPath, [SF_RUN, 'oauth', 'app', 'list', '--help'], {
      cwd: env.HOME as string,
      env,
    });
    expect(help.code, help.stderr).to.equal(0);
    expect(help.stdout).to.include('USAGE').and.include('sf oauth app list');

    const port = await freePort();
    const emulator = spawn(
      process.execPath,
      [SF_RUN, 'oauth', 'emulator', 'start', '--alias', 'emu', '--port', String(port)],
      { cwd: env.HOME as string, env },
    );
    try {
      await ready(emulator, /Press Ctrl-C/);
      const list = await run(process.execPath, [SF_RUN, 'oauth', 'app', 'list', '-o', 'emu', '--json'], {
        cwd: env.HOME as string,
        env,
      });
      expect(list.code, list.stderr).to.equal(0);
      const json = JSON.parse(list.stdout) as {
        status: number;
        result: { apps: Array<{ name: string; verdict: string }> };
      };
      expect(json.result.apps.find((a) => a.name === 'Partner_Portal_Sync')?.verdict).to.equal('breaks');
    } finally {
      emulator.kill('SIGINT');
      await new Promise((resolve) => emulator.once('close', resolve));
    }
  });
});

function ready(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`emulator not ready: ${output}`)), 120_000);
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code}): ${output}`));
    });
  });
}
