/*
 * Runs the compiled plugin (`bin/run.js`, as `sf` would) in a child process, in an isolated HOME that a
 * @salesforce/cli-plugins-testkit TestSession provides, as the official plugins' NUTs have it.
 *
 * TestSession sets process.env.HOME (and USERPROFILE, SF_USE_GENERIC_UNIX_KEYCHAIN) in THIS process and never puts
 * them back; its clean() only restores cwd. The mocha run also holds in-process tests whose @salesforce/core state
 * (~/.sfdx, ~/.sf) lives in the HOME test/helpers/env.ts made, so each session is created in a `before` hook, cleaned
 * in `after`, and the whole process.env it found is restored then: nothing leaks into the next describe or file.
 *
 * Children are spawned here rather than through testkit's execCmd: execCmd takes one shell string (quoting of JSON
 * and paths), has no standard input (secret prompts, `--no-prompt` checks), cannot wait for a long-running command to
 * be ready (`sf oauth emulator start`), and in its async mode replaces stdout with stderr when the exit code is not 0,
 * which the tests of failing commands' tables need.
 */
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestSession } from '@salesforce/cli-plugins-testkit';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUN = path.join(ROOT, 'bin', 'run.js');

/**
 * The environment for a spawned command, from `base` (HOME from it unless given): quiet sf settings, and neither
 * SF_CONTENT_TYPE nor CI. CI=true changes oclif's table style and spinners: a test that wants it sets it on the result,
 * so a spawned command behaves the same whether or not the CI runner exports it. Nor the folder overrides
 * (SF_OAUTH_BACKUP_DIR, SF_OAUTH_RESULTS_DIR, SF_OAUTH_ROLLOUT_DIR) that in-process tests set in this process: the
 * child keeps everything under its own HOME unless the test sets them on the result. Nor COLUMNS and
 * OCLIF_TABLE_COLUMN_OVERRIDE (an in-process table sets the latter): a test that lays out for a width sets COLUMNS.
 */
export function cliEnv(base: NodeJS.ProcessEnv, home = base.HOME): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    HOME: home,
    USERPROFILE: home,
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_LOG_FILE: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
  };
  delete env.SF_CONTENT_TYPE;
  delete env.CI;
  delete env.COLUMNS;
  delete env.OCLIF_TABLE_COLUMN_OVERRIDE;
  for (const name of ['SF_OAUTH_BACKUP_DIR', 'SF_OAUTH_RESULTS_DIR', 'SF_OAUTH_ROLLOUT_DIR']) delete env[name];
  return env;
}

const sessionDirs = new Set<string>();
function removeAtExit(dir: string): void {
  if (sessionDirs.size === 0)
    process.once('exit', () => {
      for (const d of sessionDirs) rmSync(d, { recursive: true, force: true });
    });
  sessionDirs.add(dir);
}

/** Puts process.env back to `saved`: values TestSession (or a test) changed, and names they added. */
function restoreEnv(saved: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  for (const [name, value] of Object.entries(saved)) if (process.env[name] !== value) process.env[name] = value;
}

/**
 * A TestSession for the spawned commands of the describe block this is called in (or, with `'test'`, one for each of
 * its tests). Call it in a describe body, not in a hook or a test: it registers the hooks that create and clean the
 * session. The returned environment is filled in when the session starts; its HOME is the session's directory, and
 * process.env.HOME is that directory too while the session lives (so in-process setup, such as saving an
 * authorization, writes where the children read).
 */
export function isolatedEnv(scope: 'describe' | 'test' = 'describe'): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  let session: TestSession | undefined;
  let saved: NodeJS.ProcessEnv | undefined;
  const start = async (): Promise<void> => {
    saved = { ...process.env };
    // A session folder under the system's temp folder, not test_session_* in the work tree.
    const sessionDir = mkdtempSync(path.join(tmpdir(), 'sf-oauth-cli-session-'));
    session = await TestSession.create({ devhubAuthStrategy: 'NONE', sessionDir });
    // TestSession does not delete a folder it was given. Removed when mocha exits, not in `after`: the describe's own
    // `after` hooks run later and stop the emulator children that still write there (unless TESTKIT_SAVE_ARTIFACTS
    // keeps it, as testkit would).
    if (!process.env.TESTKIT_SAVE_ARTIFACTS) removeAtExit(sessionDir);
    for (const name of Object.keys(env)) delete env[name];
    Object.assign(env, cliEnv(process.env, session.homeDir));
  };
  const stop = async (): Promise<void> => {
    await session?.clean();
    if (saved) restoreEnv(saved);
    // `env` keeps its values: the describe's own `after` hooks run after this one.
    session = undefined;
    saved = undefined;
  };
  if (scope === 'test') {
    beforeEach(start);
    afterEach(stop);
  } else {
    before(start);
    after(stop);
  }
  return env;
}

/**
 * The exception to TestSession: an isolated HOME in a new temp folder, process.env untouched. For a second HOME while
 * a describe's session lives (a second emulator whose admin would overwrite the first one's authorization in a shared
 * HOME): TestSession owns process.env.HOME, so two of them cannot live side by side.
 */
export function scratchEnv(): NodeJS.ProcessEnv {
  return cliEnv(process.env, mkdtempSync(path.join(tmpdir(), 'sf-oauth-cli-home-')));
}

export type CliResult = { code: number | null; stdout: string; stderr: string };

function spawnRun(args: string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  // An empty environment is an isolatedEnv() whose session has not started: called in a hook or a test.
  if (!env.HOME)
    throw new Error('no HOME in the environment: call isolatedEnv() in the describe body, or use scratchEnv()');
  return spawn(process.execPath, [RUN, ...args], { env, cwd: ROOT });
}

/** Runs one command to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnRun(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** Starts a long-running command and resolves once its output contains `ready`. */
export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 120_000,
): Promise<{ child: ChildProcess; output: () => string; done: Promise<CliResult> }> {
  return new Promise((resolve, reject) => {
    const child = spawnRun(args, env);
    let stdout = '';
    let stderr = '';
    const done = new Promise<CliResult>((res) => child.on('close', (code) => res({ code, stdout, stderr })));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`not ready after ${timeoutMs} ms: ${stdout}\n${stderr}`));
    }, timeoutMs);
    const check = (): void => {
      if (ready.test(stdout)) {
        clearTimeout(timer);
        resolve({ child, output: () => stdout + stderr, done });
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      check();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', () => {
      clearTimeout(timer);
      if (!ready.test(stdout)) reject(new Error(`exited before ready: ${stdout}\n${stderr}`));
    });
  });
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
