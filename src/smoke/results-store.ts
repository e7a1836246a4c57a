/*
 * Stored results, per org and app: ~/.sf/oauth/results/<orgId>/<app>.json (or $SF_OAUTH_RESULTS_DIR/<orgId>/<app>.json),
 * readable by the user only (0600, folders 0700), written atomically (temporary file + rename). Each file keeps the
 * history of runs, newest last (at most MAX_RUNS). A run holds time, app, kind, the settings' last-modified time, the
 * checks with verdicts and evidence, timings and the server URL: never a token or a secret.
 *
 * The reader API (readAppResults, latestRun, orgResults, isCurrent) is what the org-wide gate uses.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { writePrivateFile } from '../util/private-file.js';
import type { VerifyKind } from '../oauth/client-config.js';
import type { AppRun } from './model.js';

export const MAX_RUNS = 50;
export const FORMAT_VERSION = 1;

export type StoredRun = AppRun & { id: string; time: string; orgId: string };

export type AppResultsFile = { version: number; orgId: string; app: string; runs: StoredRun[] };

export function resultsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.SF_OAUTH_RESULTS_DIR ?? path.join(homedir(), '.sf', 'oauth', 'results');
}

/** A file name for an app: API names are already safe; anything else is replaced. */
export function fileNameOf(app: string): string {
  return `${app.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_')}.json`;
}

export function resultFile(orgId: string, app: string, root = resultsRoot()): string {
  return path.join(root, orgId.replace(/[^A-Za-z0-9]/g, '_'), fileNameOf(app));
}

export async function readAppResults(
  orgId: string,
  app: string,
  root = resultsRoot(),
): Promise<AppResultsFile | undefined> {
  try {
    const parsed = JSON.parse(await readFile(resultFile(orgId, app, root), 'utf8')) as AppResultsFile;
    return Array.isArray(parsed.runs) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The newest run of a kind for an app, if any. */
export async function latestRun(
  orgId: string,
  app: string,
  kind: VerifyKind,
  root = resultsRoot(),
): Promise<StoredRun | undefined> {
  const file = await readAppResults(orgId, app, root);
  return file?.runs.filter((r) => r.kind === kind).at(-1);
}

/** Every app with stored results in an org, with its newest PKCE and RTR runs. */
export async function orgResults(
  orgId: string,
  root = resultsRoot(),
): Promise<Array<{ app: string; pkce?: StoredRun; rtr?: StoredRun }>> {
  let names: string[];
  try {
    names = (await readdir(path.join(root, orgId.replace(/[^A-Za-z0-9]/g, '_')))).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: Array<{ app: string; pkce?: StoredRun; rtr?: StoredRun }> = [];
  for (const name of names.sort()) {
    const file = await readAppResults(orgId, name.slice(0, -5), root);
    if (!file) continue;
    out.push({
      app: file.app,
      pkce: file.runs.filter((r) => r.kind === 'pkce').at(-1),
      rtr: file.runs.filter((r) => r.kind === 'rtr').at(-1),
    });
  }
  return out;
}

/** Whether a stored run was made under the app's current settings (same last-modified time of the flags' component). */
export function isCurrent(run: StoredRun, settingsLastModified: string | null): boolean {
  return (
    run.settingsLastModified !== null &&
    settingsLastModified !== null &&
    Date.parse(run.settingsLastModified) === Date.parse(settingsLastModified)
  );
}

/** Appends a run to the app's history; returns the file path. */
export async function storeRun(orgId: string, run: AppRun, root = resultsRoot()): Promise<string> {
  const file = resultFile(orgId, run.app, root);
  const existing = (await readAppResults(orgId, run.app, root)) ?? {
    version: FORMAT_VERSION,
    orgId,
    app: run.app,
    runs: [],
  };
  const stored: StoredRun = { id: randomBytes(8).toString('hex'), time: run.timings.finishedAt, orgId, ...run };
  const runs = [...existing.runs, stored].slice(-MAX_RUNS);
  await writePrivateFile(
    file,
    JSON.stringify({ version: FORMAT_VERSION, orgId, app: run.app, runs } satisfies AppResultsFile, null, 2) + '\n',
  );
  return file;
}
