/*
 * Runs the PKCE or RTR checks for many apps with a bounded pool, times each app, revokes each app's tokens as soon as
 * its checks end (whatever happened), and sweeps the whole ledger at the end. Abort (Ctrl-C) stops new work; the
 * caller then calls `ledger.revokeAll()`.
 */
import type { ClientConfig, VerifyKind } from '../oauth/client-config.js';
import type { CodeSource } from '../oauth/code-source.js';
import type { HttpOptions } from '../oauth/http.js';
import type { Secret } from '../oauth/secret.js';
import { runChecks, type ChecksRun } from './checks.js';
import { scrub, type TokenLedger } from './ledger.js';
import { appVerdict, type AppRun } from './model.js';
import { PKCE_CHECKS, pkceState } from './pkce-checks.js';
import type { ProbeContext } from './probe.js';
import { RTR_CHECKS, rtrState } from './rtr-checks.js';

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
};

/** Maps with at most `limit` calls in flight; results keep the input order. */
export async function mapPool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
       
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results.filter((r) => r !== undefined);
}

export async function runApp(plan: AppPlan, options: RunOptions): Promise<AppRun> {
  const started = new Date();
  const ctx: ProbeContext = { config: plan.config, secret: plan.secret, source: options.source, ledger: options.ledger, http: options.http };
  let run: ChecksRun;
  try {
    run = options.kind === 'pkce' ? await runChecks(PKCE_CHECKS, pkceState(ctx)) : await runChecks(RTR_CHECKS, rtrState(ctx));
  } finally {
    await options.ledger.revokeAll(plan.config.app);
  }
  const finished = new Date();
  const { config } = plan;
  const result: AppRun = {
    app: config.app,
    kind: options.kind,
    verdict: appVerdict(run.checks, run.error),
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
    cleanup: options.ledger.summary(config.app),
    timings: { startedAt: started.toISOString(), finishedAt: finished.toISOString(), ms: finished.getTime() - started.getTime() },
  };
  const secrets = [...options.ledger.secrets(), ...(plan.secret ? [plan.secret.reveal()] : [])];
  return scrub(result, secrets);
}

export async function runVerify(options: RunOptions): Promise<AppRun[]> {
  return mapPool(
    options.apps,
    options.concurrency,
    async (plan) => {
      const run = await runApp(plan, options);
      await options.onApp?.(run);
      return run;
    },
    options.signal
  );
}
