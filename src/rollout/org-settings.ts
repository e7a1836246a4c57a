/*
 * The org-wide "Require Proof Key for Code Exchange (PKCE)" switch, OauthOidcSettings.isPkceRequired: retrieve the
 * OauthOidc settings, change that one element (every other field stays byte for byte as retrieved), deploy (check-only
 * for a dry run; rollback on error), and read the value back. Nothing here prints.
 */
import type { Connection } from '@salesforce/core';
import { deployFiles, type DeployOutcome, type DeployProgress } from '../metadata/deploy.js';
import { readLeaf, setLeaf } from '../metadata/flag-edit.js';
import { retrieveMembers, type RetrievedFile } from '../metadata/retrieve.js';

export const OAUTH_OIDC = { type: 'Settings', fullName: 'OauthOidc' } as const;

export type RequirePkceChange = {
  /** The value before (null: the element was absent, which means false). */
  before: boolean | null;
  /** The value read back afterwards (for a dry run: the value the deploy would set). */
  after: boolean | null;
  value: boolean;
  changed: boolean;
  dryRun: boolean;
  deployId?: string;
  /** The deploy failed (rolled back) or the value did not stick. */
  failed: boolean;
  problems: string[];
};

export class OrgSettingsError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'OrgSettingsError';
  }
}

const toBool = (v: string | undefined): boolean | null => (v === undefined ? null : v.trim().toLowerCase() === 'true');

export async function readOauthOidc(conn: Connection, pollMs?: number): Promise<RetrievedFile> {
  const got = await retrieveMembers(conn, [OAUTH_OIDC], pollMs);
  const file = got.files.find((f) => f.type === 'Settings' && f.fullName === 'OauthOidc');
  if (!file)
    throw new OrgSettingsError(
      `The org did not return the OauthOidc settings${got.messages.length ? `: ${got.messages.join('; ')}` : ''}.`,
    );
  return file;
}

/** isPkceRequired in retrieved OauthOidc settings (null: absent, which means false). */
export const requirePkceIn = (file: RetrievedFile): boolean | null => toBool(readLeaf(file.xml, [], 'isPkceRequired'));

export async function readRequirePkce(conn: Connection, pollMs?: number): Promise<boolean> {
  return requirePkceIn(await readOauthOidc(conn, pollMs)) ?? false;
}

export async function setRequirePkce(
  conn: Connection,
  value: boolean,
  options: {
    dryRun?: boolean;
    onProgress?: (p: DeployProgress) => void;
    pollMs?: number;
    /** The OauthOidc settings the caller already retrieved (readOauthOidc), so they are not retrieved twice. */
    file?: RetrievedFile;
  } = {},
): Promise<RequirePkceChange> {
  const dryRun = options.dryRun ?? false;
  const file = options.file ?? (await readOauthOidc(conn, options.pollMs));
  const before = requirePkceIn(file);
  const result: RequirePkceChange = {
    before,
    after: before,
    value,
    changed: false,
    dryRun,
    failed: false,
    problems: [],
  };
  if ((before ?? false) === value) return result;
  const edit = setLeaf(file.xml, { path: [], element: 'isPkceRequired', value: String(value) });
  let deploy: DeployOutcome;
  try {
    deploy = await deployFiles(conn, [{ ...OAUTH_OIDC, xml: edit.xml }], {
      checkOnly: dryRun,
      onProgress: options.onProgress,
      pollMs: options.pollMs,
    });
  } catch (e) {
    throw new OrgSettingsError(`The deploy of the OauthOidc settings could not run: ${(e as Error).message}`);
  }
  result.deployId = deploy.id;
  if (!deploy.success) {
    result.failed = true;
    result.problems = deploy.failures.length
      ? deploy.failures.map((f) => f.problem)
      : [`The deploy ended ${deploy.status}.`];
    return result;
  }
  if (dryRun) {
    result.after = value;
    result.changed = true;
    return result;
  }
  result.after = toBool(readLeaf((await readOauthOidc(conn, options.pollMs)).xml, [], 'isPkceRequired')) ?? false;
  result.changed = result.after === value;
  if (!result.changed) {
    result.failed = true;
    result.problems = [`The deploy succeeded, but the org kept isPkceRequired = ${String(result.after)}.`];
  }
  return result;
}
