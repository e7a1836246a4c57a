/*
 * Benchmark of `sf oauth app list` (run by hand: `npx tsx bench/app-list.ts`; not a test).
 *
 * Starts an emulator org with 1,000 External Client Apps and 500 Connected Apps (plus the default org's apps) and the
 * sandbox latency model, saves an sf CLI authorization for it in a throwaway HOME, and measures, in the same run:
 *   1. the inventory core in this process (buildInventory over a @salesforce/core Connection);
 *   2. the compiled command, `node bin/run.js oauth app list --json` (when lib/ is built);
 *   3. the official `sf project retrieve start -m ConnectedApp -m ExternalClientApplication -m
 *      ExtlClntAppGlobalOauthSettings -m ExtlClntAppOauthSettings -m ExtlClntAppOauthConfigurablePolicies` (the real
 *      sf CLI: SF_BIN, else node_modules/.bin/sf), which fetches the same settings but no usage, owners or verdicts.
 * For each: wall time and the emulator's request counts. Loopback only; every loop is bounded.
 *
 * Environment: ECAS, CONNECTED_APPS (sizes), SF_BIN (official CLI), BENCH_LATENCY=none to drop the latency model.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { diff, printFigures, ROOT, run, SF_BIN, snapshot, type Figures } from './lib.js';

const ECAS = Number(process.env.ECAS ?? 1000);
const CONNECTED_APPS = Number(process.env.CONNECTED_APPS ?? 500);

async function main(): Promise<void> {
  const { OrgEmulator } = await import('../src/emulator/server.js');
  const { NO_LATENCY, SANDBOX_LATENCY } = await import('../src/emulator/faults.js');
  const { saveCliAuthorization } = await import('../src/emulator/sf-auth.js');
  const { buildInventory } = await import('../src/apps/inventory.js');
  const { bigSeed } = await import('../test/apps/big-seed.js');
  const { Org } = await import('@salesforce/core');

  const latency = process.env.BENCH_LATENCY === 'none' ? NO_LATENCY : SANDBOX_LATENCY;
  console.log(
    `Starting an emulator org with ${ECAS} ECAs and ${CONNECTED_APPS} Connected Apps (+ the default org's apps), latency ${JSON.stringify(latency)}`,
  );
  const emulator = await OrgEmulator.start({ port: 0, seed: bigSeed(ECAS, CONNECTED_APPS), latency });
  const figures: Figures[] = [];
  try {
    await saveCliAuthorization(emulator, 'bench');

    // 1. The inventory core, in process.
    const org = await Org.create({ aliasOrUsername: 'bench' });
    const conn = org.getConnection();
    await conn.query('SELECT Id FROM Organization'); // warm the connection (API version, auth) outside the timing
    let before = snapshot(emulator.stats);
    let started = Date.now();
    const inventory = await buildInventory(conn, { days: 90 });
    figures.push({
      label: 'app list core (in process)',
      ms: Date.now() - started,
      ...diff(before, emulator.stats),
      note: `${inventory.result.apps.length} rows, ${inventory.result.summary.breaksAtEnforcement} break at enforcement`,
    });

    // 2. The compiled command, as a user runs it.
    const runJs = path.join(ROOT, 'bin', 'run.js');
    if (existsSync(path.join(ROOT, 'lib', 'commands', 'oauth', 'app', 'list.js'))) {
      before = snapshot(emulator.stats);
      started = Date.now();
      const cmd = await run(process.execPath, [runJs, 'oauth', 'app', 'list', '-o', 'bench', '--json'], ROOT);
      const ms = Date.now() - started;
      let note = `exit ${String(cmd.code)}`;
      try {
        const json = JSON.parse(cmd.stdout) as { result?: { apps?: unknown[] } };
        note += `, ${json.result?.apps?.length ?? 0} rows`;
      } catch {
        note += `, unreadable output: ${cmd.stderr.slice(0, 200)}`;
      }
      figures.push({ label: 'sf oauth app list --json (bin/run.js)', ms, ...diff(before, emulator.stats), note });
    } else {
      console.log('lib/ is not built (npx tsc -p .): skipping the compiled command.');
    }

    // 3. The official retrieve of the same settings.
    if (existsSync(SF_BIN)) {
      const project = mkdtempSync(path.join(tmpdir(), 'sf-oauth-bench-project-'));
      mkdirSync(path.join(project, 'force-app'));
      writeFileSync(
        path.join(project, 'sfdx-project.json'),
        JSON.stringify({
          packageDirectories: [{ path: 'force-app', default: true }],
          sourceApiVersion: conn.getApiVersion(),
        }),
      );
      const types = [
        'ConnectedApp',
        'ExternalClientApplication',
        'ExtlClntAppGlobalOauthSettings',
        'ExtlClntAppOauthSettings',
        'ExtlClntAppOauthConfigurablePolicies',
      ];
      before = snapshot(emulator.stats);
      started = Date.now();
      const sf = await run(
        SF_BIN,
        ['project', 'retrieve', 'start', ...types.flatMap((t) => ['-m', t]), '-o', 'bench', '--json'],
        project,
      );
      const ms = Date.now() - started;
      let note = `exit ${String(sf.code)}`;
      try {
        const json = JSON.parse(sf.stdout) as { result?: { files?: unknown[] } };
        note += `, ${json.result?.files?.length ?? 0} files, no usage/owners/verdicts`;
      } catch {
        note += `, unreadable output: ${sf.stderr.slice(0, 200)}`;
      }
      figures.push({ label: 'sf project retrieve start (official)', ms, ...diff(before, emulator.stats), note });
    } else {
      console.log(`No sf CLI at ${SF_BIN}: set SF_BIN to compare with the official retrieve.`);
    }
  } finally {
    await emulator.stop();
  }

  printFigures(figures);
  const core = figures.find((f) => f.label.startsWith('app list core'));
  const official = figures.find((f) => f.label.startsWith('sf project retrieve'));
  const command = figures.find((f) => f.label.startsWith('sf oauth app list'));
  if (official && (command ?? core)) {
    const ours = command ?? core;
    console.log('');
    console.log(
      `${ours?.label}: ${((ours?.ms ?? 0) / official.ms).toFixed(2)} x the official retrieve's wall time (target: at most 0.5).`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
