/*
 * Benchmark of enabling PKCE on 200 apps (run by hand: `npx tsx bench/toggle.ts`; not a test).
 *
 * An emulator org with 1,000 External Client Apps and 500 Connected Apps and the sandbox latency model. In the same run:
 *   1. `node bin/run.js oauth pkce enable --app … (200 apps) --no-prompt --json`: one listMetadata pass, one retrieve,
 *      one backup, one deploy, one read-back;
 *   2. the official equivalent: `sf project retrieve start -x package.xml` of the same 200 components, the flag edited
 *      in each file, then `sf project deploy start -d force-app`.
 * Between the runs the org is reset (a second emulator with the same seed), so both do the same work.
 * Environment: APPS (default 200), SF_BIN (official CLI), BENCH_LATENCY=none to drop the latency model.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diff, printFigures, ROOT, run, SF_BIN, sfProject, snapshot, type Figures } from './lib.js';

const APPS = Number(process.env.APPS ?? 200);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

async function main(): Promise<void> {
  const { OrgEmulator } = await import('../src/emulator/server.js');
  const { NO_LATENCY, SANDBOX_LATENCY } = await import('../src/emulator/faults.js');
  const { saveCliAuthorization } = await import('../src/emulator/sf-auth.js');
  const { oauthClients } = await import('../src/emulator/clients.js');
  const { bigSeed } = await import('../test/apps/big-seed.js');
  const latency = process.env.BENCH_LATENCY === 'none' ? NO_LATENCY : SANDBOX_LATENCY;
  const seed = bigSeed(1000, 500, true);
  // ECAs with an odd number have PKCE off in the generated org.
  const names = Array.from({ length: APPS }, (_, k) => `Gen_Eca_${String(2 * k + 1).padStart(4, '0')}`);
  const figures: Figures[] = [];
  const pkceOn = (emulator: Awaited<ReturnType<typeof OrgEmulator.start>>): number =>
    [...oauthClients(emulator.store).values()].filter((c) => names.includes(c.appName) && c.pkceRequired).length;

  if (!existsSync(path.join(ROOT, 'lib', 'commands', 'oauth', 'pkce', 'enable.js')))
    throw new Error('Build first: npx tsc -p .');
  console.log(
    `Emulator org: 1,000 ECAs + 500 Connected Apps, latency ${JSON.stringify(latency)}; enabling PKCE on ${APPS} ECAs.`,
  );

  // 1. Ours.
  let emulator = await OrgEmulator.start({ port: 0, seed, latency });
  try {
    await saveCliAuthorization(emulator, 'bench-ours');
    const before = snapshot(emulator.stats);
    const started = Date.now();
    const cmd = await run(
      process.execPath,
      [
        path.join(ROOT, 'bin', 'run.js'),
        'oauth',
        'pkce',
        'enable',
        ...names.flatMap((n) => ['--app', n]),
        '-o',
        'bench-ours',
        '--no-prompt',
        '--json',
      ],
      ROOT,
    );
    const ms = Date.now() - started;
    figures.push({
      label: `sf oauth pkce enable (${APPS} apps)`,
      ms,
      ...diff(before, emulator.stats),
      note: `exit ${String(cmd.code)}, PKCE now on for ${pkceOn(emulator)}/${APPS}`,
    });
  } finally {
    await emulator.stop();
  }

  // 2. The official retrieve, edit and deploy of the same components.
  if (!existsSync(SF_BIN)) {
    console.log(`No sf CLI at ${SF_BIN}: set SF_BIN to compare with the official commands.`);
  } else {
    emulator = await OrgEmulator.start({ port: 0, seed, latency });
    try {
      await saveCliAuthorization(emulator, 'bench-official');
      const project = sfProject('66.0');
      const members = names.map((n) => `<members>${n}_glbloauth</members>`).join('');
      writeFileSync(
        path.join(project, 'package.xml'),
        `<?xml version="1.0" encoding="UTF-8"?><Package xmlns="http://soap.sforce.com/2006/04/metadata"><types>${members}<name>ExtlClntAppGlobalOauthSettings</name></types><version>66.0</version></Package>`,
      );
      const before = snapshot(emulator.stats);
      const started = Date.now();
      const retrieve = await run(
        SF_BIN,
        ['project', 'retrieve', 'start', '-x', 'package.xml', '-o', 'bench-official', '--json'],
        project,
      );
      for (const file of files(path.join(project, 'force-app'))) {
        writeFileSync(
          file,
          readFileSync(file, 'utf8').replace(
            '<isPkceRequired>false</isPkceRequired>',
            '<isPkceRequired>true</isPkceRequired>',
          ),
        );
      }
      const deploy = await run(
        SF_BIN,
        ['project', 'deploy', 'start', '-d', 'force-app', '-o', 'bench-official', '--json'],
        project,
      );
      const ms = Date.now() - started;
      figures.push({
        label: `sf project retrieve start + deploy start (official, ${APPS} components)`,
        ms,
        ...diff(before, emulator.stats),
        note: `exit ${String(retrieve.code)}/${String(deploy.code)}, PKCE now on for ${pkceOn(emulator)}/${APPS}; no backup, no read-back`,
      });
    } finally {
      await emulator.stop();
    }
  }
  printFigures(figures);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
