/*
 * What each rollout step does against the org. Every step is idempotent because it starts from the org's current state:
 * a change step re-plans from a fresh retrieve (an app already as wanted needs no deploy), a smoke step tests again, the
 * gate is judged again. That is what makes resuming after a crash safe: a step the journal left "running" is simply run
 * again. Errors that say "try again later" (rate limits, HTTP 5xx, dropped connections) are retried with backoff.
 * Nothing here prints; progress goes through callbacks.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Connection } from '@salesforce/core';
import { buildInventory } from '../apps/inventory.js';
import { blockingChecks, checkOrg } from '../check/run.js';
import { flagLocation, loadCatalog, type RetrieveCache } from '../apps/catalog.js';
import { findBackup, writeBackup } from '../metadata/backup.js';
import { applyRestore, planRestore } from '../metadata/restore.js';
import { readLeaf } from '../metadata/flag-edit.js';
import { applyToggle, planToggle, ToggleError, type TogglePlan, type ToggleSetting } from '../metadata/toggle.js';
import { resolveClients, type ClientConfig, type VerifyKind } from '../oauth/client-config.js';
import { TransientAnswer } from '../oauth/answer.js';
import { frontdoorSource, type CodeSource } from '../oauth/code-source.js';
import { Secret, secretFromEnv } from '../oauth/secret.js';
import type { AppRun } from '../smoke/model.js';
import { SmokeSession, SmokeUserUnknown } from '../smoke/session.js';
import { changeable, scopeOf } from '../apps/scope.js';
import { evaluateGate, notProvenReason, pkceProven, rtrProven, type GateResult } from './gate.js';
import type { StepData } from './journal.js';
import { setRequirePkce } from './org-settings.js';
import { selectApps, type RolloutPlan } from './plan.js';

export type RolloutContext = {
  conn: Connection;
  orgId: string;
  username: string;
  instanceUrl: string;
  /** The org's own namespace prefix, if any (its apps are not managed-package apps). */
  orgNamespace?: string | null;
  /** A current access token of the org, for the frontdoor code source of the smoke tests. */
  accessToken: () => Promise<string>;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Timeout of each smoke-test HTTP request (default 60 s). */
  timeoutMs?: number;
  /** First backoff delay between retries (default 2 s, doubled each time). */
  retryDelayMs?: number;
  pollMs?: number;
  /** The smoke tests' sign-in session, shared by every smoke phase of a run (runRollout opens one per run). */
  smokeSource?: CodeSource;
  /**
   * The run's cache of retrieved files (apps/catalog.ts): each phase still lists the org's components, and retrieves
   * only those changed since this run read them (runRollout keeps one per run).
   */
  catalogCache?: RetrieveCache;
};

/** The frontdoor code source of a rollout's smoke tests: one browser session for the whole run. */
export function smokeSourceFor(ctx: RolloutContext): CodeSource {
  const http = {
    timeoutMs: ctx.timeoutMs ?? 60_000,
    signal: ctx.signal,
    retry: { baseDelayMs: ctx.retryDelayMs ?? 2000 },
  };
  return frontdoorSource(ctx.instanceUrl, ctx.accessToken, http);
}

export type StepOutcome = { status: 'done' | 'failed'; detail: string; data?: StepData };

const TRANSIENT =
  /REQUEST_LIMIT_EXCEEDED|rate limit|too many requests|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|UND_ERR|fetch failed|HTTP 5\d\d|\b50[234]\b|\b429\b|ServerUnavailable|Service Unavailable|INVALID_SESSION_ID|Session expired/i;

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];

export function isTransient(e: unknown): boolean {
  // Our own OAuth requests are classified once, in oauth/answer.ts; the regex covers what jsforce and the core throw.
  if (e instanceof TransientAnswer) return true;
  return TRANSIENT.test(
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a cause is an Error or a string: String() gives its text
    e instanceof Error ? `${e.name} ${e.message} ${String((e as { cause?: unknown }).cause ?? '')}` : String(e),
  );
}

/** Waits `ms`, or less when `signal` aborts (Node's own abortable timer). */
const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal }).catch((e: unknown) => {
    if ((e as Error).name !== 'AbortError') throw e;
  });

/**
 * Runs `fn`, retrying transient failures up to `attempts` times in all with exponential backoff. Ours rather than
 * p-retry's: an abort must end the wait and leave the operation's own error to report, where p-retry rejects with the
 * abort's reason.
 */
export async function withRetries<T>(
  ctx: RolloutContext,
  attempts: number,
  fn: () => Promise<T>,
  onRetry?: (attempt: number, e: unknown) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= attempts || !isTransient(e) || ctx.signal?.aborted) throw e;
      onRetry?.(attempt, e);
      await sleep((ctx.retryDelayMs ?? 2000) * 2 ** (attempt - 1), ctx.signal);
    }
  }
}

export type Audit = {
  apps: Array<{ name: string; pkce: boolean; rtr: boolean }>;
  /** Apps in PKCE scope with PKCE already on that the plan did not select: smoke-tested only, for the gate. */
  verifyOnly: string[];
  staleTokens: Array<{ app: string; tokens: number }>;
  warnings: string[];
  problems: string[];
};

/** Inventory of the org, the plan's selection, and the org checks (src/check) that must pass before any change. */
export async function audit(ctx: RolloutContext, plan: RolloutPlan): Promise<Audit> {
  const inventory = await buildInventory(ctx.conn, { days: plan.options.days, cache: ctx.catalogCache });
  const selection = selectApps(plan, inventory.result.apps);
  const warnings = inventory.warnings.map((w) =>
    'apps' in w ? `${w.code}: ${w.apps.join(', ')}` : `${w.code}: ${w.detail}`,
  );
  // The gate needs current PKCE evidence for every app of the org in PKCE scope: apps already compliant that the plan
  // did not select are smoke-tested too (testing changes nothing), unless the plan excludes them.
  const excluded = new Set(plan.exclude.map((n) => n.toLowerCase()));
  const chosen = new Set(selection.apps.map((r) => r.name));
  const verifyOnly = plan.options.requirePkce
    ? inventory.result.apps
        .filter(
          (r) =>
            changeable(r) &&
            scopeOf(r).pkce &&
            r.pkceRequired === true &&
            !chosen.has(r.name) &&
            !excluded.has(r.name.toLowerCase()),
        )
        .map((r) => r.name)
    : [];
  // The checks of `sf oauth org check` (read-only): a failing org-wide check, or a failing check of an app this rollout
  // touches, stops the rollout here, before any change.
  const checked = await checkOrg(ctx.conn, {
    accessToken: ctx.accessToken,
    days: plan.options.days,
    env: ctx.env ?? process.env,
    inventory,
    http: { timeoutMs: ctx.timeoutMs ?? 60_000, signal: ctx.signal },
  });
  const blocking = blockingChecks(checked, [...selection.apps.map((r) => r.name), ...verifyOnly]).map(
    (c) => `org check failed: ${c.app ? `${c.app}: ` : ''}${c.title}: ${c.detail}${c.action ? ` ${c.action}` : ''}`,
  );
  return {
    apps: selection.apps.map((r) => ({ name: r.name, ...scopeOf(r) })),
    verifyOnly,
    staleTokens: inventory.result.apps
      .filter((r) => r.usage.staleHolders > 0)
      .map((r) => ({ app: r.name, tokens: r.usage.staleHolders })),
    warnings,
    problems: [...selection.problems, ...blocking],
  };
}

/** Backs up the components that hold the PKCE and rotation flags of the selected apps. */
export async function backupApps(ctx: RolloutContext, apps: string[], rolloutId: string): Promise<string> {
  const catalog = await loadCatalog(ctx.conn, { cache: ctx.catalogCache, orgSettings: false });
  const wanted = new Set(apps);
  const entries = catalog.apps
    .filter((a) => wanted.has(a.name))
    .flatMap((a) => {
      const loc = flagLocation(a);
      if (!loc) return [];
      const value = readLeaf(loc.file.xml, loc.path, 'isPkceRequired') ?? null;
      return [
        {
          type: loc.file.type,
          fullName: loc.file.fullName,
          app: a.name,
          kind: a.kind,
          element: 'isPkceRequired',
          value,
          xml: loc.file.xml,
        },
      ];
    });
  const backup = await writeBackup(
    {
      orgId: ctx.orgId,
      username: ctx.username,
      instanceUrl: ctx.instanceUrl,
      operation: `oauth rollout run (${rolloutId}): before any change`,
    },
    entries,
  );
  return backup.path;
}

/** What a batch change did to each app, by app name. */
export type BatchOutcome = Map<string, StepOutcome>;

/**
 * Turns PKCE or rotation on for every app of a phase at once: one retrieve, one backup, one deploy, one read-back, and
 * an outcome per app. An app the toggle refuses (a packaged app, an ECA whose certificate cannot be proven absent)
 * fails alone and the others are still changed. A deploy that fails as a whole (rollbackOnError: nothing changed)
 * fails every app it carried, each with its own component failure or the failure that stopped the deploy.
 * `onBackup` is called with the backup and the apps the deploy will change, before the deploy is sent (so that a
 * crash after it leaves the journal knowing the change may be this rollout's).
 */
export async function enableSettings(
  ctx: RolloutContext,
  setting: ToggleSetting,
  apps: string[],
  rolloutId: string,
  onBackup: (path: string, apps: string[]) => Promise<void>,
): Promise<BatchOutcome> {
  const label = setting === 'pkce' ? 'PKCE' : 'Refresh token rotation';
  const out: BatchOutcome = new Map();
  let plan: TogglePlan | undefined;
  let remaining = apps;
  // A refused app fails alone: plan again without it (rare, and one more retrieve only then).
  while (!plan && remaining.length) {
    try {
      plan = await planToggle(ctx.conn, {
        setting,
        value: true,
        apps: remaining,
        orgNamespace: ctx.orgNamespace ?? null,
        cache: ctx.catalogCache,
      });
    } catch (e) {
      if (!(e instanceof ToggleError) || e.code !== 'refusedApps') throw e;
      const refused = refusedApps(e.items, remaining);
      if (!refused.size) throw e;
      for (const [app, reason] of refused)
        out.set(app, { status: 'failed', detail: `Not changed: ${reason}`, data: { changed: false } });
      remaining = remaining.filter((a) => !refused.has(a));
    }
  }
  if (!plan) return out;
  const changing = plan.changes.map((c) => c.app.name);
  let outcome: Awaited<ReturnType<typeof applyToggle>> | undefined;
  try {
    outcome = plan.changes.length
      ? await applyToggle(ctx.conn, plan, {
          backup: {
            orgId: ctx.orgId,
            username: ctx.username,
            instanceUrl: ctx.instanceUrl,
            operation: `oauth rollout run (${rolloutId}): ${setting} on ${changing.length} app(s)`,
          },
          // The journal knows the backup before the deploy can have changed anything.
          onBackup: (b) => onBackup(b.path, changing),
          pollMs: ctx.pollMs,
        })
      : undefined;
  } finally {
    // What was deployed is read again by the next phase; what surely changed tells whether the org's dates move.
    for (const c of plan.changes) {
      if (!outcome?.failed && c.row.status === 'changed') ctx.catalogCache?.changed(c.file.type, c.file.fullName);
      else ctx.catalogCache?.forget(c.file.type, c.file.fullName);
    }
  }
  const deployId = outcome?.result.deployId;
  for (const row of plan.rows) {
    const base: StepData = { before: row.before, after: row.after };
    if (row.status === 'unchanged') {
      out.set(row.app, { status: 'done', detail: `${label} already on.`, data: { ...base, changed: false } });
      continue;
    }
    const data: StepData = { ...base, deployId, backupPath: outcome?.result.backupPath };
    if (outcome?.failed) {
      out.set(row.app, {
        status: 'failed',
        detail: `Deploy ${deployId ?? ''} failed and was rolled back: ${row.reason ?? 'no detail'}`,
        data: { ...data, changed: false },
      });
    } else if (row.status === 'changed') {
      out.set(row.app, {
        status: 'done',
        detail: `${label} on (deploy ${deployId ?? ''}).`,
        data: { ...data, changed: true },
      });
    } else {
      out.set(row.app, {
        status: 'failed',
        detail: row.reason ?? `${label} did not stick.`,
        data: { ...data, changed: false },
      });
    }
  }
  for (const app of remaining)
    if (!out.has(app))
      out.set(app, {
        status: 'failed',
        detail: `Not changed: ${app} was not found in the org.`,
        data: { changed: false },
      });
  return out;
}

/** The refused apps of a ToggleError (`<app>: <reason>` items), by app name. */
function refusedApps(items: string[], apps: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of items) {
    const app = apps.find((a) => item.toLowerCase().startsWith(`${a.toLowerCase()}: `));
    if (app) out.set(app, item.slice(app.length + 2));
  }
  return out;
}

/** After an error in a change phase: which apps have the setting on anyway (the deploy went through); one read. */
export async function settingsOn(
  ctx: RolloutContext,
  setting: ToggleSetting,
  apps: string[],
): Promise<Map<string, boolean> | undefined> {
  try {
    const plan = await planToggle(ctx.conn, {
      setting,
      value: true,
      apps,
      orgNamespace: ctx.orgNamespace ?? null,
      cache: ctx.catalogCache,
    });
    return new Map(plan.rows.map((r) => [r.app, r.after === true]));
  } catch {
    return undefined;
  }
}

/** What a rollback did to each app: rolled back (deploy id), kept on by Salesforce, or why not. */
export type RollbackOutcome = {
  deployId?: string;
  apps: Map<string, { status: 'rolled-back' | 'kept-on-by-salesforce' | 'failed'; reason?: string }>;
};

/**
 * Restores apps' components from one backup in one deploy; per app: rolled back, kept on by Salesforce (the org kept
 * PKCE on although the deploy set it off), or failed (refused, or read back otherwise). Throws when the deploy failed.
 */
export async function restoreApps(
  ctx: RolloutContext,
  backupPath: string,
  apps: string[],
  rolloutId: string,
): Promise<RollbackOutcome> {
  const backup = await findBackup(backupPath, ctx.orgId);
  const plan = await planRestore(ctx.conn, backup, { orgId: ctx.orgId, apps });
  // A restore deploys whole components: none of them is known to be current in the run's cache after it.
  for (const c of backup.manifest.components) ctx.catalogCache?.forget(c.type, c.fullName);
  const outcome = await applyRestore(ctx.conn, plan, {
    backup: {
      orgId: ctx.orgId,
      username: ctx.username,
      instanceUrl: ctx.instanceUrl,
      operation: `oauth rollout run (${rolloutId}): rollback of ${apps.length} app(s)`,
    },
    pollMs: ctx.pollMs,
  });
  if (outcome.failed) throw new Error(`The rollback deploy ${outcome.result.deployId ?? ''} failed.`);
  const result: RollbackOutcome = { deployId: outcome.result.deployId, apps: new Map() };
  for (const app of apps) result.apps.set(app, { status: 'rolled-back' });
  for (const c of outcome.notRestored) {
    const status = c.status === 'kept-on-by-salesforce' ? 'kept-on-by-salesforce' : 'failed';
    if (result.apps.get(c.app)?.status !== 'failed')
      result.apps.set(c.app, { status, reason: c.reason ?? `${c.component} not restored` });
  }
  return result;
}

export type SmokeRequest = { app: string; kinds: VerifyKind[] };

/**
 * passed: proven. failed: a check failed, or the decisive flow could not be proven (e.g. no secret). blocked: no code
 * without a person (consent page, login page, app access refused): neither retried nor rolled back. error: the server
 * or the network (worth another try).
 */
export type SmokeOutcome = {
  app: string;
  status: 'passed' | 'failed' | 'blocked' | 'error';
  runs: AppRun[];
  detail: string;
  failedChecks: string[];
  resultFiles: string[];
};

function secretFor(
  config: ClientConfig,
  plan: RolloutPlan,
  appsInRun: number,
  env: NodeJS.ProcessEnv,
): Secret | undefined {
  if (config.clientType === 'public') return undefined;
  const named = plan.options.secretEnv[config.app];
  if (named) {
    const value = env[named];
    return value ? new Secret(value) : undefined;
  }
  return secretFromEnv(config.app, appsInRun, env)?.secret;
}

/**
 * Smoke-tests apps (PKCE or RTR checks, or both in order), stores each run in the results store and judges it:
 * passed (proven), failed (a check failed, or the decisive flow could not be proven, e.g. no secret), or error (the
 * server or the network: worth another try).
 */
export async function smokeTest(
  ctx: RolloutContext,
  plan: RolloutPlan,
  requests: SmokeRequest[],
  onApp: (o: SmokeOutcome) => Promise<void>,
): Promise<SmokeOutcome[]> {
  if (!requests.length) return [];
  const env = ctx.env ?? process.env;
  // Transient answers of the smoke tests' own requests are retried with the run's backoff (oauth/answer.ts); what
  // persists makes the app's run an error (not proven, never rolled back), which a resume tries again.
  const http = {
    timeoutMs: ctx.timeoutMs ?? 60_000,
    signal: ctx.signal,
    retry: { baseDelayMs: ctx.retryDelayMs ?? 2000 },
  };
  const configs = new Map<string, Map<VerifyKind, ClientConfig>>();
  const configErrors = new Map<string, string>();
  for (const kind of ['pkce', 'rtr'] as const) {
    const apps = requests.filter((r) => r.kinds.includes(kind)).map((r) => r.app);
    if (!apps.length) continue;
    let resolved: ClientConfig[] = [];
    try {
      resolved = await resolveClients(ctx.conn, { apps, kind, cache: ctx.catalogCache });
    } catch {
      // One app without a usable client configuration: resolve them one by one to find which.
      for (const app of apps) {
        try {
          resolved.push(...(await resolveClients(ctx.conn, { apps: [app], kind, cache: ctx.catalogCache })));
        } catch (e) {
          configErrors.set(app, errorText(e));
        }
      }
    }
    for (const c of resolved) {
      const byKind = configs.get(c.app) ?? new Map<VerifyKind, ClientConfig>();
      byKind.set(kind, c);
      configs.set(c.app, byKind);
    }
  }
  const source = ctx.smokeSource ?? smokeSourceFor(ctx);
  // One smoke-test session (smoke/session.ts, as `sf oauth pkce|rtr verify` use): the rollout's user's approvals are
  // counted before each app (five per user and app), and what each app's checks began is on disk without secrets.
  let session: SmokeSession | undefined;
  let sessionError: string | undefined;
  try {
    session = await SmokeSession.open({
      conn: ctx.conn,
      orgId: ctx.orgId,
      username: ctx.username,
      source,
      ownsSource: !ctx.smokeSource,
      command: 'sf oauth rollout run',
      otherUser: 'run the rollout with --target-org set to an org authorized as another user',
      http,
      signal: ctx.signal,
    });
  } catch (e) {
    if (!ctx.smokeSource) await source.close();
    if (!(e instanceof SmokeUserUnknown)) throw e;
    sessionError = e.reason;
  }
  const outcomes: SmokeOutcome[] = [];
  try {
    const runOne = async (request: SmokeRequest): Promise<SmokeOutcome> => {
      const error = configErrors.get(request.app);
      if (error)
        return {
          app: request.app,
          status: 'failed',
          runs: [],
          detail: `No client to test: ${error}`,
          failedChecks: [],
          resultFiles: [],
        };
      if (!session) {
        const detail = `No smoke test: the approvals ${ctx.username} holds cannot be counted (${sessionError ?? 'unknown'}), and a new one could revoke a live integration's token (approval limit).`;
        return { app: request.app, status: 'blocked', runs: [], detail, failedChecks: [], resultFiles: [] };
      }
      const runs: AppRun[] = [];
      const files: string[] = [];
      for (const kind of request.kinds) {
        const config = configs.get(request.app)?.get(kind);
        if (!config)
          return {
            app: request.app,
            status: 'failed',
            runs,
            detail: `No ${kind} client configuration.`,
            failedChecks: [],
            resultFiles: files,
          };
        const tested = await session.test(kind, { config, secret: secretFor(config, plan, requests.length, env) });
        if (!tested)
          return {
            app: request.app,
            status: 'error',
            runs,
            detail: 'Interrupted.',
            failedChecks: [],
            resultFiles: files,
          };
        const { run } = tested;
        runs.push(run);
        if (tested.file) files.push(tested.file);
        if (tested.storeError)
          throw new Error(`The ${kind} result of ${request.app} could not be stored: ${tested.storeError}`);
        const proven = kind === 'pkce' ? pkceProven(run) : rtrProven(run);
        if (!proven) {
          const failed = run.checks
            .filter((c) => c.verdict === 'fail' || c.verdict === 'error')
            .map((c) => `${kind}:${c.id}`);
          const detail = `${kind.toUpperCase()} smoke test: ${notProvenReason(run, kind)}${run.action ? ` ${run.action}` : ''}`;
          if (run.verdict === 'error' && run.blocked) {
            return { app: request.app, status: 'blocked', runs, detail, failedChecks: failed, resultFiles: files };
          }
          const status = run.verdict === 'error' && !run.checks.some((c) => c.verdict === 'fail') ? 'error' : 'failed';
          return { app: request.app, status, runs, detail, failedChecks: failed, resultFiles: files };
        }
      }
      return {
        app: request.app,
        status: 'passed',
        runs,
        detail: `${request.kinds.map((k) => k.toUpperCase()).join(' and ')} smoke tests passed.`,
        failedChecks: [],
        resultFiles: files,
      };
    };
    const concurrency = Math.max(1, plan.options.concurrency);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length && !ctx.signal?.aborted) {
        const request = requests[next++];
        const outcome = await runOne(request);
        outcomes.push(outcome);
        await onApp(outcome);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
  } finally {
    await session?.close();
  }
  return outcomes;
}

/**
 * Revokes the approvals smoke runs of this org left when they were killed (run-record.ts); one sentence saying how many,
 * or undefined when there was nothing to do. Never throws: the rollout goes on, and the next run tries again.
 */
export function cleanUpCrashedRuns(ctx: RolloutContext): Promise<string | undefined> {
  return SmokeSession.recoverCrashed(ctx.conn, ctx.orgId, {
    timeoutMs: ctx.timeoutMs ?? 60_000,
    retry: { baseDelayMs: ctx.retryDelayMs ?? 2000 },
  });
}

/** The gate, judged with the plan's waivers. */
export async function gate(ctx: RolloutContext, plan: RolloutPlan): Promise<GateResult> {
  return evaluateGate(ctx.conn, {
    orgId: ctx.orgId,
    days: plan.options.days,
    waivers: plan.waive,
    cache: ctx.catalogCache,
  });
}

export async function requirePkceOn(ctx: RolloutContext): Promise<StepOutcome> {
  const change = await setRequirePkce(ctx.conn, true, { pollMs: ctx.pollMs });
  if (change.failed)
    return {
      status: 'failed',
      detail: `Require PKCE could not be turned on: ${change.problems.join(' ')}`,
      data: { before: change.before, after: change.after, deployId: change.deployId },
    };
  return {
    status: 'done',
    detail: change.changed ? `Require PKCE on (deploy ${change.deployId ?? ''}).` : 'Require PKCE was already on.',
    data: { before: change.before, after: change.after, changed: change.changed, deployId: change.deployId },
  };
}
