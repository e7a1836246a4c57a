/*
 * One smoke-test session: what `sf oauth pkce verify`, `sf oauth rtr verify` and every smoke phase of `sf oauth rollout
 * run` share, so that the orchestration exists once. A session holds
 * - the sign-in (the code source: frontdoor, browser, site credentials or redirect), opened once per run;
 * - the smoke user's approval guard (Salesforce keeps five approvals per user and app; headroom.ts);
 * - one token ledger, swept when the session closes, whatever happened;
 * - the run record on disk (run-record.ts), so that a killed run leaves approvals the next run can find;
 * - the results store, where each app's result is kept for the Require PKCE gate.
 * Runs of one client never overlap (each would count the same approvals as its headroom). Nothing here prints.
 */
import type { Connection } from '@salesforce/core';
import type { VerifyKind } from '../oauth/client-config.js';
import type { CodeSource } from '../oauth/code-source.js';
import type { HttpOptions } from '../oauth/http.js';
import { ApprovalGuard } from './headroom.js';
import { TokenLedger } from './ledger.js';
import type { AppRun, CleanupSummary } from './model.js';
import { storeRun } from './results-store.js';
import { recoverCrashedRuns, recoveryText, RunRecorder } from './run-record.js';
import { mapPool, runApp, type AppPlan } from './runner.js';
import { SignInCheck, type WrongUserSignedIn } from './signed-in-user.js';

export type SmokeSessionOptions = {
  conn: Connection;
  orgId: string;
  /** The user the smoke tests sign in as: their approvals are counted before each app. */
  username: string;
  source: CodeSource;
  /** False when the caller shares `source` with other sessions and closes it itself (a rollout's phases). */
  ownsSource?: boolean;
  /** The command, for the run record (e.g. `sf oauth pkce verify`). */
  command: string;
  /** How to run the tests as another user, for the action of a refusal (no approval headroom). */
  otherUser: string;
  http: HttpOptions;
  signal?: AbortSignal;
  /** Where results and run records are kept (default: the results store's root). */
  root?: string;
};

/** One app's run of one kind, with the file its result was stored in, or why it could not be stored. */
export type SessionRun = { run: AppRun; file?: string; storeError?: string };

/** Thrown by `SmokeSession.open` when the smoke user cannot be found in the org (so no approval can be counted). */
export class SmokeUserUnknown extends Error {
  public constructor(
    public readonly username: string,
    public readonly reason: string,
  ) {
    super(`The approvals of ${username} cannot be counted: ${reason}`);
    this.name = 'SmokeUserUnknown';
  }
}

export class SmokeSession {
  private readonly ledger: TokenLedger;
  private readonly signIn: SignInCheck;
  private readonly lanes = new Map<string, Promise<unknown>>();
  private closed?: CleanupSummary;

  private constructor(
    private readonly options: SmokeSessionOptions,
    public readonly approvals: ApprovalGuard,
    private readonly record: RunRecorder,
  ) {
    this.ledger = new TokenLedger({ timeoutMs: options.http.timeoutMs });
    // With --browser a person chooses who signs in: a token response that does not say who stops the run too.
    this.signIn = new SignInCheck(options.conn, approvals.user, this.ledger, options.source.name === 'browser');
  }

  /**
   * Why the session stopped: a code exchange gave a token of another user than the one whose approvals were counted.
   * Its approval was revoked at once; no app is tested after it, and the stopped app's result is not stored.
   */
  public get stopped(): WrongUserSignedIn | undefined {
    return this.signIn.stopped;
  }

  public get codeSourceName(): CodeSource['name'] {
    return this.options.source.name;
  }

  /**
   * Looks up the smoke user (throws SmokeUserUnknown when the org has no such user or it cannot be read) and starts the
   * run record on disk. On a throw, nothing was started: the caller still owns and closes `source`.
   */
  public static async open(options: SmokeSessionOptions): Promise<SmokeSession> {
    let approvals: ApprovalGuard;
    try {
      approvals = await ApprovalGuard.forUsername(options.conn, options.username, options.otherUser);
    } catch (e) {
      throw new SmokeUserUnknown(options.username, (e instanceof Error ? e.message : String(e)).split('\n')[0]);
    }
    const record = await RunRecorder.start(
      { orgId: options.orgId, user: approvals.user, command: options.command },
      options.root,
    );
    return new SmokeSession(options, approvals, record);
  }

  /**
   * Revokes the approvals that smoke runs of this org left when they were killed; one sentence saying how many, or
   * undefined when there was nothing to do. Never throws: a lookup that fails is said, and the next run tries again.
   */
  public static async recoverCrashed(
    conn: Connection,
    orgId: string,
    http: HttpOptions,
    root?: string,
  ): Promise<string | undefined> {
    try {
      return recoveryText(await recoverCrashedRuns(conn, orgId, { loginUrl: conn.instanceUrl, http, root }));
    } catch (e) {
      return `The approvals of smoke runs that were killed could not be looked up: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
    }
  }

  /**
   * Tests one app for one kind: counts headroom, runs the checks in order (each approval revoked as soon as it is
   * judged), records the app on disk before its first token, and stores the result unless the session was aborted.
   * Undefined when the session was aborted before the app started.
   */
  public async test(kind: VerifyKind, plan: AppPlan): Promise<SessionRun | undefined> {
    const key = plan.config.clientId || plan.config.app;
    const before = this.lanes.get(key) ?? Promise.resolve();
    const mine = before.then(() => this.testNow(kind, plan));
    this.lanes.set(
      key,
      mine.catch(() => undefined),
    );
    return mine;
  }

  /** Tests `plans` for one kind, `concurrency` at a time, in input order; `onApp` sees each as it finishes. */
  public async testAll(
    kind: VerifyKind,
    plans: AppPlan[],
    concurrency: number,
    onApp?: (r: SessionRun) => Promise<void> | void,
  ): Promise<SessionRun[]> {
    const runs = await mapPool(
      plans,
      concurrency,
      async (plan) => {
        const r = await this.test(kind, plan);
        if (r) await onApp?.(r);
        return r;
      },
      this.options.signal,
    );
    return runs.filter((r): r is SessionRun => r !== undefined);
  }

  /** Token values this session has seen (to scrub from anything shown), and the given apps' secrets. */
  public secrets(plans: AppPlan[] = []): string[] {
    return [...this.ledger.secrets(), ...plans.flatMap((p) => (p.secret ? [p.secret.reveal()] : []))];
  }

  /** Revokes every token still held, ends the run record (kept when a revoke failed) and the sign-in if owned. */
  public async close(): Promise<CleanupSummary> {
    if (this.closed) return this.closed;
    try {
      this.closed = await this.ledger.revokeAll();
    } finally {
      await this.record.finish();
      if (this.options.ownsSource !== false) await this.options.source.close();
    }
    return this.closed;
  }

  private async testNow(kind: VerifyKind, plan: AppPlan): Promise<SessionRun | undefined> {
    if (this.options.signal?.aborted || this.stopped) return undefined;
    const { source, http, signal } = this.options;
    const run = await runApp(plan, {
      kind,
      apps: [plan],
      source,
      ledger: this.ledger,
      concurrency: 1,
      http,
      signal,
      approvals: this.approvals,
      record: this.record,
      signIn: this.signIn,
    });
    // A run cut short by Ctrl-C, or by a sign-in as another user, proves nothing: it is not kept as evidence for the gate.
    if (signal?.aborted || this.stopped) return { run };
    try {
      return { run, file: await storeRun(this.options.orgId, run, this.options.root) };
    } catch (e) {
      return { run, storeError: e instanceof Error ? e.message : String(e) };
    }
  }
}
