/*
 * npm's pack hooks, as official sf plugins have them (sf-prepack / sf-clean): `npm pack` and `npm publish` run
 * `prepack` (a clean lib/ compiled from src/, oclif.manifest.json, npm-shrinkwrap.json) before they read the files,
 * and `postpack` (both generated files removed again) after. Without the manifest, the sf CLI would import every
 * command of the plugin to learn its flags at each start of any sf command; with it, only the command that runs is
 * imported. The shrinkwrap (package-lock.json as is) pins every dependency to the version this project was tested
 * with, as official plugins ship one; `sf plugins install` then needs no registry metadata and installs from npm's
 * cache when the tarballs are there.
 *
 * The manifest is what `oclif manifest` writes (the `oclif` CLI is not a dependency of this project): the plugin
 * loaded by @oclif/core with its manifest ignored, commands read from the compiled lib/ and cached, every error fatal.
 *
 * Usage: tsx scripts/pack-hooks.ts prepack|postpack
 */
import { spawnSync } from 'node:child_process';
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifestFile = path.join(root, 'oclif.manifest.json');
const shrinkwrapFile = path.join(root, 'npm-shrinkwrap.json');

async function prepack(): Promise<void> {
  await rm(path.join(root, 'lib'), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', root, '--pretty'], { stdio: 'inherit', cwd: root });
  if (build.status !== 0) throw new Error('the TypeScript build failed: nothing was packed');
  await writeManifest();
  await copyFile(path.join(root, 'package-lock.json'), shrinkwrapFile);
}

async function writeManifest(): Promise<void> {
  // Commands are loaded from lib/ as an installed plugin's are, not through tsx from src/.
  process.env.NODE_ENV = 'production';
  const { Plugin } = await import('@oclif/core');
  const plugin = new Plugin({
    root,
    type: 'core',
    isRoot: true,
    ignoreManifest: true,
    errorOnManifestCreate: true,
    respectNoCacheDefault: true,
  });
  await plugin.load();
  const count = Object.keys(plugin.manifest.commands).length;
  if (count === 0) throw new Error('no command was found under lib/commands: nothing was packed');
  await writeFile(manifestFile, JSON.stringify(plugin.manifest, null, 2));
  console.log(`wrote oclif.manifest.json (${count} commands, version ${plugin.manifest.version})`);
}

async function postpack(): Promise<void> {
  // A manifest left in a working copy would hide command changes from bin/run.js until it is deleted, and npm would
  // prefer a shrinkwrap to package-lock.json.
  await rm(manifestFile, { force: true });
  await rm(shrinkwrapFile, { force: true });
}

const hook = process.argv[2];
try {
  if (hook === 'prepack') await prepack();
  else if (hook === 'postpack') await postpack();
  else throw new Error(`unknown hook "${hook ?? ''}": use prepack or postpack`);
} catch (e) {
  console.error(`${hook ?? 'pack'}: ${(e as Error).message}`);
  process.exit(1);
}
