/*
 * The Node.js version guard (bin/check-node.cjs): an older Node stops at once with one line that says what is needed,
 * what was found and how to get it, at install (npm ci's prepare script), at `npm run demo` and at every run (bin/run.js).
 * The old Node is a real one: the machine's /usr/bin/node when it is older than 22 (Debian's; the tests that need it
 * are skipped where there is none), or a stand-in executable for the Node that npm itself runs on.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../helpers/cli.js';

const OLD_NODE = '/usr/bin/node';
const oldNodeVersion = ((): string | undefined => {
  try {
    const version = execFileSync(OLD_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    return Number(version.split('.')[0]) < 22 ? version : undefined;
  } catch {
    return undefined;
  }
})();

/** npm's own CLI script, to run npm on the old Node. */
function npmCli(): string {
  const onPath = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
  return realpathSync(onPath);
}

/** A PATH whose `node` is the old one, as on a machine with only Node 20. */
function oldNodePath(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-oauth-old-node-'));
  symlinkSync(OLD_NODE, path.join(dir, 'node'));
  return `${dir}${path.delimiter}${process.env.PATH ?? ''}`;
}

function expectOneClearLine(run: SpawnSyncReturns<string>, found: string): void {
  expect(run.status, run.stderr).to.equal(1);
  const ours = run.stderr.split('\n').filter((l) => l.includes('plugin-oauth needs Node.js'));
  expect(ours, run.stderr).to.have.length(1);
  expect(ours[0]).to.include('Node.js 22 or later').and.include(`v${found}`).and.include('install Node.js 22');
  expect(run.stderr, 'no stack trace').not.to.match(/\n\s+at /);
}

describe('Node.js version guard', function () {
  this.timeout(120_000);

  it('bin/run.js on an older Node: one line (needed, found, how to get it), exit 1, no stack trace', function () {
    if (!oldNodeVersion) this.skip();
    const run = spawnSync(OLD_NODE, [path.join(ROOT, 'bin', 'run.js'), 'oauth', 'app', 'list', '--help'], {
      encoding: 'utf8',
      cwd: ROOT,
    });
    expectOneClearLine(run, oldNodeVersion);
    expect(run.stderr.trim().split('\n')).to.have.length(1);
    expect(run.stdout).to.equal('');
  });

  it('npm run demo on an older Node stops with the one line before any dependency loads', function () {
    if (!oldNodeVersion) this.skip();
    const run = spawnSync(OLD_NODE, [npmCli(), 'run', 'demo'], {
      encoding: 'utf8',
      cwd: ROOT,
      env: { ...process.env, PATH: oldNodePath(), npm_config_update_notifier: 'false' },
    });
    expectOneClearLine(run, oldNodeVersion);
    expect(run.stdout + run.stderr).not.to.match(/undici|TypeError/);
  });

  it('npm install on an older Node fails in prepare with the one line', function () {
    if (!oldNodeVersion) this.skip();
    // The project's own package.json (its engines and prepare script) and guard, without dependencies to fetch.
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-oauth-preinstall-'));
    const pjson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ ...pjson, dependencies: {}, devDependencies: {} }, null, 2),
    );
    mkdirSync(path.join(dir, 'bin'));
    copyFileSync(path.join(ROOT, 'bin', 'check-node.cjs'), path.join(dir, 'bin', 'check-node.cjs'));
    const run = spawnSync(OLD_NODE, [npmCli(), 'install', '--offline', '--no-audit', '--no-fund'], {
      encoding: 'utf8',
      cwd: dir,
      env: { ...process.env, PATH: oldNodePath(), npm_config_update_notifier: 'false' },
    });
    expectOneClearLine(run, oldNodeVersion);
    expect(existsSync(path.join(dir, 'lib'))).to.equal(false);
  });

  it('checks the Node that npm runs on too, not only the node on the PATH', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-oauth-npm-node-'));
    const fakeNode = path.join(dir, 'node');
    writeFileSync(fakeNode, '#!/bin/sh\necho 18.20.4\n');
    chmodSync(fakeNode, 0o755);
    const guard = path.join(ROOT, 'bin', 'check-node.cjs');
    const old = spawnSync(process.execPath, [guard], {
      encoding: 'utf8',
      env: { ...process.env, npm_node_execpath: fakeNode },
    });
    expectOneClearLine(old, '18.20.4');
    expect(old.stderr).to.include(`npm runs on ${fakeNode}`);
    const current = spawnSync(process.execPath, [guard], {
      encoding: 'utf8',
      env: { ...process.env, npm_node_execpath: process.execPath },
    });
    expect(current.status, current.stderr).to.equal(0);
    expect(current.stderr).to.equal('');
  });

  it('bin/run.js on Node 22 runs the command', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'run.js'), '--version'], {
      encoding: 'utf8',
      cwd: ROOT,
    });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^plugin-oauth\/\d+\.\d+\.\d+ /);
  });
});
