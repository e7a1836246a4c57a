/*
 * Reads a seed file given to `sf oauth emulator start --seed`. The format is documented in docs/emulator-seed.md.
 */
import { promises as fs } from 'node:fs';
import type { OrgSeed } from './types.js';

export class SeedFileError extends Error {}

export async function loadSeedFile(file: string): Promise<OrgSeed> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new SeedFileError(`Cannot read the seed file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}.`);
  }
  let seed: OrgSeed;
  try {
    seed = JSON.parse(raw) as OrgSeed;
  } catch (e) {
    throw new SeedFileError(`The seed file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!seed || typeof seed !== 'object' || !seed.org?.name || !Array.isArray(seed.users) || !Array.isArray(seed.apps)) {
    throw new SeedFileError(`The seed file ${file} needs "org" (with "name"), "users" and "apps".`);
  }
  return seed;
}
