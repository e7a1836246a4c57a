/*
 * Approval headroom for smoke tests. Salesforce keeps at most five refresh-token approvals per user and app, and a
 * sixth revokes the oldest (Salesforce Help, "Manage OAuth Access for Your Connected Apps", as cited by Oracle's
 * Salesforce adapter troubleshooting page). A smoke test signed in as a user who also runs a live integration through
 * the app could therefore revoke the integration's token. So, before an app's checks run, the smoke user's live
 * approvals of the app are counted (OauthToken rows by UserId and AppName); the checks are sequenced so that at most
 * `peakApprovals(kind)` of their approvals are live at once (each is revoked as soon as the checks that need it are
 * judged); and an app without headroom is refused with an explanation instead of being tested.
 *
 * The smoke user is the user the code source signs in as: the target org's user (frontdoor, and normally --browser,
 * where a person signs in), or the --site-url user. Counting another user's approvals needs "Customize Application"
 * or "Manage Users"; without it OauthToken shows the caller's own rows only.
 */
import type { Connection } from '@salesforce/core';
import type { ClientConfig, VerifyKind } from '../oauth/client-config.js';
import { AuthorizeBlocked } from './probe.js';

/** Refresh-token approvals Salesforce keeps per user and app. */
export const APPROVAL_LIMIT = 5;

/**
 * What each check may leave live: how many new approvals (code exchanges that return a refresh token) it may create,
 * and whether a later check still needs its tokens (`keep`). A check that keeps nothing has its approvals revoked as
 * soon as it is judged. Ids match PKCE_CHECKS and RTR_CHECKS (a test holds them together).
 */
export const CHECK_APPROVALS: Record<VerifyKind, ReadonlyArray<{ id: string; creates: number; keep?: boolean }>> = {
  // Each PKCE check makes at most one exchange that can succeed (the S256 flow; a failing check's unexpected tokens).
  pkce: [
    { id: 's256-flow', creates: 1 },
    { id: 'authorize-without-challenge', creates: 1 },
    { id: 'wrong-verifier', creates: 1 },
    { id: 'missing-verifier', creates: 1 },
    { id: 'client-authentication', creates: 1 },
    { id: 'plain-method', creates: 1 },
  ],
  // One chain serves rotation through chain-revoked; the concurrent check starts a second one.
  rtr: [
    { id: 'rotation', creates: 1, keep: true },
    { id: 'new-token-works', creates: 0, keep: true },
    { id: 'reuse-rejected', creates: 0, keep: true },
    { id: 'chain-revoked', creates: 0 },
    { id: 'concurrent-refresh', creates: 1 },
  ],
};

/**
 * Whether a scope request can bring a refresh token, and so an approval: `refresh_token` or `offline_access` asked
 * for, or no scope at all (Salesforce then grants every scope of the app). `full` alone brings none.
 */
export function mayApprove(scope: string | undefined): boolean {
  if (scope === undefined) return true;
  return scope.split(/\s+/).some((s) => s === 'refresh_token' || s === 'offline_access');
}

/** The approvals each check of a run may create, given the scope the run asks for. */
export function checkApprovals(
  kind: VerifyKind,
  config?: Pick<ClientConfig, 'pkceScopeRequest' | 'refreshScopeRequest'>,
): ReadonlyArray<{ id: string; creates: number; keep?: boolean }> {
  const scope = kind === 'pkce' ? config?.pkceScopeRequest : config?.refreshScopeRequest;
  if (!config || mayApprove(scope)) return CHECK_APPROVALS[kind];
  return CHECK_APPROVALS[kind].map((c) => ({ ...c, creates: 0 }));
}

/** The most approvals a run of `kind` holds at once, revoking each as soon as no later check needs it. */
export function peakApprovals(
  kind: VerifyKind,
  config?: Pick<ClientConfig, 'pkceScopeRequest' | 'refreshScopeRequest'>,
): number {
  let peak = 0;
  let held = 0;
  for (const check of checkApprovals(kind, config)) {
    held += check.creates;
    peak = Math.max(peak, held);
    if (!check.keep) held = 0;
  }
  return peak;
}

export type SmokeUser = { id: string; username: string };

/** One approval the smoke user holds for the app (no token: OauthToken carries none worth showing). */
export type Approval = { createdDate: string | null; lastUsedDate: string | null };

export type Headroom = {
  user: SmokeUser;
  app: string;
  /** The AppName values counted: the app's label (and its developer name, which ECA rows may carry). */
  appNames: string[];
  approvals: Approval[];
  /** Approvals the run needs at once. */
  needed: number;
  limit: number;
  ok: boolean;
};

/** The app cannot be smoke-tested as this user without pushing them past the approval limit. */
export class NoApprovalHeadroom extends AuthorizeBlocked {
  public constructor(message: string, action: string) {
    super(message, { at: 'none' }, action);
    this.name = 'NoApprovalHeadroom';
  }
}

/** A SOQL string literal. */
export const soqlString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : 'unknown');

/**
 * Counts approvals for one smoke user and refuses apps without headroom. `otherUser` names the options that run the
 * test as another user, for the refusal's action (e.g. "--target-org with an org authorized as another user").
 */
export class ApprovalGuard {
  public constructor(
    private readonly conn: Connection,
    public readonly user: SmokeUser,
    private readonly otherUser: string,
    public readonly limit = APPROVAL_LIMIT,
  ) {}

  /** The guard for the user named `username` (looked up by Username); throws when the org has no such user. */
  public static async forUsername(conn: Connection, username: string, otherUser: string): Promise<ApprovalGuard> {
    const result = await conn.query<{ Id?: string; Username?: string | null }>(
      `SELECT Id, Username FROM User WHERE Username = ${soqlString(username)}`,
    );
    const row = result.records[0];
    if (!row?.Id) throw new Error(`The org has no user ${username}.`);
    return new ApprovalGuard(conn, { id: row.Id, username: row.Username ?? username }, otherUser);
  }

  /** The smoke user's live approvals of the app, against what a run of `kind` needs at once. */
  public async headroom(
    config: Pick<ClientConfig, 'app' | 'appLabel' | 'pkceScopeRequest' | 'refreshScopeRequest'>,
    kind: VerifyKind,
  ): Promise<Headroom> {
    const appNames = [...new Set([config.appLabel ?? config.app, config.app])];
    const where = `UserId = ${soqlString(this.user.id)} AND AppName IN (${appNames.map(soqlString).join(', ')})`;
    const result = await this.conn.query<{ CreatedDate?: string | null; LastUsedDate?: string | null }>(
      `SELECT CreatedDate, LastUsedDate FROM OauthToken WHERE ${where} ORDER BY CreatedDate`,
      { autoFetch: true, maxFetch: 2500 },
    );
    const approvals = result.records.map((r) => ({
      createdDate: r.CreatedDate ?? null,
      lastUsedDate: r.LastUsedDate ?? null,
    }));
    const needed = peakApprovals(kind, config);
    return {
      user: this.user,
      app: config.app,
      appNames,
      approvals,
      needed,
      limit: this.limit,
      ok: approvals.length + needed <= this.limit,
    };
  }

  /** Why an app without headroom was not tested, and what to do. */
  public refusal(h: Headroom): NoApprovalHeadroom {
    const held = h.approvals.map((a) => `created ${day(a.createdDate)}, last used ${day(a.lastUsedDate)}`).join('; ');
    return new NoApprovalHeadroom(
      `Not tested: ${h.user.username} already holds ${h.approvals.length} of the ${h.limit} approvals Salesforce keeps per user for ${h.appNames[0]}` +
        `${held ? ` (${held})` : ''}, and this test needs ${h.needed} more at once. A new approval beyond ${h.limit} revokes the oldest, which may be a live integration's token (approval limit).`,
      `Run the test as a user who holds at most ${h.limit - h.needed} approvals of ${h.appNames[0]} (${this.otherUser}), or revoke ${h.user.username}'s stale approvals of it (Setup > Connected Apps OAuth Usage, or the user's OAuth Connected Apps list).`,
    );
  }

  /** Refuses a check that would push the user past the limit (`held`: this run's approvals still live). */
  // eslint-disable-next-line class-methods-use-this -- one guard per run; the headroom it judges is read fresh per check
  public beforeCheck(h: Headroom, held: number, creates: number): void {
    if (creates > 0 && h.approvals.length + held + creates > h.limit) {
      throw new NoApprovalHeadroom(
        `Stopped: ${h.user.username} holds ${h.approvals.length} approvals of ${h.appNames[0]} and this run still holds ${held} it could not revoke; the next check would pass the limit of ${h.limit} (approval limit).`,
        `Revoke ${h.user.username}'s stale approvals of ${h.appNames[0]} (Setup > Connected Apps OAuth Usage), then run again.`,
      );
    }
  }
}
