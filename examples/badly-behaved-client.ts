/*
 * A client with the mistakes integrations really make, one switch each, so that the conformance report can be shown
 * to name each of them. Without flaws it is a plain, lock-free client: it works alone, but two copies of it refresh
 * the same token at once, and it gives up on the first error of any kind.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Browser } from './headless-browser.js';
import type { FileTokenStore, StoredTokens } from './token-store.js';
import { API_VERSION, BUSY, postToken } from './well-behaved-client.js';

export type Flaw =
  /** Authorize without code_challenge. */
  | 'no-challenge'
  /** code_challenge_method=plain, the verifier itself as the challenge. */
  | 'plain-method'
  /** No code_challenge_method (jsforce and the sf CLI do this; RFC 7636 then means plain, Salesforce S256). */
  | 'omit-method'
  /** A 20-character verifier. */
  | 'short-verifier'
  /** A 171-character verifier, as jsforce and the sf CLI send (longer than RFC 7636's 128; Salesforce accepts it). */
  | 'long-verifier'
  /** A verifier with '~': RFC 7636 allows it, Salesforce rejects it. */
  | 'tilde-verifier'
  /** The challenge (the hash) sent as code_verifier. */
  | 'hash-as-verifier'
  /** A public client that sends the consumer secret anyway. */
  | 'secret-from-public'
  /** A confidential client that forgets its secret. */
  | 'no-secret'
  /** Ignores the refresh_token of refresh responses and keeps the first one. */
  | 'drop-rotated-token'
  /** Retries a rejected refresh token, over and over. */
  | 'retry-invalid-grant'
  /** Retries busy and transient errors at once, without backoff. */
  | 'no-backoff'
  /** Resends the expired access token after a 401 instead of refreshing. */
  | 'resend-expired-token';

export type BadClientConfig = {
  loginUrl: string;
  clientId: string;
  clientSecret?: string;
  /** Whether the app is confidential; a public app's secret is sent only with the `secret-from-public` flaw. */
  confidential: boolean;
  redirectUri: string;
  store: FileTokenStore;
  flaws?: Flaw[];
};

export class BadlyBehavedClient {
  private readonly flaws: Set<Flaw>;
  private verifier = '';

  public constructor(private readonly config: BadClientConfig) {
    this.flaws = new Set(config.flaws ?? []);
  }

  public async login(browser: Browser): Promise<void> {
    this.verifier = this.flaws.has('short-verifier')
      ? randomBytes(15).toString('base64url')
      : this.flaws.has('long-verifier')
        ? randomBytes(128).toString('base64url')
        : this.flaws.has('tilde-verifier')
          ? `${randomBytes(32).toString('base64url')}~`
          : randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(this.verifier).digest('base64url');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: this.config.clientId,
      redirect_uri: this.config.redirectUri,
      scope: 'api refresh_token',
    });
    if (this.flaws.has('plain-method')) {
      query.set('code_challenge', this.verifier);
      query.set('code_challenge_method', 'plain');
    } else if (!this.flaws.has('no-challenge')) {
      query.set('code_challenge', challenge);
      if (!this.flaws.has('omit-method')) query.set('code_challenge_method', 'S256');
    }
    const callback = new URL(await browser(`${this.config.loginUrl}/services/oauth2/authorize?${query.toString()}`));
    if (callback.searchParams.get('error'))
      throw new Error(`Login failed: ${callback.searchParams.get('error_description') ?? ''}`);
    const answer = await postToken(this.config.loginUrl, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      client_id: this.config.clientId,
      client_secret: this.secret(),
      redirect_uri: this.config.redirectUri,
      code_verifier: this.flaws.has('no-challenge')
        ? undefined
        : this.flaws.has('hash-as-verifier')
          ? challenge
          : this.verifier,
    });
    if (answer.status !== 200)
      throw new Error(`Code exchange failed: ${answer.body.error_description ?? answer.status}`);
    await this.config.store.write({
      accessToken: answer.body.access_token,
      refreshToken: answer.body.refresh_token,
      instanceUrl: answer.body.instance_url,
    });
  }

  public async query(soql: string): Promise<unknown> {
    const tokens = await this.tokens();
    const call = (accessToken: string): Promise<Response> =>
      fetch(`${tokens.instanceUrl}/services/data/${API_VERSION}/query?q=${encodeURIComponent(soql)}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
    let res = await call(tokens.accessToken);
    if (res.status === 401) {
      if (this.flaws.has('resend-expired-token')) {
        for (let i = 0; i < 3 && res.status === 401; i++) res = await call(tokens.accessToken);
      } else {
        res = await call((await this.refresh()).accessToken);
      }
    }
    if (!res.ok) throw new Error(`Query failed with HTTP ${res.status}`);
    return res.json();
  }

  /** Reads the token, refreshes it, writes the answer back: no lock, no re-read. */
  public async refresh(): Promise<StoredTokens> {
    const stored = await this.tokens();
    for (let attempt = 0; ; attempt++) {
      const answer = await postToken(this.config.loginUrl, {
        grant_type: 'refresh_token',
        refresh_token: stored.refreshToken,
        client_id: this.config.clientId,
        client_secret: this.flaws.has('secret-from-public')
          ? this.config.clientSecret
          : this.config.confidential
            ? this.config.clientSecret
            : undefined,
      });
      if (answer.status === 200) {
        const next: StoredTokens = {
          accessToken: answer.body.access_token,
          refreshToken: this.flaws.has('drop-rotated-token')
            ? stored.refreshToken
            : (answer.body.refresh_token ?? stored.refreshToken),
          instanceUrl: stored.instanceUrl,
        };
        await this.config.store.write(next);
        return next;
      }
      const transient = answer.status >= 500 || answer.body.error_description === BUSY;
      if (transient && this.flaws.has('no-backoff') && attempt < 5) continue;
      if (!transient && answer.body.error === 'invalid_grant' && this.flaws.has('retry-invalid-grant') && attempt < 5)
        continue;
      throw new Error(`Refresh failed: ${answer.body.error_description ?? answer.status}`);
    }
  }

  private secret(): string | undefined {
    if (this.flaws.has('no-secret')) return undefined;
    if (this.flaws.has('secret-from-public')) return this.config.clientSecret;
    return this.config.confidential ? this.config.clientSecret : undefined;
  }

  private async tokens(): Promise<StoredTokens> {
    const tokens = await this.config.store.read();
    if (!tokens) throw new Error('not logged in');
    return tokens;
  }
}
