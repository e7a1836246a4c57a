/*
 * Local backups of metadata components as retrieved, taken before any change: one folder per change under
 * `~/.sf/oauth/backups/<orgId>/<timestamp>/` (or `$SF_OAUTH_BACKUP_DIR/<orgId>/<timestamp>/`), private to the user
 * (folders 0700, files 0600), every file written atomically, and `manifest.json` written last, so a folder without a
 * manifest is an interrupted backup and is ignored. Consumer secrets never reach the disk.
 */
import { chmod, mkdir, readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { privateDir, writePrivateFile } from '../util/private-file.js';
import { childElements, rootElement, XmlScanError, type ElementRange } from './xml-scan.js';
import type { RetrievedFile } from './retrieve.js';
import { unreadFields } from './deploy-fields.js';

export const BACKUP_FORMAT = 1;

export type BackupComponent = {
  type: string;
  fullName: string;
  /** The app the component belongs to. */
  app: string;
  kind: 'ConnectedApp' | 'ExternalClientApplication';
  /** The element the change was about (`isPkceRequired`, ...), and its value in the backed-up file (null: absent). */
  element: string;
  value: string | null;
  /** Relative to the backup folder. */
  file: string;
  /**
   * Elements the org may hold but did not return (an ECA's `certificate`): the file does not hold them, and a restore
   * that deploys it would clear them unless the app is proven to have none (deploy-fields.ts).
   */
  unread?: string[];
};

export type BackupManifest = {
  format: number;
  orgId: string;
  username: string;
  instanceUrl?: string;
  /** ISO time the backup was taken. */
  createdAt: string;
  /** What the backup was taken for, e.g. "oauth pkce enable". */
  operation: string;
  components: BackupComponent[];
};

export type Backup = { id: string; path: string; manifest: BackupManifest };

export type BackupEntry = Omit<BackupComponent, 'file' | 'unread'> & { xml: string };

export class BackupError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** The root folder of all backups: `$SF_OAUTH_BACKUP_DIR`, else `~/.sf/oauth/backups`. */
export function backupRoot(): string {
  const override = process.env.SF_OAUTH_BACKUP_DIR;
  return override ? path.resolve(override) : path.join(homedir(), '.sf', 'oauth', 'backups');
}

/** Removes every `<consumerSecret>` element (at any depth) with its line, so a secret is never written or deployed. */
export function withoutConsumerSecret(xml: string): string {
  let out = xml;
  for (;;) {
    const found = findElement(out, 'consumerSecret');
    if (!found) return out;
    let start = found.start;
    while (start > 0 && (out[start - 1] === ' ' || out[start - 1] === '\t')) start--;
    let end = found.end;
    if (out[end] === '\r') end++;
    if (out[end] === '\n') end++;
    // Keep the line break when the element shared its line with something else.
    if (start > 0 && out[start - 1] !== '\n') start = found.start;
    out = out.slice(0, start) + out.slice(end);
  }
}

function findElement(xml: string, name: string): ElementRange | undefined {
  let root: ElementRange;
  try {
    root = rootElement(xml);
  } catch (e) {
    if (e instanceof XmlScanError) return regexFallback(xml, name);
    throw e;
  }
  if (root.name === name) return root;
  const walk = (parent: ElementRange): ElementRange | undefined => {
    for (const child of childElements(xml, parent.contentStart, parent.contentEnd)) {
      if (child.name === name) return child;
      if (!child.selfClosing) {
        const deeper = walk(child);
        if (deeper) return deeper;
      }
    }
    return undefined;
  };
  // Anything the scan did not see as an element (text around a malformed root, for example) is still caught.
  return walk(root) ?? regexFallback(xml, name);
}

/** For text the scanner cannot read: still never let a secret through. */
function regexFallback(xml: string, name: string): ElementRange | undefined {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?(?:/>|>[\\s\\S]*?</${name}\\s*>)`).exec(xml);
  if (!m) return undefined;
  return {
    name,
    start: m.index,
    end: m.index + m[0].length,
    contentStart: m.index,
    contentEnd: m.index,
    selfClosing: false,
  };
}

/** A folder name that sorts by time: `2026-05-11T09-30-00-123Z`. */
function timestampId(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9_.-]/g, '_');

/** Saves the components as retrieved (minus any consumer secret) and returns the backup. */
export async function writeBackup(
  meta: { orgId: string; username: string; instanceUrl?: string; operation: string },
  entries: BackupEntry[],
  now = new Date(),
): Promise<Backup> {
  const orgDir = path.join(backupRoot(), safeName(meta.orgId));
  await privateDir(backupRoot());
  await privateDir(orgDir);
  let id = timestampId(now);
  let dir = path.join(orgDir, id);
  for (let n = 2; ; n++) {
    try {
      await mkdir(dir, { mode: 0o700 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      id = `${timestampId(now)}-${n}`;
      dir = path.join(orgDir, id);
    }
  }
  await chmod(dir, 0o700);
  const components: BackupComponent[] = [];
  for (const entry of entries) {
    const typeDir = path.join(dir, safeName(entry.type));
    await privateDir(typeDir);
    const file = path.join(safeName(entry.type), `${safeName(entry.fullName)}.xml`);
    await writePrivateFile(path.join(dir, file), withoutConsumerSecret(entry.xml));
    const { xml: _xml, ...rest } = entry;
    const unread = unreadFields(entry);
    components.push({ ...rest, file, ...(unread.length ? { unread } : {}) });
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    orgId: meta.orgId,
    username: meta.username,
    ...(meta.instanceUrl ? { instanceUrl: meta.instanceUrl } : {}),
    createdAt: now.toISOString(),
    operation: meta.operation,
    components,
  };
  await writePrivateFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { id, path: dir, manifest };
}

/** Reads a backup folder; throws BackupError when it is not a complete backup. */
export async function readBackup(dir: string): Promise<Backup> {
  let raw: string;
  try {
    raw = await readFile(path.join(dir, 'manifest.json'), 'utf8');
  } catch {
    throw new BackupError(`${dir} is not a backup: it has no manifest.json.`);
  }
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(raw) as BackupManifest;
  } catch {
    throw new BackupError(`${path.join(dir, 'manifest.json')} is not valid JSON.`);
  }
  if (manifest.format !== BACKUP_FORMAT || typeof manifest.orgId !== 'string' || !Array.isArray(manifest.components)) {
    throw new BackupError(`${path.join(dir, 'manifest.json')} is not a backup manifest this plugin can read.`);
  }
  return { id: path.basename(dir), path: path.resolve(dir), manifest };
}

/** The XML of each backed-up component. */
export async function readBackupFiles(backup: Backup): Promise<Array<BackupComponent & RetrievedFile>> {
  const out: Array<BackupComponent & RetrievedFile> = [];
  for (const c of backup.manifest.components) {
    const file = path.resolve(backup.path, c.file);
    if (!file.startsWith(backup.path + path.sep))
      throw new BackupError(`The manifest of ${backup.path} names a file outside the backup: ${c.file}`);
    let xml: string;
    try {
      xml = await readFile(file, 'utf8');
    } catch {
      throw new BackupError(`The backup ${backup.path} is missing ${c.file}.`);
    }
    out.push({ ...c, xml: withoutConsumerSecret(xml) });
  }
  return out;
}

/** Every complete backup, newest first; only those of one org when orgId is given. */
export async function listBackups(orgId?: string): Promise<Backup[]> {
  const root = backupRoot();
  const orgs = orgId ? [safeName(orgId)] : await names(root);
  const out: Backup[] = [];
  for (const org of orgs) {
    for (const id of await names(path.join(root, org))) {
      try {
        out.push(await readBackup(path.join(root, org, id)));
      } catch (e) {
        if (!(e instanceof BackupError)) throw e;
      }
    }
  }
  return out.sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt) || b.id.localeCompare(a.id));
}

async function names(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

/**
 * Finds a backup by folder path or by id (folder name) among the org's backups; without a reference, the org's newest.
 */
export async function findBackup(reference: string | undefined, orgId: string): Promise<Backup> {
  if (reference) {
    const asPath = path.resolve(reference);
    try {
      return await readBackup(asPath);
    } catch (e) {
      if (!(e instanceof BackupError)) throw e;
      if (reference.includes(path.sep) || reference.includes('/')) throw e;
    }
    const match =
      (await listBackups()).find((b) => b.id === reference && b.manifest.orgId === orgId) ??
      (await listBackups()).find((b) => b.id === reference);
    if (!match) throw new BackupError(`No backup named ${reference} in ${backupRoot()}.`);
    return match;
  }
  const newest = (await listBackups(orgId))[0];
  if (!newest) throw new BackupError(`No backup of org ${orgId} in ${backupRoot()}.`);
  return newest;
}
