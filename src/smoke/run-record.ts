/*
 * Cleanup that survives a crash. The token ledger (ledger.ts) lives in memory, so a smoke run killed with SIGKILL cannot
 * revoke the approvals it created. So each run also writes, before its first token and without any secret, what it
 * started: the org, the smoke user, its process, and per app the AppName values and the time the app's checks began.
 * An app leaves the record once its tokens are revoked; the record is removed when the run ends. A record whose process
 * is gone is a crashed run: the next run (or `sf oauth rollout undo`) finds the approvals it left, the OauthToken rows
 * of that user and app created in that window, and revokes each through its `DeleteToken` (Object reference,
 * OauthToken: "send a request to the revoke OAuth token endpoint with the DeleteToken as the parameter").
 *
 * The window ends at the record's last heartbeat plus one heartbeat interval (the run was alive until then at most).
 * Approvals the same user made of the same app in that window through another client would be revoked too; the smoke
 * user is the admin running the rollout, and the window is the crashed run's own lifetime.
 *
 * Records live in `<results root>/runs/<orgId>/<runId>.json` (private files). Nothing here prints.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Connection } from '@salesforce/core';
import { revokeToken } from '../oauth/token-client.js';
import type { HttpOptions } from '../oauth/http.js';
import { writePrivateFile } from '../util/private-file.js';
import { resultsRoot } from './results-store.js';

export const RUN_RECORD_FORMAT = 1;
/** How often a live run rewrites its record's heartbeat (ms). */
export const HEARTBEAT_MS = 15_000;

export type RunRecordApp = { app: string; appNames: string[]; startedAt: string };

export type RunRecord = {
  format: number;
  id: string;
  orgId: string;
  /** The user the smoke tests sign in as (whose approvals they create). */
  user: { id: string; username: string };
  pid: number;
  host: string;
  /** What started the run (`sf oauth rollout run`, `sf oauth pkce verify`). */
  command: string;
  startedAt: string;
  /** The last time the run was known alive. */
  heartbeatAt: string;
  /** Apps whose checks began and whose tokens are not known revoked yet. */
  apps: RunRecordApp[];
};

export function runsDir(orgId: string, root = resultsRoot()): string {
  return path.join(root, 'runs', orgId.replace(/[^A-Za-z0-9_.-]/g, '_'));
}

/** The record of one live run: written before the run's first token, kept current, removed at the end. */
export class RunRecorder {
  private timer?: NodeJS.Timeout;
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly record: RunRecord,
    private readonly file: string,
  ) {}

  public get id(): string {
    return this.record.id;
  }

  public static async start(
    init: { orgId: string; user: { id: string; username: string }; command: string },
    root = resultsRoot(),
  ): Promise<RunRecorder> {
    const now = new Date().toISOString();
    const record: RunRecord = {
      format: RUN_RECORD_FORMAT,
      id: randomBytes(6).toString('hex'),
      ...init,
      pid: process.pid,
      host: hostname(),
      startedAt: now,
      heartbeatAt: now,
      apps: [],
    };
    const recorder = new RunRecorder(record, path.join(runsDir(init.orgId, root), `${record.id}.json`));
    await recorder.save();
    recorder.timer = setInterval(() => {
      recorder.record.heartbeatAt = new Date().toISOString();
      void recorder.save().catch(() => undefined);
    }, HEARTBEAT_MS);
    recorder.timer.unref();
    return recorder;
  }

  /** Before an app's first token: the app and the AppName values its OauthToken rows carry. */
  public async appStarted(app: string, appNames: string[]): Promise<void> {
    this.record.apps = this.record.apps.filter((a) => a.app !== app);
    this.record.apps.push({ app, appNames, startedAt: new Date().toISOString() });
    this.record.heartbeatAt = new Date().toISOString();
    await this.save();
  }

  /** After an app's tokens are all revoked (or known dead): nothing of it is left to find. */
  public async appCleaned(app: string): Promise<void> {
    this.record.apps = this.record.apps.filter((a) => a.app !== app);
    this.record.heartbeatAt = new Date().toISOString();
    await this.save();
  }

  /** The run ended with its cleanup done: the record goes. Apps still listed keep it (their revoke failed). */
  public async finish(): Promise<void> {
    clearInterval(this.timer);
    await this.queue;
    if (!this.record.apps.length) await rm(this.file, { force: true });
  }

  private save(): Promise<void> {
    const text = JSON.stringify(this.record, null, 2) + '\n';
    const next = this.queue.then(() => writePrivateFile(this.file, text));
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Records of runs of this org whose process is gone (on this host); a run on another host is never judged dead. */
export async function crashedRuns(
  orgId: string,
  root = resultsRoot(),
): Promise<Array<{ record: RunRecord; file: string }>> {
  const dir = runsDir(orgId, root);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: Array<{ record: RunRecord; file: string }> = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const record = JSON.parse(await readFile(file, 'utf8')) as RunRecord;
      if (record.format !== RUN_RECORD_FORMAT || record.orgId !== orgId) continue;
      if (record.host === hostname() && record.pid !== process.pid && !alive(record.pid)) out.push({ record, file });
    } catch {
      // A half-written record cannot exist (atomic writes); anything unreadable is not ours to act on.
    }
  }
  return out;
}

export type Recovery = {
  /** Crashed runs found. */
  runs: number;
  /** Approvals they left, found in OauthToken. */
  found: number;
  revoked: number;
  /** Approvals that could not be revoked (still live; the record stays for the next run). */
  failed: number;
  /** Apps of crashed runs whose approvals could not be looked up (the record stays). */
  unreadable: string[];
};

const soqlString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
/** SOQL datetime literal, to the second (CreatedDate has no finer precision on Salesforce). */
const soqlDateTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * Finds the approvals crashed runs of this org left and revokes them (one revoke per OauthToken row's DeleteToken).
 * A record is removed once every approval of it is revoked (or none is found).
 */
export async function recoverCrashedRuns(
  conn: Connection,
  orgId: string,
  options: { loginUrl: string; http?: HttpOptions; root?: string },
): Promise<Recovery> {
  const recovery: Recovery = { runs: 0, found: 0, revoked: 0, failed: 0, unreadable: [] };
  for (const { record, file } of await crashedRuns(orgId, options.root)) {
    recovery.runs++;
    let clean = true;
    const end = Date.parse(record.heartbeatAt) + HEARTBEAT_MS;
    for (const app of record.apps) {
      const from = Date.parse(app.startedAt);
      const where = [
        `UserId = ${soqlString(record.user.id)}`,
        `AppName IN (${app.appNames.map(soqlString).join(', ')})`,
        `CreatedDate >= ${soqlDateTime(from)}`,
        `CreatedDate <= ${soqlDateTime(end + 1000)}`,
      ].join(' AND ');
      let rows: Array<{ DeleteToken?: string | null }>;
      try {
        rows = (
          await conn.query<{ DeleteToken?: string | null }>(`SELECT DeleteToken FROM OauthToken WHERE ${where}`, {
            autoFetch: true,
            maxFetch: 2500,
          })
        ).records;
      } catch {
        recovery.unreadable.push(app.app);
        clean = false;
        continue;
      }
      for (const row of rows) {
        if (!row.DeleteToken) continue;
        recovery.found++;
        const outcome = await revokeToken(options.loginUrl, row.DeleteToken, undefined, options.http).catch(() => ({
          outcome: 'failed' as const,
        }));
        if (outcome.outcome === 'failed') {
          recovery.failed++;
          clean = false;
        } else recovery.revoked++;
      }
    }
    if (clean) await rm(file, { force: true });
  }
  return recovery;
}

/** One sentence for a recovery that found something, or undefined. */
export function recoveryText(r: Recovery): string | undefined {
  if (!r.runs) return undefined;
  const parts = [
    `${r.runs} smoke run(s) that ended without cleaning up (killed) left ${r.found} approval(s): ${r.revoked} revoked`,
  ];
  if (r.failed) parts.push(`${r.failed} could not be revoked and will be tried again by the next run`);
  if (r.unreadable.length) parts.push(`the approvals of ${r.unreadable.join(', ')} could not be read`);
  return `${parts.join('; ')}.`;
}
