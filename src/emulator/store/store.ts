/*
 * OrgStore: the one owner of the org's state. Endpoints read and change the org only through it, so every change bumps
 * the revision (which invalidates derived views such as the OAuth client index) and is persisted when a state file is set.
 */
import type { AccessTokenRecord, Grant, MdObject, OrgState, StoredComponent, UserRecord } from './state.js';
import { KeyPrefix, makeId } from './ids.js';
import { randomAlnum, sha256 } from './hash.js';
import { writeStateFile } from './persist.js';

export type Clock = () => number;

export class OrgStore {
  /** Bumped on every change; derived views cache on it. */
  public revision = 0;
  /** Access token lifetime for this run only (the rehearsal mode's short sessions); never persisted. */
  public sessionSecondsOverride?: number;
  /** Told about every access token issued (the conformance recorder attributes expired tokens with it). */
  public onAccessTokenIssued?: (record: AccessTokenRecord) => void;
  private saving: Promise<void> = Promise.resolve();
  private saveQueued = false;

  public constructor(
    public state: OrgState,
    public readonly clock: Clock = Date.now,
    private readonly stateFile?: string,
  ) {}

  public nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  public nextId(prefix: string): string {
    const seq = (this.state.counters[prefix] ?? 0) + 1;
    this.state.counters[prefix] = seq;
    return makeId(prefix, seq);
  }

  /** Records a change: bumps the revision and schedules a save. */
  public changed(): void {
    this.revision++;
    this.touched();
  }

  /** Schedules a save without invalidating derived views (for records no view depends on, like the conformance log). */
  public touched(): void {
    if (!this.stateFile || this.saveQueued) return;
    this.saveQueued = true;
    this.saving = this.saving.then(async () => {
      this.saveQueued = false;
      await writeStateFile(this.stateFile as string, this.state);
    });
  }

  /** Resolves once every scheduled save is on disk. */
  public async flush(): Promise<void> {
    await this.saving;
  }

  // ---- users -------------------------------------------------------------------------------------------------

  public user(id: string): UserRecord | undefined {
    return this.state.users.find((u) => u.id === id || u.id.slice(0, 15) === id);
  }

  public userByUsername(username: string): UserRecord | undefined {
    const wanted = username.toLowerCase();
    return this.state.users.find((u) => u.username.toLowerCase() === wanted);
  }

  /** The org's first active System Administrator: the user `sf oauth emulator start --alias` logs in as. */
  public adminUser(): UserRecord {
    const admin = this.state.users.find((u) => u.isActive && u.profileName === 'System Administrator');
    if (!admin) throw new Error('The org has no active System Administrator user.');
    return admin;
  }

  // ---- metadata components ------------------------------------------------------------------------------------

  public components(type: string): StoredComponent[] {
    return Object.values(this.state.components[type] ?? {});
  }

  public component(type: string, fullName: string): StoredComponent | undefined {
    return this.state.components[type]?.[fullName];
  }

  /** Creates or replaces a component (deploys are declarative: the new value replaces the old one whole). */
  public putComponent(type: string, fullName: string, value: MdObject, userId: string): StoredComponent {
    const byName = (this.state.components[type] ??= {});
    const existing = byName[fullName];
    const now = this.nowIso();
    const stored: StoredComponent = existing
      ? { ...existing, value, lastModifiedDate: now, lastModifiedById: userId }
      : {
          id: this.nextId(KeyPrefix.Metadata),
          fullName,
          namespacePrefix: namespaceOf(fullName),
          manageableState: 'unmanaged',
          value,
          createdDate: now,
          lastModifiedDate: now,
          lastModifiedById: userId,
        };
    byName[fullName] = stored;
    this.changed();
    return stored;
  }

  public deleteComponent(type: string, fullName: string): boolean {
    const byName = this.state.components[type];
    if (!byName?.[fullName]) return false;
    delete byName[fullName];
    this.changed();
    return true;
  }

  // ---- consumer secrets ---------------------------------------------------------------------------------------

  public setConsumerSecret(consumerKey: string, secret: string): void {
    this.state.consumerSecrets[consumerKey] = sha256(secret);
    this.changed();
  }

  public hasConsumerSecret(consumerKey: string): boolean {
    return this.state.consumerSecrets[consumerKey] !== undefined;
  }

  public checkConsumerSecret(consumerKey: string, secret: string): boolean {
    const stored = this.state.consumerSecrets[consumerKey];
    return stored !== undefined && stored === sha256(secret);
  }

  // ---- access tokens ------------------------------------------------------------------------------------------

  /** Issues an access token (`<orgId>!<random>`, the shape sfdx-core and jsforce recognize). */
  public issueAccessToken(userId: string, clientId: string, scopes: string[], grantId?: string): string {
    const raw = `${this.state.org.id.slice(0, 15)}!AQ${randomAlnum(94)}`;
    const now = this.clock();
    const record: AccessTokenRecord = {
      hash: sha256(raw),
      userId,
      clientId,
      grantId,
      scopes,
      issuedAt: now,
      expiresAt: now + (this.sessionSecondsOverride ?? this.state.sessionSeconds) * 1000,
    };
    this.pruneExpiredAccessTokens(now);
    this.state.accessTokens.push(record);
    this.onAccessTokenIssued?.(record);
    this.changed();
    return raw;
  }

  /** A live access token's record, or undefined when unknown, expired or revoked. */
  public accessToken(raw: string): AccessTokenRecord | undefined {
    const hash = sha256(raw);
    const record = this.state.accessTokens.find((t) => t.hash === hash);
    if (!record || record.expiresAt <= this.clock()) return undefined;
    return record;
  }

  public revokeAccessToken(raw: string): boolean {
    const hash = sha256(raw);
    const before = this.state.accessTokens.length;
    this.state.accessTokens = this.state.accessTokens.filter((t) => t.hash !== hash);
    const removed = this.state.accessTokens.length !== before;
    if (removed) this.changed();
    return removed;
  }

  /** Expires every access token at once (a session-expiry fault, or a test of INVALID_SESSION_ID handling). */
  public expireAllAccessTokens(): void {
    this.state.accessTokens = [];
    this.changed();
  }

  // ---- grants (OauthToken rows) and refresh tokens -------------------------------------------------------------

  /**
   * Starts a refresh token chain (a new approval); returns the raw refresh token. A user keeps at most
   * {@link APPROVALS_PER_USER_AND_APP} approvals of one app: the new one revokes the oldest beyond that (returned as
   * `evicted`), whose refresh token then fails with `invalid_grant` / `expired access/refresh token`.
   */
  public createGrant(
    clientId: string,
    appName: string,
    userId: string,
    scopes: string[],
  ): { grant: Grant; refreshToken: string; evicted: Grant[] } {
    const refreshToken = newRefreshToken();
    const { grant, evicted } = this.addApproval({
      clientId,
      appName,
      userId,
      scopes,
      refreshHash: sha256(refreshToken),
    });
    return { grant, refreshToken, evicted };
  }

  /**
   * An approval that holds no token the emulator could hand out: the OauthToken row of an admin's one-time approval
   * (`--pre-approve`), as seed rows are. On Salesforce an approval is that row (Setup > Connected Apps OAuth Usage), so
   * it counts toward the user's five approvals of the app and can be revoked by its DeleteToken.
   */
  public recordApproval(clientId: string, appName: string, userId: string, scopes: string[]): Grant {
    return this.addApproval({ clientId, appName, userId, scopes }).grant;
  }

  /**
   * A user's live approvals of one app, oldest first (by CreatedDate, then by creation order). Seed rows carry no
   * client id and are matched by app label, as OauthToken.AppName shows them.
   */
  public approvalsOf(userId: string, clientId: string, appName: string): Grant[] {
    return this.state.grants
      .map((g, order) => ({ g, order }))
      .filter(
        ({ g }) => !g.revoked && g.userId === userId && (g.clientId ? g.clientId === clientId : g.appName === appName),
      )
      .sort((a, b) => a.g.createdDate.localeCompare(b.g.createdDate) || a.order - b.order)
      .map(({ g }) => g);
  }

  /** The approval's OauthToken.DeleteToken, made on first read for rows that have none (seed rows, older state files). */
  public deleteTokenOf(grant: Grant): string {
    if (!grant.deleteToken) {
      grant.deleteToken = newDeleteToken();
      this.touched();
    }
    return grant.deleteToken;
  }

  /** The live approval a DeleteToken names, or undefined. */
  public grantByDeleteToken(raw: string): Grant | undefined {
    return raw ? this.state.grants.find((g) => !g.revoked && g.deleteToken === raw) : undefined;
  }

  /** Finds the chain a refresh token belongs to, and whether the token is its current one or a rotated-out one. */
  public findRefreshToken(raw: string): { grant: Grant; current: boolean } | undefined {
    const hash = sha256(raw);
    for (const grant of this.state.grants) {
      if (grant.refreshHash === hash) return { grant, current: true };
      if (grant.retiredHashes.includes(hash)) return { grant, current: false };
    }
    return undefined;
  }

  /** Records a refresh; with rotation, retires the current token and returns its successor. */
  public useGrant(grant: Grant, rotate: boolean): string | undefined {
    grant.lastUsedDate = this.nowIso();
    grant.useCount++;
    let next: string | undefined;
    if (rotate) {
      next = newRefreshToken();
      if (grant.refreshHash) grant.retiredHashes.push(grant.refreshHash);
      grant.refreshHash = sha256(next);
    }
    this.changed();
    return next;
  }

  /** Revokes a chain: its refresh token and every access token issued from it. */
  public revokeGrant(grant: Grant): void {
    grant.revoked = true;
    grant.refreshHash = undefined;
    this.state.accessTokens = this.state.accessTokens.filter((t) => t.grantId !== grant.id);
    this.changed();
  }

  /** The OauthToken rows: chains that are still live, plus usage-only rows from the seed. */
  public liveGrants(): Grant[] {
    return this.state.grants.filter((g) => !g.revoked);
  }

  // ---- approvals -----------------------------------------------------------------------------------------------

  public hasApproved(userId: string, clientId: string): boolean {
    return this.state.approvals.includes(`${userId}:${clientId}`);
  }

  public approve(userId: string, clientId: string): void {
    if (this.hasApproved(userId, clientId)) return;
    this.state.approvals.push(`${userId}:${clientId}`);
    this.changed();
  }

  /**
   * Adds a live approval (an OauthToken row; `refreshHash` when it holds a refresh token) and revokes the user's
   * oldest approvals of the app beyond five, as Salesforce does.
   */
  private addApproval(fields: Pick<Grant, 'clientId' | 'appName' | 'userId' | 'scopes'> & { refreshHash?: string }): {
    grant: Grant;
    evicted: Grant[];
  } {
    const now = this.nowIso();
    const grant: Grant = {
      id: this.nextId(KeyPrefix.OauthToken),
      ...fields,
      createdDate: now,
      // The approval's own code exchange is its first use.
      lastUsedDate: now,
      useCount: 1,
      retiredHashes: [],
      chainIssuedDate: now,
      revoked: false,
      deleteToken: newDeleteToken(),
    };
    this.state.grants.push(grant);
    const evicted = this.approvalsOf(fields.userId, fields.clientId, fields.appName).slice(
      0,
      -APPROVALS_PER_USER_AND_APP,
    );
    for (const old of evicted) this.revokeGrant(old);
    this.changed();
    return { grant, evicted };
  }

  private pruneExpiredAccessTokens(now: number): void {
    this.state.accessTokens = this.state.accessTokens.filter((t) => t.expiresAt > now);
  }
}

/**
 * Refresh-token approvals Salesforce keeps per user and app; a sixth revokes the oldest (Salesforce Help, "Manage
 * OAuth Access for Your Connected Apps", as cited by Oracle's Salesforce adapter troubleshooting page).
 */
export const APPROVALS_PER_USER_AND_APP = 5;

/** Real DeleteToken values are undocumented opaque strings; this one only has to be unguessable and distinct. */
function newDeleteToken(): string {
  return `DT${randomAlnum(62)}`;
}

function newRefreshToken(): string {
  return `5Aep861${randomAlnum(80)}`;
}

/** `ns__Name` belongs to namespace `ns`. */
export function namespaceOf(fullName: string): string | null {
  const match = /^([A-Za-z][A-Za-z0-9]{0,14})__[A-Za-z]/.exec(fullName);
  return match ? match[1] : null;
}
