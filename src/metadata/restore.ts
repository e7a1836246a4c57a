/*
 * Undo: redeploys a backup's files exactly as they were retrieved (without consumer secrets, which an omitted element
 * keeps in the org), in one deploy with rollback on error, to the org the backup came from and no other. The current
 * state of every component it replaces is backed up first, so a restore can be undone the same way.
 */
import type { Connection } from '@salesforce/core';
import { retrieveMembers } from './retrieve.js';
import { deployFiles, type DeployOutcome, type DeployProgress } from './deploy.js';
import { readLeaf } from './flag-edit.js';
import { readBackupFiles, withoutConsumerSecret, writeBackup, type Backup, type BackupComponent } from './backup.js';
import type { RetrievedFile } from './retrieve.js';
import { changedFields, deployable, unreadFields, type CertificateProof } from './deploy-fields.js';
import { loadCertificateProof } from './certificate-proof.js';

/**
 * `refused`: not deployed, because the backup lacks a field the org may hold (an ECA's certificate) and a deploy would
 * clear it. `kept-on-by-salesforce`: deployed, but the org kept PKCE on (a value the restore did not set): never
 * "restored".
 */
export type RestoreStatus = 'changed' | 'unchanged' | 'failed' | 'refused' | 'kept-on-by-salesforce';

export type RestoreComponentResult = {
  app: string;
  kind: 'ConnectedApp' | 'ExternalClientApplication';
  /** `Type:FullName`. */
  component: string;
  /** The element the backup was taken for. */
  element: string;
  /** Its value in the org before the restore (null: absent or not found). */
  before: string | null;
  /** Its value after the restore (for a dry run: the value the restore would set). */
  after: string | null;
  status: RestoreStatus;
  reason?: string;
};

export type RestoreResult = {
  backupId: string;
  backupPath: string;
  orgId: string;
  /** When the restored backup was taken. */
  backupCreatedAt: string;
  dryRun: boolean;
  deployId?: string;
  /** Backup of the state the restore replaced (absent for dry runs and when nothing changed). */
  preRestoreBackupPath?: string;
  components: RestoreComponentResult[];
};

export type RestoreErrorCode = 'orgMismatch' | 'unknownApps' | 'emptySelection';

export class RestoreError extends Error {
  public constructor(
    public readonly code: RestoreErrorCode,
    message: string,
    public readonly items: string[] = [],
  ) {
    super(message);
    this.name = 'RestoreError';
  }
}

type Item = {
  component: BackupComponent;
  saved: RetrievedFile;
  /** The file as it is deployed (deploy-fields.ts), absent when it may not be. */
  deploy?: RetrievedFile;
  current?: RetrievedFile;
  row: RestoreComponentResult;
};

export type RestorePlan = { backup: Backup; items: Item[] };

const flagPath = (c: BackupComponent): string[] => (c.type === 'ConnectedApp' ? ['oauthConfig'] : []);

function leaf(xml: string | undefined, c: BackupComponent): string | null {
  if (xml === undefined) return null;
  try {
    return readLeaf(xml, flagPath(c), c.element) ?? null;
  } catch {
    return null;
  }
}

/** Compares the backup with the org: components already as backed up need no deploy. */
export async function planRestore(
  conn: Connection,
  backup: Backup,
  options: { orgId: string; apps?: string[]; certificateProof?: CertificateProof },
): Promise<RestorePlan> {
  if (backup.manifest.orgId !== options.orgId) {
    throw new RestoreError(
      'orgMismatch',
      `The backup ${backup.id} was taken in org ${backup.manifest.orgId}, not in the target org ${options.orgId}.`,
      [backup.manifest.orgId, options.orgId],
    );
  }
  let files = await readBackupFiles(backup);
  if (options.apps?.length) {
    const wanted = new Set(options.apps.map((a) => a.toLowerCase()));
    const unknown = options.apps.filter((a) => !files.some((f) => f.app.toLowerCase() === a.toLowerCase()));
    if (unknown.length)
      throw new RestoreError(
        'unknownApps',
        `The backup ${backup.id} has no app named ${unknown.map((n) => `"${n}"`).join(', ')}.`,
        unknown,
      );
    files = files.filter((f) => wanted.has(f.app.toLowerCase()));
  }
  if (!files.length) throw new RestoreError('emptySelection', `The backup ${backup.id} holds no components.`);
  const needsProof = files.some((f) => unreadFields(f).length > 0);
  const [current, proof] = await Promise.all([
    retrieveMembers(
      conn,
      files.map((f) => ({ type: f.type, fullName: f.fullName })),
    ),
    needsProof && !options.certificateProof ? loadCertificateProof(conn) : Promise.resolve(options.certificateProof),
  ]);
  const items: Item[] = files.map((f) => {
    const { xml, ...component } = f;
    const saved: RetrievedFile = { type: f.type, fullName: f.fullName, xml };
    const now = current.files.find((c) => c.type === f.type && c.fullName === f.fullName);
    const nowXml = now ? withoutConsumerSecret(now.xml) : undefined;
    const before = leaf(nowXml, component);
    const same = nowXml !== undefined && nowXml === xml;
    const prepared = deployable(saved, f.app, proof);
    const refused = !same && 'refusal' in prepared;
    return {
      component,
      saved,
      ...('xml' in prepared ? { deploy: { ...saved, xml: prepared.xml } } : {}),
      current: now ? { ...now, xml: nowXml ?? now.xml } : undefined,
      row: {
        app: f.app,
        kind: f.kind,
        component: `${f.type}:${f.fullName}`,
        element: f.element,
        before,
        after: same || refused ? before : leaf(xml, component),
        status: same ? 'unchanged' : refused ? 'refused' : 'changed',
        ...(refused && 'refusal' in prepared
          ? { reason: `Not restored: ${prepared.refusal}` }
          : now
            ? {}
            : { reason: 'Not in the org any more: the restore creates it again.' }),
      },
    };
  });
  return { backup, items };
}

export type RestoreOutcome = {
  result: RestoreResult;
  deploy?: DeployOutcome;
  preRestoreBackup?: Backup;
  failed: boolean;
  warnings: string[];
  /** Components the restore could not (fully) put back: refused, kept on by Salesforce, or read back otherwise. */
  notRestored: RestoreComponentResult[];
};

export async function applyRestore(
  conn: Connection,
  plan: RestorePlan,
  options: {
    dryRun?: boolean;
    backup?: { orgId: string; username: string; instanceUrl?: string; operation: string };
    onProgress?: (p: DeployProgress) => void;
    pollMs?: number;
  } = {},
): Promise<RestoreOutcome> {
  const dryRun = options.dryRun ?? false;
  const { backup } = plan;
  const result: RestoreResult = {
    backupId: backup.id,
    backupPath: backup.path,
    orgId: backup.manifest.orgId,
    backupCreatedAt: backup.manifest.createdAt,
    dryRun,
    components: plan.items.map((i) => i.row),
  };
  const outcome: RestoreOutcome = {
    result,
    failed: false,
    warnings: [],
    notRestored: plan.items.filter((i) => i.row.status === 'refused').map((i) => i.row),
  };
  const changing = plan.items.filter((i) => i.row.status === 'changed' && i.deploy);
  if (!changing.length) return outcome;

  if (!dryRun) {
    if (!options.backup) throw new Error('applyRestore needs backup details unless it is a dry run.');
    const existing = changing.filter((i) => i.current);
    if (existing.length) {
      outcome.preRestoreBackup = await writeBackup(
        options.backup,
        existing
          .map((i) => ({ ...i.component, value: leaf(i.current?.xml, i.component), xml: i.current?.xml ?? '' }))
          .map(({ file: _file, ...rest }) => rest),
      );
      result.preRestoreBackupPath = outcome.preRestoreBackup.path;
    }
  }

  const deploy = await deployFiles(
    conn,
    changing.map((i) => i.deploy ?? i.saved),
    { checkOnly: dryRun, onProgress: options.onProgress, pollMs: options.pollMs },
  );
  outcome.deploy = deploy;
  result.deployId = deploy.id;
  if (!deploy.success) {
    outcome.failed = true;
    for (const i of changing) {
      const own = deploy.failures.filter((f) => f.type === i.component.type && f.fullName === i.component.fullName);
      i.row.status = 'failed';
      i.row.after = i.row.before;
      i.row.reason = own.length
        ? own.map((f) => f.problem).join(' ')
        : 'Not deployed: the deploy failed on another component and was rolled back.';
    }
    return outcome;
  }
  if (dryRun) return outcome;
  try {
    const back = await retrieveMembers(
      conn,
      changing.map((i) => ({ type: i.component.type, fullName: i.component.fullName })),
      options.pollMs,
    );
    for (const i of changing) {
      const file = back.files.find((f) => f.type === i.component.type && f.fullName === i.component.fullName);
      const value = leaf(file?.xml, i.component);
      const expected = leaf(i.saved.xml, i.component);
      i.row.after = value;
      const changed = file ? changedFields(i.component.type, i.current?.xml ?? i.saved.xml, file.xml) : [];
      if (value !== expected && i.component.element === 'isPkceRequired' && value === 'true') {
        i.row.status = 'kept-on-by-salesforce';
        i.row.reason = `Kept on by Salesforce: the deploy succeeded, but the org kept isPkceRequired = true, not ${expected ?? '(not set)'} as backed up.`;
        outcome.notRestored.push(i.row);
      } else if (value !== expected) {
        i.row.status = 'failed';
        i.row.reason = `The deploy succeeded, but Salesforce kept ${i.component.element} = ${String(value)}.`;
        outcome.notRestored.push(i.row);
      } else if (changed.length) {
        i.row.status = 'failed';
        i.row.reason = `The deploy succeeded, but ${changed.join('; ')}.`;
        outcome.notRestored.push(i.row);
      }
    }
  } catch (e) {
    outcome.warnings.push(`Could not read the components back after the deploy: ${(e as Error).message}`);
  }
  return outcome;
}
