/*
 * One rollout per org at a time: a lock next to the org's journal (proper-lockfile: an atomic mkdir, its mtime renewed
 * while the run lives). A lock whose holder stopped renewing it for `staleMs` is stale and taken over; a lock held by a
 * process of this machine that no longer exists (a crash, kill -9) is taken over at once.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { orgDir, rolloutRoot } from './journal.js';

export type LockOwner = { pid: number; host: string; startedAt: string; command: string };

export class RolloutLockedError extends Error {
  public constructor(
    message: string,
    public readonly owner?: LockOwner,
  ) {
    super(message);
    this.name = 'RolloutLockedError';
  }
}

export type Release = () => Promise<void>;

const DEFAULT_STALE_MS = 30_000;

function staleMs(): number {
  const fromEnv = Number(process.env.SF_OAUTH_ROLLOUT_LOCK_STALE_MS);
  return Number.isFinite(fromEnv) && fromEnv >= 2000 ? fromEnv : DEFAULT_STALE_MS;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

/** Takes the org's rollout lock, or throws RolloutLockedError naming who holds it. */
export async function acquireRolloutLock(orgId: string, command: string, root = rolloutRoot()): Promise<Release> {
  const dir = orgDir(orgId, root);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const target = path.join(dir, 'rollout');
  const ownerFile = path.join(dir, 'lock-owner.json');
  const stale = staleMs();
  const take = (): Promise<() => Promise<void>> =>
    lockfile.lock(target, {
      realpath: false,
      stale,
      update: Math.max(1000, Math.floor(stale / 3)),
      retries: 0,
      lockfilePath: `${target}.lock`,
    });
  let release: () => Promise<void>;
  try {
    release = await take();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    const owner = await readOwner(ownerFile);
    if (owner?.host === hostname() && owner.pid !== process.pid && !alive(owner.pid)) {
      // The holder died without releasing (kill -9, power loss): the lock is ours.
      await rm(`${target}.lock`, { recursive: true, force: true });
      release = await take();
    } else {
      const who = owner
        ? `process ${owner.pid} on ${owner.host} (${owner.command}, since ${owner.startedAt})`
        : 'another process';
      throw new RolloutLockedError(`Another rollout command is running on org ${orgId}: ${who}.`, owner);
    }
  }
  const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
  await writeFile(ownerFile, JSON.stringify(owner) + '\n', { mode: 0o600 });
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await rm(ownerFile, { force: true });
    await release().catch(() => undefined);
  };
}
