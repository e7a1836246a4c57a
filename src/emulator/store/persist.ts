/*
 * State-file IO. Writes are atomic (temp file in the same folder, fsync, rename) and private (0600), so a crash never
 * leaves a half-written state and other users cannot read it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { OrgState } from './state.js';

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
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
  writeFileAtomic(file, JSON.stringify(state, null, 1));
