/*
 * Every token a run creates, so that the run can revoke them all at the end: after each app, after a failure, and on
 * Ctrl-C. Tokens are held in private fields and never serialize; `secrets()` hands them to the output scrubber.
 */
import type { ClientCredentials, TokenSuccess } from '../oauth/token-client.js';
import { revokeToken } from '../oauth/token-client.js';
import type { HttpOptions } from '../oauth/http.js';
import type { Secret } from '../oauth/secret.js';
import type { CleanupSummary } from './model.js';

type Entry = {
  app: string;
  type: 'refresh_token' | 'access_token';
  loginUrl: string;
  clientId: string;
  state: 'live' | 'revoked' | 'not-active' | 'failed';
  /** A refresh token from a code exchange: a new approval (an OauthToken row) until it is revoked. */
  approval?: boolean;
};

export class TokenLedger {
  readonly #tokens = new Map<Entry, string>();
  readonly #secrets = new Map<Entry, Secret | undefined>();
  readonly #entries: Entry[] = [];
  readonly #other = new Set<string>();

  public constructor(private readonly http: HttpOptions = {}) {}

  /** Records the tokens of a successful token response; `approval`: it answered a code exchange (a new approval). */
  public record(
    app: string,
    loginUrl: string,
    client: { clientId: string; secret?: Secret },
    tokens: TokenSuccess,
    approval = false,
  ): void {
    const add = (type: Entry['type'], token: string | undefined): void => {
      if (!token) return;
      const entry: Entry = {
        app,
        type,
        loginUrl,
        clientId: client.clientId,
        state: 'live',
        ...(approval && type === 'refresh_token' ? { approval } : {}),
      };
      this.#entries.push(entry);
      this.#tokens.set(entry, token);
      this.#secrets.set(entry, client.secret);
    };
    add('refresh_token', tokens.refreshToken);
    add('access_token', tokens.accessToken);
  }

  /** Other values that must never reach output (codes, verifiers, secrets). */
  public remember(value: string | undefined): void {
    if (value) this.#other.add(value);
  }

  public secrets(): string[] {
    return [...this.#tokens.values(), ...this.#other];
  }

  public live(app?: string): number {
    return this.#entries.filter((e) => e.state === 'live' && (!app || e.app === app)).length;
  }

  /** Approvals of `app` this run created and has not revoked (a failed revoke counts: the approval may be live). */
  public approvalsHeld(app: string): number {
    return this.#entries.filter((e) => e.approval && e.app === app && (e.state === 'live' || e.state === 'failed'))
      .length;
  }

  /**
   * Revokes every live token (of one app, or all): refresh tokens first, since revoking one takes its chain's access
   * tokens along; a token the server no longer knows counts as not active, in whatever encoding the server says so
   * (Salesforce: form-encoded `error=unsupported_token_type`). Transient trouble is retried with backoff (answer.ts);
   * a token still unrevoked after that counts as failed.
   */
  public async revokeAll(app?: string): Promise<CleanupSummary> {
    const pending = this.#entries.filter((e) => e.state === 'live' && (!app || e.app === app));
    pending.sort((a, b) => (a.type === b.type ? 0 : a.type === 'refresh_token' ? -1 : 1));
    for (const entry of pending) {
      entry.state = await this.revokeOne(entry);
    }
    return this.summary(app);
  }

  public summary(app?: string): CleanupSummary {
    const mine = this.#entries.filter((e) => !app || e.app === app);
    return {
      revoked: mine.filter((e) => e.state === 'revoked').length,
      notActive: mine.filter((e) => e.state === 'not-active').length,
      failed: mine.filter((e) => e.state === 'failed' || e.state === 'live').length,
    };
  }

  public toJSON(): CleanupSummary {
    return this.summary();
  }

  private async revokeOne(entry: Entry): Promise<Entry['state']> {
    const token = this.#tokens.get(entry) ?? '';
    const secret = this.#secrets.get(entry);
    const client: ClientCredentials & { tokenTypeHint: Entry['type'] } = {
      clientId: entry.clientId,
      clientSecret: secret?.reveal(),
      tokenTypeHint: entry.type,
    };
    try {
      // A fresh timeout, never the run's abort signal: cleanup must happen after Ctrl-C too.
      const outcome = await revokeToken(entry.loginUrl, token, client, {
        timeoutMs: this.http.timeoutMs,
        retry: this.http.retry,
      });
      return outcome.outcome;
    } catch {
      // transient trouble that outlasted the retries, or no connection: the token may still be live
      return 'failed';
    }
  }
}

/** Replaces every known secret value in a JSON-able value (a last line of defence before output and storage). */
export function scrub<T>(value: T, secrets: string[]): T {
  const known = secrets.filter((s) => s.length >= 8);
  if (!known.length) return value;
  const text = JSON.stringify(value);
  let cleaned = text;
  for (const s of known) cleaned = cleaned.split(s).join('[redacted]');
  return cleaned === text ? value : (JSON.parse(cleaned) as T);
}
