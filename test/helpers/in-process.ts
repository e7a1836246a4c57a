/*
 * Runs a command class in this process, as `sf` would run it, with the plugin's oclif config: fast tests of the
 * commands against an in-process emulator, beside the spawned ones (test/helpers/cli.ts), as plugin-org has them.
 * stdout and stderr are captured, not printed; process.exitCode is read and put back, so one command's failure does not
 * become the mocha run's exit code.
 */
import { Config } from '@oclif/core';
import { AuthRemover } from '@salesforce/core';
import type { EmulatorOptions, OrgEmulator } from '../../src/emulator/server.js';
import { saveCliAuthorization } from '../../src/emulator/sf-auth.js';
import { privateDirs } from '../rollout/helpers.js';
import { ROOT } from './cli.js';
import { useEmulator } from './emulator.js';

/** A command class: SfCommand subclasses have this static `run` (oclif's `Command.run`). */
export type CommandClass = { run(argv?: string[], config?: Config): Promise<unknown> };

export type InProcessRun = {
  /** What the command's `run()` returned (its typed result), or undefined when it threw. */
  result: unknown;
  /** The error the command threw (sf-plugins-core prints it, then rethrows it). */
  error?: Error & { exitCode?: number; actions?: string[] };
  exitCode: number;
  stdout: string;
  stderr: string;
};

/** Runs `cmd` with `argv` as given; output is captured. */
export async function runCommand(cmd: CommandClass, argv: string[]): Promise<InProcessRun> {
  const config = await Config.load(ROOT);
  let stdout = '';
  let stderr = '';
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string | Uint8Array): boolean => {
    stdout += chunk.toString();
    return true;
  };
  process.stderr.write = (chunk: string | Uint8Array): boolean => {
    stderr += chunk.toString();
    return true;
  };
  const exitCodeBefore = process.exitCode;
  process.exitCode = undefined;
  let result: unknown;
  let error: InProcessRun['error'];
  try {
    result = await cmd.run(argv, config);
  } catch (e) {
    error = e as InProcessRun['error'];
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
  // SfCommand sets process.exitCode for a failure and for a result it marks failed; an error that got past it carries
  // its own exit code.
  const exitCode = Number(process.exitCode ?? (error ? (error.exitCode ?? 1) : 0));
  process.exitCode = exitCodeBefore;
  return { result, error, exitCode, stdout, stderr };
}

/** Runs `cmd` with `argv` and `--json`; the parsed envelope (success or error) and the exit code. */
export async function runJson<T>(
  cmd: CommandClass,
  argv: string[],
): Promise<{ json: T; exitCode: number; stdout: string; stderr: string }> {
  const run = await runCommand(cmd, [...argv, '--json']);
  let json: T;
  try {
    json = JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(
      `not JSON on stdout (exit ${run.exitCode}): ${run.stdout}\n${run.stderr}\n${run.error?.stack ?? ''}`,
    );
  }
  return { json, exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr };
}

const PRIVATE_DIRS = ['SF_OAUTH_ROLLOUT_DIR', 'SF_OAUTH_BACKUP_DIR', 'SF_OAUTH_RESULTS_DIR'] as const;

/**
 * For each test: a fresh emulator org (test/helpers/emulator.ts), an sf authorization of its admin under a new alias
 * in the run's HOME (as `sf oauth emulator start --alias` saves it), and private rollout, backup and results folders.
 * The authorization and the folders' variables are removed afterwards: other files authenticate as the same user.
 */
export function useEmulatorOrg(options: EmulatorOptions | (() => EmulatorOptions) = {}): {
  emu: () => OrgEmulator;
  alias: () => string;
  dirs: () => ReturnType<typeof privateDirs>;
} {
  const emu = useEmulator(options);
  let alias = '';
  let username = '';
  let dirs: ReturnType<typeof privateDirs> | undefined;
  const saved: Partial<Record<(typeof PRIVATE_DIRS)[number], string>> = {};
  beforeEach(async () => {
    for (const name of PRIVATE_DIRS) saved[name] = process.env[name];
    dirs = privateDirs();
    alias = `inproc${Date.now()}`;
    username = (await saveCliAuthorization(emu(), alias)).username;
  });
  afterEach(async () => {
    for (const name of PRIVATE_DIRS)
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    if (username) await (await AuthRemover.create()).removeAuth(username);
    username = '';
  });
  return {
    emu,
    alias: () => alias,
    dirs: (): ReturnType<typeof privateDirs> => {
      if (!dirs) throw new Error('no test is running');
      return dirs;
    },
  };
}
