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
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ECAS = Number(process.env.ECAS ?? 1000);
const CONNECTED_APPS = Number(process.env.CONNECTED_APPS ?? 500);
const SF_BIN = process.env.SF_BIN ?? path.join(ROOT, 'node_modules', '.bin', 'sf');
const TIMEOUT_MS = 15 * 60_000;

// An isolated HOME before @salesforce/core is loaded: auth files and config go to a throwaway folder.
const home = mkdtempSync(path.join(tmpdir(), 'sf-oauth-bench-home-'));
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  HOME: home,
  USERPROFILE: home,
  SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
  SF_DISABLE_LOG_FILE: 'true',
  SF_DISABLE_TELEMETRY: 'true',
  SF_AUTOUPDATE_DISABLE: 'true',
  SF_DISABLE_DNS_CHECK: 'true',
  SF_SKIP_NEW_VERSION_CHECK: 'true',
  SF_USE_PROGRESS_BAR: 'false',
};
for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'SF_CONTENT_TYPE']) delete childEnv[name];
Object.assign(process.env, childEnv);
for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete process.env[name];

type Figures = { label: string; ms: number; requests: number; byKind: Record<string, number>; note: string };

type Stats = { requests: number; byKind: Record<string, number> };

function snapshot(stats: Stats): Stats {
  return { requests: stats.requests, byKind: { ...stats.byKind } };
}

function diff(before: Stats, after: Stats): Omit<Figures, 'label' | 'ms' | 'note'> {
  const byKind: Record<string, number> = {};
  for (const [kind, n] of Object.entries(after.byKind)) {
    const d = n - (before.byKind[kind] ?? 0);
    if (d > 0) byKind[kind] = d;
  }
  return { requests: after.requests - before.requests, byKind };
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function kinds(byKind: Record<string, number>): string {
  const keys = ['soap:listMetadata', 'soap:retrieve', 'soap:checkRetrieveStatus', 'rest:query', 'rest:tooling:query', 'rest:queryMore', 'oauth'];
  return keys
    .filter((k) => byKind[k])
    .map((k) => `${k.replace(/^(soap|rest):/, '')}=${byKind[k]}`)
    .join(' ');
}

async function main(): Promise<void> {
  const { OrgEmulator } = await import('../src/emulator/server.js');
  const { NO_LATENCY, SANDBOX_LATENCY } = await import('../src/emulator/faults.js');
  const { saveCliAuthorization } = await import('../src/emulator/sf-auth.js');
  const { buildInventory } = await import('../src/apps/inventory.js');
  const { bigSeed } = await import('../test/apps/big-seed.js');
  const { Org } = await import('@salesforce/core');

  const latency = process.env.BENCH_LATENCY === 'none' ? NO_LATENCY : SANDBOX_LATENCY;
  console.log(`Starting an emulator org with ${ECAS} ECAs and ${CONNECTED_APPS} Connected Apps (+ the default org's apps), latency ${JSON.stringify(latency)}`);
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
        JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: conn.getApiVersion() })
      );
      const types = ['ConnectedApp', 'ExternalClientApplication', 'ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings', 'ExtlClntAppOauthConfigurablePolicies'];
      before = snapshot(emulator.stats);
      started = Date.now();
      const sf = await run(SF_BIN, ['project', 'retrieve', 'start', ...types.flatMap((t) => ['-m', t]), '-o', 'bench', '--json'], project);
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

  console.log('');
  console.log(`| Run | Wall time | Requests | By kind | Notes |`);
  console.log(`|---|---:|---:|---|---|`);
  for (const f of figures) console.log(`| ${f.label} | ${(f.ms / 1000).toFixed(1)} s | ${f.requests} | ${kinds(f.byKind)} | ${f.note} |`);
  const core = figures.find((f) => f.label.startsWith('app list core'));
  const official = figures.find((f) => f.label.startsWith('sf project retrieve'));
  const command = figures.find((f) => f.label.startsWith('sf oauth app list'));
  if (official && (command ?? core)) {
    const ours = command ?? core;
    console.log('');
    console.log(`${ours?.label}: ${((ours?.ms ?? 0) / official.ms).toFixed(2)} x the official retrieve's wall time (target: at most 0.5).`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
