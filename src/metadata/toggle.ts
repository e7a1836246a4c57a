/*
 * Plans and applies one flag change (PKCE or refresh token rotation) for a selection of apps: the smallest edit of each
 * retrieved file (one element, everything else byte for byte as retrieved), one deploy for all of them, a backup of
 * every component first, and a read-back afterwards, because Salesforce may keep PKCE on after a deploy that turns it off.
 * Nothing here prints or prompts; the commands (src/cli/toggle-command.ts) do.
 */
import type { Connection } from '@salesforce/core';
import {
  flagLocation,
  loadCatalog,
  type AppKind,
  type Catalog,
  type CatalogApp,
  type RetrieveCache,
} from '../apps/catalog.js';
import { describeOwner, loadPackages, metadataOwner, type InstalledPackage } from '../apps/owners.js';
import { outOfScopeReason, unknownApps, usageOfLabel } from '../apps/scope.js';
import { readAppSettings } from '../apps/settings.js';
import { loadUsage, EMPTY_USAGE } from '../apps/usage.js';
import type { TokenUsage } from '../apps/model.js';
import { RetrieveError, retrieveMembers, type RetrievedFile } from './retrieve.js';
import { deployFiles, type ComponentFailure, type DeployOutcome, type DeployProgress } from './deploy.js';
import { readLeaf, setLeaf } from './flag-edit.js';
import { withoutConsumerSecret, writeBackup, type Backup } from './backup.js';
import { changedFields, deployable, unreadFields, type CertificateProof } from './deploy-fields.js';
import { loadCertificateProof } from './certificate-proof.js';

export type ToggleSetting = 'pkce' | 'rtr';

export type FlagElement = 'isPkceRequired' | 'isRefreshTokenRotationEnabled';

export const FLAG_ELEMENTS: Record<ToggleSetting, FlagElement> = {
  pkce: 'isPkceRequired',
  rtr: 'isRefreshTokenRotationEnabled',
};

/**
 * `kept-on-by-salesforce`: the deploy succeeded but the org kept PKCE on (some orgs keep ECA `isPkceRequired` on);
 * neither a change nor a failure of ours, and never reported as done.
 */
export type AppStatus = 'changed' | 'unchanged' | 'failed' | 'skipped' | 'kept-on-by-salesforce';

export type ToggleAppResult = {
  /** Developer name of the app. */
  app: string;
  kind: AppKind;
  /** The component that holds the flag, as `Type:FullName` (absent when the app has none that could be read). */
  component?: string;
  /** Value before the command; null when the element is absent from the retrieved file. */
  before: boolean | null;
  /** Value after the command (for a dry run: the value the deploy would set). */
  after: boolean | null;
  status: AppStatus;
  reason?: string;
};

export type ToggleResult = {
  /** The element that was changed. */
  setting: FlagElement;
  /** The value it was set to. */
  value: boolean;
  dryRun: boolean;
  /** Id of the deploy (absent when nothing had to change). */
  deployId?: string;
  /** Folder of the backup taken before the change (absent for dry runs and when nothing changed). */
  backupPath?: string;
  apps: ToggleAppResult[];
};

export type ToggleErrorCode = 'unknownApps' | 'refusedApps' | 'missingPermission' | 'noApps';

/** A selection the command cannot act on; nothing was changed. */
export class ToggleError extends Error {
  public constructor(
    public readonly code: ToggleErrorCode,
    message: string,
    public readonly items: string[] = [],
  ) {
    super(message);
    this.name = 'ToggleError';
  }
}

export type PlannedChange = {
  row: ToggleAppResult;
  app: CatalogApp;
  /** The file as retrieved. */
  file: RetrievedFile;
  /** The file with the one element changed (and no consumer secret), as it will be deployed. */
  edited: RetrievedFile;
};

export type TogglePlan = {
  setting: ToggleSetting;
  element: FlagElement;
  value: boolean;
  /** One row per app considered, in catalog order. */
  rows: ToggleAppResult[];
  changes: PlannedChange[];
};

export type ToggleSelection = {
  setting: ToggleSetting;
  value: boolean;
  /** App names (developer names; matched exactly, else ignoring case). */
  apps?: string[];
  /** Every app that needs the change and can be changed. */
  all?: boolean;
  /** The org's own namespace, if it has one: its components are not managed-package components. */
  orgNamespace?: string | null;
  /** Whether ECAs whose certificate the retrieve did not return have one (certificate-proof.ts). */
  certificateProof?: CertificateProof;
  /** Installed packages by namespace (lower case), to name the publisher of a packaged app. */
  packages?: Map<string, InstalledPackage>;
  /**
   * OauthToken usage by AppName (label), for `--all`: an app with user approvals uses the authorization code flow
   * (apps/scope.ts). planToggle loads it for `--all`; without it, an app counts as having none.
   */
  usage?: Map<string, TokenUsage>;
  /** A run's cache of retrieved files (apps/catalog.ts RetrieveCache): unchanged components are not retrieved again. */
  cache?: RetrieveCache;
};

/** Activity window of the usage `--all` reads to judge scope (as `sf oauth app list`'s default). */
const SCOPE_USAGE_DAYS = 90;

const ECA_GLOBAL = 'ExtlClntAppGlobalOauthSettings';

/** Reads the org's apps and works out what to change. Throws ToggleError for a selection it cannot act on. */
export async function planToggle(conn: Connection, selection: ToggleSelection): Promise<TogglePlan> {
  let catalog: Catalog;
  try {
    // The org-wide OAuth settings play no part in a toggle: not read.
    catalog = await loadCatalog(conn, {
      ...(selection.all ? {} : { apps: selection.apps ?? [] }),
      cache: selection.cache,
      orgSettings: false,
    });
  } catch (e) {
    if (e instanceof RetrieveError && e.messages.some(isPermissionMessage)) throw permissionError();
    throw e;
  }
  const permissionDenied = catalog.messages.some(isPermissionMessage);
  const needsProof = catalog.apps.some((a) => {
    const location = flagLocation(a);
    return location !== undefined && unreadFields(location.file).length > 0;
  });
  const packaged =
    !permissionDenied && catalog.apps.some((a) => !flagLocation(a) && managedNamespace(a, selection.orgNamespace));
  const wantsUsage = selection.all === true && selection.value && !selection.usage;
  const [certificateProof, packages, usage] = await Promise.all([
    needsProof && !selection.certificateProof
      ? loadCertificateProof(conn)
      : Promise.resolve(selection.certificateProof),
    packaged && !selection.packages ? loadPackages(conn).catch(() => undefined) : Promise.resolve(selection.packages),
    wantsUsage
      ? loadUsage(conn, SCOPE_USAGE_DAYS).then(
          (u) => u.byApp,
          () => undefined,
        )
      : Promise.resolve(selection.usage),
  ]);
  return planFromCatalog(catalog, { ...selection, certificateProof, packages, usage });
}

/** The plan for a catalog already loaded (exported for tests and for callers that loaded it). */
export function planFromCatalog(catalog: Catalog, selection: ToggleSelection): TogglePlan {
  const element = FLAG_ELEMENTS[selection.setting];
  const wanted = String(selection.value);
  const selected = select(catalog, selection);
  const permissionDenied = catalog.messages.some(isPermissionMessage);

  const rows: ToggleAppResult[] = [];
  const changes: PlannedChange[] = [];
  const refused: string[] = [];
  let needsPermission = false;

  for (const app of selected) {
    const row: ToggleAppResult = { app: app.name, kind: app.kind, before: null, after: null, status: 'skipped' };
    rows.push(row);
    const location = flagLocation(app);
    if (!location) {
      const namespace = managedNamespace(app, selection.orgNamespace);
      if (app.kind === 'ExternalClientApplication' && permissionDenied) {
        needsPermission = true;
        row.reason = 'Global OAuth settings could not be read (missing permission).';
      } else if (app.kind === 'ExternalClientApplication' && namespace) {
        // Installed from a managed package: its global OAuth settings live in the publisher's org, not in this one.
        const owner = describeOwner(metadataOwner(namespace, selection.packages, selection.orgNamespace ?? null));
        row.reason = `Its OAuth settings are set in the publisher's org (${owner}): ask the publisher to set ${element} to ${wanted}.`;
        if (!selection.all)
          refused.push(
            `${app.name}: PKCE and rotation are set in the publisher's org (managed package ${owner}); ask the publisher to change it`,
          );
      } else {
        row.reason =
          app.kind === 'ConnectedApp'
            ? 'The Connected App has no OAuth settings.'
            : 'The External Client App has no global OAuth settings (OAuth plugin not configured).';
        if (!selection.all) refused.push(`${app.name}: ${row.reason}`);
      }
      continue;
    }
    row.component = `${location.file.type}:${location.file.fullName}`;
    const current = readLeaf(location.file.xml, location.path, element);
    row.before = toBool(current);
    row.after = row.before;
    if (current === wanted) {
      row.status = 'unchanged';
      continue;
    }
    const namespace = managedNamespace(app, selection.orgNamespace);
    if (namespace) {
      row.reason = `Managed package "${namespace}": ask the vendor to set ${element} to ${wanted}.`;
      if (!selection.all)
        refused.push(`${app.name}: installed from managed package "${namespace}"; ask the vendor to change it`);
      continue;
    }
    if (selection.all && selection.value) {
      const outOfScope = scopeProblem(app, selection.setting, selection.usage);
      if (outOfScope) {
        row.reason = `Not in scope: ${outOfScope}. Name it with --app to change it anyway.`;
        continue;
      }
    }
    const edit = setLeaf(location.file.xml, { path: location.path, element, value: wanted });
    const prepared = deployable({ type: location.file.type, xml: edit.xml }, app.name, selection.certificateProof);
    if ('refusal' in prepared) {
      row.reason = `Not changed: ${prepared.refusal}`;
      if (!selection.all) refused.push(`${app.name}: ${prepared.refusal}`);
      continue;
    }
    row.status = 'changed';
    row.after = selection.value;
    changes.push({
      row,
      app,
      file: location.file,
      edited: { type: location.file.type, fullName: location.file.fullName, xml: withoutConsumerSecret(prepared.xml) },
    });
  }
  if (needsPermission) throw permissionError();
  if (refused.length) {
    throw new ToggleError(
      'refusedApps',
      `Cannot change ${refused.length === 1 ? 'this app' : 'these apps'}:\n${refused.map((r) => `  - ${r}`).join('\n')}`,
      refused,
    );
  }
  return { setting: selection.setting, element, value: selection.value, rows, changes };
}

function select(catalog: Catalog, selection: ToggleSelection): CatalogApp[] {
  if (selection.all) return catalog.apps;
  const names = [...new Set(selection.apps ?? [])];
  if (!names.length) throw new ToggleError('noApps', 'Name at least one app with --app, or use --all.');
  const unknown: string[] = [];
  const chosen = new Set<CatalogApp>();
  for (const name of names) {
    let matches = catalog.apps.filter((a) => a.name === name);
    if (!matches.length) matches = catalog.apps.filter((a) => a.name.toLowerCase() === name.toLowerCase());
    if (!matches.length) unknown.push(name);
    for (const m of matches) chosen.add(m);
  }
  if (unknown.length) {
    throw new ToggleError(
      'unknownApps',
      unknownApps(
        unknown,
        (catalog.listedApps ?? catalog.apps.map((a) => a.name)).map((name) => ({ name })),
      ).message,
      unknown,
    );
  }
  return catalog.apps.filter((a) => chosen.has(a));
}

function managedNamespace(app: CatalogApp, orgNamespace?: string | null): string | undefined {
  const ns = app.namespacePrefix ?? /^([A-Za-z0-9]+)__/.exec(app.name)?.[1];
  if (!ns || (orgNamespace && ns === orgNamespace)) return undefined;
  return ns;
}

/** Why an app does not need the flag turned on, for `--all` (decided in apps/scope.ts), or undefined when it does. */
export function scopeProblem(
  app: CatalogApp,
  setting: ToggleSetting,
  usage?: Map<string, TokenUsage>,
): string | undefined {
  const settings = readAppSettings(app);
  return outOfScopeReason(settings, setting, usage ? usageOfLabel(settings.label, usage) : EMPTY_USAGE);
}

const toBool = (value: string | undefined): boolean | null =>
  value === undefined ? null : value.trim().toLowerCase() === 'true';

export function isPermissionMessage(message: string): boolean {
  return message.includes(ECA_GLOBAL) && /permission|consumer secret|access/i.test(message);
}

function permissionError(): ToggleError {
  return new ToggleError(
    'missingPermission',
    'Cannot read the global OAuth settings (ExtlClntAppGlobalOauthSettings) of the External Client Apps, where PKCE and refresh token rotation are set. ' +
      'Reading them needs the org permission "Allow Access to OAuth Consumer Secrets via Metadata API" and the user permission "View External Client Apps Consumer Secrets in Metadata".',
  );
}

export type ApplyOptions = {
  dryRun?: boolean;
  /** Who and what the backup is for; required unless dryRun. */
  backup?: { orgId: string; username: string; instanceUrl?: string; operation: string };
  onProgress?: (p: DeployProgress) => void;
  /** Called once the backup is written; the deploy starts after it resolves (a journal can record the backup first). */
  onBackup?: (backup: Backup) => void | Promise<void>;
  /** Called after a successful deploy, before the values are read back. */
  onDeployed?: (deploy: DeployOutcome) => void | Promise<void>;
  pollMs?: number;
};

export type ApplyOutcome = {
  result: ToggleResult;
  /** Absent when nothing had to change. */
  deploy?: DeployOutcome;
  backup?: Backup;
  /** The deploy failed: nothing changed (rollback on error). */
  failed: boolean;
  /** The deploy succeeded but these apps read back with the old value. */
  notApplied: string[];
  /** Problems reading back after a successful deploy. */
  warnings: string[];
};

/** Backs up, deploys the planned changes in one deploy (check-only for a dry run) and reads the values back. */
export async function applyToggle(
  conn: Connection,
  plan: TogglePlan,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  const dryRun = options.dryRun ?? false;
  const result: ToggleResult = { setting: plan.element, value: plan.value, dryRun, apps: plan.rows };
  const outcome: ApplyOutcome = { result, failed: false, notApplied: [], warnings: [] };
  if (!plan.changes.length) return outcome;

  if (!dryRun) {
    if (!options.backup) throw new Error('applyToggle needs backup details unless it is a dry run.');
    outcome.backup = await writeBackup(
      options.backup,
      plan.changes.map((c) => ({
        type: c.file.type,
        fullName: c.file.fullName,
        app: c.app.name,
        kind: c.app.kind,
        element: plan.element,
        value: c.row.before === null ? null : String(c.row.before),
        xml: c.file.xml,
      })),
    );
    result.backupPath = outcome.backup.path;
    await options.onBackup?.(outcome.backup);
  }

  let deploy: DeployOutcome;
  try {
    deploy = await deployFiles(
      conn,
      plan.changes.map((c) => c.edited),
      { checkOnly: dryRun, onProgress: options.onProgress, pollMs: options.pollMs },
    );
  } catch (e) {
    for (const c of plan.changes) markFailed(c, `The deploy could not run: ${(e as Error).message}`);
    throw new ToggleDeployError(`The deploy could not run: ${(e as Error).message}`, result, e);
  }
  outcome.deploy = deploy;
  result.deployId = deploy.id;

  if (!deploy.success) {
    outcome.failed = true;
    for (const c of plan.changes) {
      const own = deploy.failures.filter((f) => f.type === c.file.type && f.fullName === c.file.fullName);
      markFailed(
        c,
        own.length
          ? own.map((f) => f.problem).join(' ')
          : `Not ${dryRun ? 'validated' : 'deployed'}: the deploy failed on another component and was rolled back.`,
      );
    }
    return outcome;
  }
  if (dryRun) return outcome;
  await options.onDeployed?.(deploy);

  try {
    const back = await retrieveMembers(
      conn,
      plan.changes.map((c) => ({ type: c.file.type, fullName: c.file.fullName })),
      options.pollMs,
    );
    for (const c of plan.changes) {
      const file = back.files.find((f) => f.type === c.file.type && f.fullName === c.file.fullName);
      if (!file) {
        outcome.warnings.push(`Could not read ${c.app.name} back after the deploy.`);
        continue;
      }
      const path = c.app.kind === 'ConnectedApp' ? ['oauthConfig'] : [];
      const value = toBool(readLeaf(file.xml, path, plan.element));
      c.row.after = value;
      const changed = changedFields(c.file.type, c.file.xml, file.xml);
      if (value !== plan.value && plan.element === 'isPkceRequired' && value === true) {
        c.row.status = 'kept-on-by-salesforce';
        c.row.reason = `Kept on by Salesforce: the deploy succeeded, but the org kept isPkceRequired = true (some orgs do not let PKCE be turned off${c.app.kind === 'ExternalClientApplication' ? ' for External Client Apps' : ''}).`;
        outcome.notApplied.push(c.app.name);
      } else if (value !== plan.value) {
        c.row.status = 'failed';
        c.row.reason = `The deploy succeeded, but Salesforce kept ${plan.element} = ${String(value)}.`;
        outcome.notApplied.push(c.app.name);
      } else if (changed.length) {
        c.row.status = 'failed';
        c.row.reason = `The deploy succeeded, but ${changed.join('; ')}.`;
        outcome.notApplied.push(c.app.name);
      }
    }
  } catch (e) {
    outcome.warnings.push(`Could not read the apps back after the deploy: ${(e as Error).message}`);
  }
  return outcome;
}

function markFailed(change: PlannedChange, reason: string): void {
  change.row.status = 'failed';
  change.row.after = change.row.before;
  change.row.reason = reason;
}

/** A deploy that could not run at all (e.g. a SOAP fault); the result says what was planned. */
export class ToggleDeployError extends Error {
  public constructor(
    message: string,
    public readonly result: ToggleResult,
    public readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'ToggleDeployError';
  }
}

export type { ComponentFailure, DeployProgress };
