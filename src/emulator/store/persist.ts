/*
 * State-file IO. Writes are atomic and private: npm's `write-file-atomic` writes a temporary file beside the state
 * file, fsyncs it, sets mode 0600 and renames it over, so a crash never leaves a half-written state and other users
 * cannot read it. (The client core has the same need in src/util/private-file.ts; the emulator uses the library
 * directly because it never imports the client core.)
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { OrgState } from './state.js';

async function writePrivate(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, content, { mode: 0o600, fsync: true });
}

export class StateFileError extends Error {}

export async function readStateFile(file: string): Promise<OrgState | undefined> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let state: OrgState;
  try {
    state = JSON.parse(raw) as OrgState;
  } catch {
    throw new StateFileError(`The state file ${file} is not valid JSON.`);
  }
  if (state?.version !== 1 || !state.org?.id)
    throw new StateFileError(`The state file ${file} is not an emulator state file.`);
  return state;
}

export const writeStateFile = (file: string, state: OrgState): Promise<void> =>
  writePrivate(file, JSON.stringify(state, null, 1));
