/*
 * Runs the PKCE or RTR checks for many apps with a bounded pool, times each app, revokes each app's tokens as soon as
 * the checks that need them are judged (whatever happened), and sweeps the whole ledger at the end. Abort (Ctrl-C)
 * stops new work; the caller then calls `ledger.revokeAll()`.
 *
 * With an approval guard (headroom.ts), an app is tested only when the smoke user has headroom under Salesforce's five
 * approvals per user and app: otherwise its run is refused with the reason, and no check runs. Runs of the same
 * client never overlap, so one app's approvals are counted by one run at a time.
 */
import pMap, { pMapSkip } from 'p-map';
import type { ClientConfig, VerifyKind } from '../oauth/client-config.js';
import type { CodeSource } from '../oauth/code-source.js';
import type { HttpOptions } from '../oauth/http.js';
import type { Secret } from '../oauth/secret.js';
import { runChecks, type CheckSpec, type ChecksRun } from './checks.js';
import { checkApprovals, type ApprovalGuard, type Headroom } from './headroom.js';
import { scrub, type TokenLedger } from './ledger.js';
import type { RunRecorder } from './run-record.js';
import { appVerdict, type AppRun } from './model.js';
import { PKCE_CHECKS, pkceState } from './pkce-checks.js';
import type { ProbeContext } from './probe.js';
import { RTR_CHECKS, rtrState } from './rtr-checks.js';
import type { SignInCheck } from './signed-in-user.js';

export type AppPlan = { config: ClientConfig; secret?: Secret };

export type RunOptions = {
  kind: VerifyKind;
  apps: AppPlan[];
  source: CodeSource;
  ledger: TokenLedger;
  concurrency: number;
  http: HttpOptions;
  signal?: AbortSignal;
  /** Called as each app finishes (after its cleanup), e.g. to store its result. */
  onApp?: (run: AppRun) => Promise<void> | void;
  /** Counts the smoke user's approvals before each app and refuses apps without headroom. */
  approvals?: ApprovalGuard;
  /** Records on disk which apps' checks began, so a crashed run's approvals can be found and revoked (run-record.ts). */
  record?: RunRecorder;
  /** Checks that each code exchange's token is the counted user's, and stops the run when not (signed-in-user.ts). */
  signIn?: SignInCheck;
};

/**
 * Maps with at most `limit` calls in flight; results keep the input order. After `signal` aborts, items not yet begun
 * are skipped (`pMapSkip`) while those in flight finish, so their results (and their cleanup) are kept. p-map's own
 * `signal` option is not used: it rejects at once and drops the results of the apps still running.
 */
export async function mapPool<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  return pMap(items, (item, index) => (signal?.aborted ? pMapSkip : fn(item, index)), {
    concurrency: Math.max(1, limit),
  });
}

/**
 * The checks with their approvals released as soon as they are judged: after each check whose tokens no later check
 * needs, the app's tokens are revoked; before a check that may create an approval, the guard makes sure it fits.
 */
export function sequenced<S>(
  specs: Array<CheckSpec<S>>,
  kind: RunOptions['kind'],
  config: ClientConfig,
  ledger: TokenLedger,
  guard?: { approvals: ApprovalGuard; headroom: Headroom },
): Array<CheckSpec<S>> {
  const app = config.app;
  const table = new Map(checkApprovals(kind, config).map((c) => [c.id, c]));
  return specs.map((spec) => ({
    ...spec,
    async run(state: S): ReturnType<CheckSpec<S>['run']> {
      // An unknown check is taken as creating an approval and keeping nothing: the safe side of the limit.
      const approvals = table.get(spec.id) ?? { creates: 1, keep: false };
      guard?.approvals.beforeCheck(guard.headroom, ledger.approvalsHeld(app), approvals.creates);
      try {
        return await spec.run(state);
      } finally {
        if (!approvals.keep) await ledger.revokeAll(app);
      }
    },
  }));
}

function checksRun<S>(
  specs: Array<CheckSpec<S>>,
  state: S,
  options: RunOptions,
  plan: AppPlan,
  guard?: { approvals: ApprovalGuard; headroom: Headroom },
): Promise<ChecksRun> {
  return runChecks(sequenced(specs, options.kind, plan.config, options.ledger, guard), state);
}

/** A run refused before any check: every check is an error with the reason (never a fail). */
function refused<S>(specs: Array<CheckSpec<S>>, message: string, action: string): ChecksRun {
  return {
    checks: specs.map((s) => ({
      id: s.id,
      title: s.title,
      verdict: 'error',
      evidence: { at: 'none' },
      note: `Not run: ${message}`,
      ms: 0,
    })),
    error: message,
    action,
    blocked: true,
  };
}

async function checkApp(plan: AppPlan, options: RunOptions, ctx: ProbeContext): Promise<ChecksRun> {
  const specs: Array<CheckSpec<never>> = options.kind === 'pkce' ? PKCE_CHECKS : RTR_CHECKS;
  let guard: { approvals: ApprovalGuard; headroom: Headroom } | undefined;
  if (options.approvals) {
    try {
      const headroom = await options.approvals.headroom(plan.config, options.kind);
      if (!headroom.ok) {
        const refusal = options.approvals.refusal(headroom);
        return refused(specs, refusal.message, refusal.action);
      }
      guard = { approvals: options.approvals, headroom };
    } catch (e) {
      return refused(
        specs,
        `the approvals ${options.approvals.user.username} holds for ${plan.config.app} could not be counted (${e instanceof Error ? e.message : String(e)}), so a new one might revoke a live integration's token (approval limit).`,
        'Run as a user with "Customize Application" or "Manage Users", who can read OauthToken, then run again.',
      );
    }
  }
  return options.kind === 'pkce'
    ? checksRun(PKCE_CHECKS, pkceState(ctx), options, plan, guard)
    : checksRun(RTR_CHECKS, rtrState(ctx), options, plan, guard);
}

export async function runApp(plan: AppPlan, options: RunOptions): Promise<AppRun> {
  const started = new Date();
  const ctx: ProbeContext = {
    config: plan.config,
    secret: plan.secret,
    source: options.source,
    ledger: options.ledger,
    http: options.http,
    afterExchange: options.signIn?.afterExchange.bind(options.signIn),
  };
  let run: ChecksRun;
  // On disk before the first token: a run killed from here on leaves approvals the next run can find.
  await options.record?.appStarted(plan.config.app, [
    ...new Set([plan.config.appLabel ?? plan.config.app, plan.config.app]),
  ]);
  try {
    run = await checkApp(plan, options, ctx);
  } finally {
    const cleanup = await options.ledger.revokeAll(plan.config.app);
    if (!cleanup.failed) await options.record?.appCleaned(plan.config.app);
  }
  const finished = new Date();
  const { config } = plan;
  const result: AppRun = {
    app: config.app,
    kind: options.kind,
    verdict: appVerdict(options.kind, run.checks, run.error),
    clientId: config.clientId,
    clientType: config.clientType,
    serverUrl: config.loginUrl,
    codeSource: options.source.name,
    settingsComponent: config.settingsComponent,
    settingsLastModified: config.settingsLastModified,
    settings: { pkceRequired: config.pkceRequired, rtrEnabled: config.rtrEnabled, source: config.source },
    checks: run.checks,
    ...(run.error ? { error: run.error } : {}),
    ...(run.action ? { action: run.action } : {}),
    ...(run.blocked ? { blocked: true } : {}),
    cleanup: options.ledger.summary(config.app),
    timings: {
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      ms: finished.getTime() - started.getTime(),
    },
  };
  const secrets = [...options.ledger.secrets(), ...(plan.secret ? [plan.secret.reveal()] : [])];
  return scrub(result, secrets);
}

export async function runVerify(options: RunOptions): Promise<AppRun[]> {
  // One run per client at a time: two runs of one app would each count the same approvals as headroom.
  const lanes = new Map<string, Promise<unknown>>();
  return mapPool(
    options.apps,
    options.concurrency,
    async (plan) => {
      const key = plan.config.clientId || plan.config.app;
      const before = lanes.get(key) ?? Promise.resolve();
      const mine = before.then(async () => {
        const run = await runApp(plan, options);
        await options.onApp?.(run);
        return run;
      });
      lanes.set(
        key,
        mine.catch(() => undefined),
      );
      return mine;
    },
    options.signal,
  );
}
