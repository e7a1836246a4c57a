/*
 * The published package, as a user gets it: `npm pack` in a copy of the work tree (every file git knows, as a fresh
 * clone has them, with this clone's node_modules linked in, as after `npm ci`), so the pack hooks run and build
 * there, never in the work tree; then `sf plugins install` of the tarball with the real sf CLI (@salesforce/cli from
 * devDependencies) into a throwaway HOME. Shared by test/packaging/pack-install.test.ts and bench/help-startup.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './cli.js';

export const SF_RUN = path.join(ROOT, 'node_modules', '@salesforce', 'cli', 'bin', 'run.js');

export type RunResult = { code: number | null; stdout: string; stderr: string };

/** Runs a command to completion, standard input closed (no terminal), output collected. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A copy of the work tree as a fresh clone after `npm ci` has it: git's files (no lib/, no manifest), node_modules linked. */
export function cloneWorkTree(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-oauth-clone-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const from = path.join(ROOT, file);
    const to = path.join(dir, file);
    mkdirSync(path.dirname(to), { recursive: true });
    try {
      cpSync(from, to);
    } catch {
      // a file git lists but that was deleted in the work tree
    }
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** `npm pack` in `clone`; the tarball's path, with npm's output for diagnostics. */
export async function npmPack(clone: string, destination: string): Promise<{ tarball: string; output: RunResult }> {
  const output = await run('npm', ['pack', '--pack-destination', destination], {
    cwd: clone,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  const tarball = readdirSync(destination).find((f) => f.endsWith('.tgz'));
  if (output.code !== 0 || !tarball)
    throw new Error(`npm pack failed (${output.code}):\n${output.stdout}\n${output.stderr}`);
  return { tarball: path.join(destination, tarball), output };
}

/** An environment for the real sf CLI in a throwaway HOME: no telemetry, update checks or log files. */
export function sfEnv(home = mkdtempSync(path.join(tmpdir(), 'sf-oauth-sf-home-'))): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_LOG_FILE: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_DISABLE_DNS_CHECK: 'true',
    // npm (run by `sf plugins install`) takes what npm's cache holds before it asks the registry.
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  for (const name of ['SF_CONTENT_TYPE', 'SF_DATA_DIR', 'SF_CONFIG_DIR', 'SF_CACHE_DIR']) delete env[name];
  return env;
}

/**
 * `sf plugins install file:<tarball>`. An unsigned plugin is confirmed by a prompt, or by its URL in
 * unsignedPluginAllowList.json (the way scripts install one); the test takes the latter.
 */
export async function sfPluginsInstall(tarball: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  const url = `file:${tarball}`;
  const configDir = path.join(env.XDG_CONFIG_HOME as string, 'sf');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(path.join(configDir, 'unsignedPluginAllowList.json'), JSON.stringify([url]));
  return run(process.execPath, [SF_RUN, 'plugins', 'install', url], { cwd: env.HOME as string, env });
}
