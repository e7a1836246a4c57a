/*
 * A small OAuth client that does everything Salesforce's PKCE and Refresh Token Rotation enforcement asks of it:
 *
 * - a fresh 43-character base64url code_verifier per login, its S256 challenge, and code_challenge_method=S256;
 * - the original verifier (not the hash) in the code exchange, with the secret only when the client is confidential;
 * - the rotated refresh token stored atomically after every refresh, before the new access token is used;
 * - one refresh at a time: single-flight in the process, a cross-process lock, and inside it a re-read of the store
 *   that adopts a token another process already rotated;
 * - `token request is already being processed` and 5xx answers retried with exponential backoff;
 * - any other `invalid_grant` on refresh is terminal: the user must log in again (ReauthenticationRequired);
 * - a 401 INVALID_SESSION_ID from the API triggers one refresh and one repeat of the call.
 *
 * It runs against Salesforce or the emulator alike: only `loginUrl` differs.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FileTokenStore, StoredTokens } from './token-store.js';
import type { Browser } from './headless-browser.js';

export type ClientConfig = {
  /** `https://login.salesforce.com`, your My Domain, or the emulator's URL (`http://127.0.0.1:6545`). */
  loginUrl: string;
  clientId: string;
  /** Only for a confidential client (a server-side app). A public client has none. */
  clientSecret?: string;
  redirectUri: string;
  scope?: string;
  store: FileTokenStore;
  /** Retries of busy and transient refresh errors, and the first backoff (doubled each time). */
  retries?: number;
  backoffMs?: number;
};

/** The refresh token was rejected: it expired, was revoked, or its chain was revoked. Log in again. */
export class ReauthenticationRequired extends Error {
  public constructor(description: string) {
    super(`Log in again: the refresh token was rejected (${description}).`);
    this.name = 'ReauthenticationRequired';
  }
}

type TokenAnswer = { status: number; body: Record<string, string> };

export const BUSY = 'token request is already being processed';
export const API_VERSION = 'v66.0';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function postToken(loginUrl: string, params: Record<string, string | undefined>): Promise<TokenAnswer> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) body.set(k, v);
  const res = await fetch(`${loginUrl}/services/oauth2/token`, { method: 'POST', body });
  const text = await res.text();
  let parsed: Record<string, string> = {};
  try {
    parsed = JSON.parse(text) as Record<string, string>;
  } catch {
    parsed = { error: 'unparsable_response' };
  }
  return { status: res.status, body: parsed };
}

export class WellBehavedClient {
  private readonly pending = new Map<string, string>();
  private inflight?: Promise<StoredTokens>;

  public constructor(private readonly config: ClientConfig) {}

  /** Step 1: where to send the browser. The verifier stays here, keyed by `state`. */
  public startLogin(): string {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const state = randomBytes(16).toString('hex');
    this.pending.set(state, verifier);
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: this.config.clientId,
      redirect_uri: this.config.redirectUri,
      scope: this.config.scope ?? 'api refresh_token',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return `${this.config.loginUrl}/services/oauth2/authorize?${query.toString()}`;
  }

  /** Step 2: the callback URL the browser came back to. Exchanges the code with the verifier of the same login. */
  public async finishLogin(callbackUrl: string): Promise<void> {
    const params = new URL(callbackUrl).searchParams;
    const state = params.get('state') ?? '';
    const verifier = this.pending.get(state);
    this.pending.delete(state);
    if (params.get('error'))
      throw new Error(`Login failed: ${params.get('error_description') ?? params.get('error') ?? ''}`);
    if (!verifier) throw new Error('Unknown login attempt (state).');
    const answer = await postToken(this.config.loginUrl, {
      grant_type: 'authorization_code',
      code: params.get('code') ?? '',
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
      redirect_uri: this.config.redirectUri,
      code_verifier: verifier,
    });
    if (answer.status !== 200)
      throw new Error(`Code exchange failed: ${answer.body.error_description ?? answer.status}`);
    await this.config.store.write({
      accessToken: answer.body.access_token,
      refreshToken: answer.body.refresh_token,
      instanceUrl: answer.body.instance_url,
    });
  }

  public async login(browser: Browser): Promise<void> {
    await this.finishLogin(await browser(this.startLogin()));
  }

  /** An API call; on 401 it refreshes once and repeats the call with the new access token. */
  public async query(soql: string): Promise<unknown> {
    const call = async (tokens: StoredTokens): Promise<Response> =>
      fetch(`${tokens.instanceUrl}/services/data/${API_VERSION}/query?q=${encodeURIComponent(soql)}`, {
        headers: { authorization: `Bearer ${tokens.accessToken}` },
      });
    const tokens = await this.tokens();
    let res = await call(tokens);
    if (res.status === 401) res = await call(await this.refresh(tokens.refreshToken));
    if (!res.ok) throw new Error(`Query failed with HTTP ${res.status}`);
    return res.json();
  }

  /** Refreshes the access token; concurrent callers in this process share one refresh. */
  public async refresh(startedWith?: string): Promise<StoredTokens> {
    const from = startedWith ?? (await this.tokens()).refreshToken;
    this.inflight ??= this.config.store
      .withLock(() => this.refreshLocked(from))
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async tokens(): Promise<StoredTokens> {
    const tokens = await this.config.store.read();
    if (!tokens) throw new ReauthenticationRequired('not logged in');
    return tokens;
  }

  private async refreshLocked(startedWith: string | undefined): Promise<StoredTokens> {
    const retries = this.config.retries ?? 5;
    const backoffMs = this.config.backoffMs ?? 200;
    for (let attempt = 0; ; attempt++) {
      // Re-read inside the lock: another process may have rotated the token while we waited.
      const stored = await this.tokens();
      if (stored.refreshToken !== startedWith && attempt === 0) return stored;
      if (!stored.refreshToken) throw new ReauthenticationRequired('no refresh token');
      const answer = await postToken(this.config.loginUrl, {
        grant_type: 'refresh_token',
        refresh_token: stored.refreshToken,
        client_id: this.config.clientId,
        client_secret: this.config.clientSecret,
      }).catch((): TokenAnswer => ({ status: 599, body: { error: 'network_error' } }));
      if (answer.status === 200) {
        // Store the rotated token (when there is one) before anyone uses the new access token.
        const next: StoredTokens = {
          accessToken: answer.body.access_token,
          refreshToken: answer.body.refresh_token ?? stored.refreshToken,
          instanceUrl: answer.body.instance_url ?? stored.instanceUrl,
        };
        await this.config.store.write(next);
        return next;
      }
      const retryable = answer.status >= 500 || answer.status === 429 || answer.body.error_description === BUSY;
      if (retryable && attempt < retries) {
        await sleep(backoffMs * 2 ** attempt * (1 + Math.random() / 2));
        continue;
      }
      if (answer.body.error === 'invalid_grant')
        throw new ReauthenticationRequired(answer.body.error_description ?? 'invalid_grant');
      throw new Error(`Refresh failed: HTTP ${answer.status} ${answer.body.error_description ?? ''}`);
    }
  }
}
