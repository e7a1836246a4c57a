/*
 * Files only their owner can read, written atomically. Backups, smoke test results and rollout journals all go through
 * here. The atomic write is npm's own `write-file-atomic`: a temporary file beside the target, flushed to disk (fsync),
 * given its mode, then renamed over the target, so a crash leaves the old file or the new one, never half of either;
 * it also serializes writes to one file in this process and removes its temporary file on error or exit.
 */
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/** Creates a folder (and its parents) readable by the owner only, and tightens it if it already existed. */
export async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

export async function writePrivateFile(file: string, content: string): Promise<void> {
  // The library does not create folders; a new one is the owner's alone.
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // `mode` is given explicitly: without it the library copies the mode of the file it replaces.
  await writeFileAtomic(file, content, { mode: 0o600, fsync: true });
}
