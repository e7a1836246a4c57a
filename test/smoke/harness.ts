/*
 * Runs the verify checks in-process against an emulator (or any server), the way the commands do.
 */
import type { Connection } from '@salesforce/core';
import { resolveClients, type Overrides, type VerifyKind } from '../../src/oauth/client-config.js';
import { frontdoorSource, type CodeSource } from '../../src/oauth/code-source.js';
import type { RetryPolicy } from '../../src/oauth/http.js';
import type { Secret } from '../../src/oauth/secret.js';
import type { ApprovalGuard } from '../../src/smoke/headroom.js';
import { TokenLedger } from '../../src/smoke/ledger.js';
import type { AppRun } from '../../src/smoke/model.js';
import { runVerify } from '../../src/smoke/runner.js';

export type Harness = {
  runs: AppRun[];
  ledger: TokenLedger;
  byApp: (app: string) => AppRun;
  verdicts: (app: string) => Record<string, string>;
};

export async function verifyApps(
  conn: Connection,
  kind: VerifyKind,
  apps: string[],
  options: {
    secrets?: Record<string, Secret>;
    source?: CodeSource;
    overrides?: Overrides;
    concurrency?: number;
    timeoutMs?: number;
    retry?: RetryPolicy;
    approvals?: ApprovalGuard;
  } = {},
): Promise<Harness> {
  const configs = await resolveClients(conn, { apps, kind }, options.overrides);
  const http = { timeoutMs: options.timeoutMs ?? 10_000, retry: options.retry };
  const ledger = new TokenLedger(http);
  const source = options.source ?? frontdoorSource(conn.instanceUrl, () => conn.accessToken ?? '', http);
  const runs = await runVerify({
    kind,
    apps: configs.map((config) => ({ config, secret: options.secrets?.[config.app] })),
    source,
    ledger,
    concurrency: options.concurrency ?? 4,
    http,
    approvals: options.approvals,
  });
  await ledger.revokeAll();
  await source.close();
  const byApp = (app: string): AppRun => {
    const run = runs.find((r) => r.app === app);
    if (!run) throw new Error(`no run for ${app}`);
    return run;
  };
  return {
    runs,
    ledger,
    byApp,
    verdicts: (app) => Object.fromEntries(byApp(app).checks.map((c) => [c.id, c.verdict])),
  };
}
