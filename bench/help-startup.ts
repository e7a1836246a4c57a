/*
 * Startup of the published plugin in the real sf CLI (run by hand: `npx tsx bench/help-startup.ts`; not a test).
 *
 * The package is built and installed as a user gets it (`npm pack` in a copy of the work tree, then
 * `sf plugins install file:<tarball>` into a throwaway HOME), then `sf oauth app list --help` and the official
 * `sf org list metadata --help` run alternately, RUNS times each after one warm-up of each, and the medians are
 * compared. Both start the same sf CLI with the same plugins; the difference is what loading our command costs.
 * Goal: ours within 10% of the official command's median. Environment: RUNS (default 15), COMMAND (default
 * "oauth app list").
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cloneWorkTree, npmPack, run, sfEnv, sfPluginsInstall, SF_RUN } from '../test/helpers/package.js';

const RUNS = Number(process.env.RUNS ?? 15);
const OURS = (process.env.COMMAND ?? 'oauth app list').split(' ');
const OFFICIAL = ['org', 'list', 'metadata'];

async function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = process.hrtime.bigint();
  const result = await run(process.execPath, [SF_RUN, ...args, '--help'], { cwd: env.HOME as string, env });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.code !== 0 || !result.stdout.includes('USAGE'))
    throw new Error(`sf ${args.join(' ')} --help failed (${result.code}): ${result.stderr}`);
  return ms;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main(): Promise<void> {
  console.log('packing a copy of the work tree...');
  const { tarball } = await npmPack(cloneWorkTree(), mkdtempSync(path.join(tmpdir(), 'sf-oauth-bench-pack-')));
  const env = sfEnv();
  console.log(`installing ${path.basename(tarball)} with sf plugins install...`);
  const install = await sfPluginsInstall(tarball, env);
  if (install.code !== 0) throw new Error(`sf plugins install failed: ${install.stdout}\n${install.stderr}`);

  await timed(OURS, env);
  await timed(OFFICIAL, env);
  const ours: number[] = [];
  const official: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate, so that whatever else the machine does weighs on both alike.
    ours.push(await timed(OURS, env));
    official.push(await timed(OFFICIAL, env));
  }
  const a = median(ours);
  const b = median(official);
  const ratio = a / b;
  console.log('');
  console.log(`| Command (--help, installed plugin) | Median | Min | Max | Runs |`);
  console.log('|---|---:|---:|---:|---:|');
  console.log(
    `| sf ${OURS.join(' ')} | ${a.toFixed(0)} ms | ${Math.min(...ours).toFixed(0)} ms | ${Math.max(...ours).toFixed(0)} ms | ${RUNS} |`,
  );
  console.log(
    `| sf ${OFFICIAL.join(' ')} | ${b.toFixed(0)} ms | ${Math.min(...official).toFixed(0)} ms | ${Math.max(...official).toFixed(0)} ms | ${RUNS} |`,
  );
  console.log('');
  console.log(`ours / official: ${ratio.toFixed(3)} (${ratio <= 1.1 ? 'within' : 'NOT within'} 10%)`);
}

await main();
