/*
 * A headless "browser" for the authorization endpoint: GET requests with a real cookie jar (tough-cookie), following
 * redirects by hand until one reaches the client's callback URL. Nothing listens at the callback: the code or the error
 * is read from the redirect's Location header. Stops at a page a person would have to act on (login, consent).
 */
import { CookieJar } from 'tough-cookie';
import { parseQuery, send, type Received } from './answer.js';
import type { HttpOptions } from './http.js';

export type AuthorizeRequest = {
  clientId: string;
  redirectUri: string;
  scope?: string;
  state?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
};

/** Where the authorize request ended: a code, an OAuth error, or a page a person would have to act on. */
export type AuthorizeOutcome =
  | { kind: 'code'; code: string; state?: string; status?: number }
  | { kind: 'error'; error: string; errorDescription: string; atCallback: boolean; state?: string; status?: number }
  | { kind: 'interaction'; page: 'login' | 'consent' | 'other'; status: number };

export const MAX_REDIRECTS = 10;

export function authorizeUrl(baseUrl: string, request: AuthorizeRequest, responseType = 'code'): string {
  const params = new URLSearchParams({
    response_type: responseType,
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
  });
  if (request.scope) params.set('scope', request.scope);
  if (request.state) params.set('state', request.state);
  if (request.codeChallenge) params.set('code_challenge', request.codeChallenge);
  if (request.codeChallengeMethod) params.set('code_challenge_method', request.codeChallengeMethod);
  return `${baseUrl.replace(/\/+$/, '')}/services/oauth2/authorize?${params.toString()}`;
}

/** Whether `url` is the registered callback (same origin and path; the query carries the answer). */
export function isCallback(url: URL, redirectUri: string): boolean {
  try {
    const cb = new URL(redirectUri);
    return url.protocol === cb.protocol && url.host === cb.host && url.pathname === cb.pathname;
  } catch {
    return url.toString().startsWith(redirectUri);
  }
}

/** Reads a code or an OAuth error from a redirect target; undefined when it is neither. */
export function readCallback(url: URL, redirectUri: string, status?: number): AuthorizeOutcome | undefined {
  const atCallback = isCallback(url, redirectUri);
  // The implicit and hybrid flows answer in the fragment; the code flow in the query. Read both.
  // A redirect to RemoteAccessErrorPage.apexp carries the error in its query just as the callback does.
  const params = parseQuery(url).fields as Record<string, string>;
  const error = params.error;
  const state = params.state;
  if (error)
    return { kind: 'error', error, errorDescription: params.error_description ?? '', atCallback, state, status };
  if (!atCallback) return undefined;
  const code = params.code;
  if (code) return { kind: 'code', code, state, status };
  return undefined;
}

export function classifyPage(body: string): 'login' | 'consent' | 'other' {
  return /consent|allow access/i.test(body) ? 'consent' : /log ?in|sign ?in|password/i.test(body) ? 'login' : 'other';
}

export class CookieBrowser {
  public constructor(
    public readonly jar: CookieJar = new CookieJar(),
    private readonly http: HttpOptions = {},
  ) {}

  /**
   * One GET, its answer read and classified (answer.ts). Transient trouble (429, 5xx, an outage page, a dropped
   * connection) is retried; when it persists a TransientAnswer is thrown, never a page to judge.
   */
  public async get(url: string, headers: Record<string, string> = {}): Promise<Received> {
    const cookie = await this.jar.getCookieString(url);
    const got = await send(url, { redirect: 'manual', headers: cookie ? { ...headers, cookie } : headers }, this.http, {
      idempotent: true,
    });
    for (const setCookie of got.headers.getSetCookie()) await this.jar.setCookie(setCookie, url, { ignoreError: true });
    return got;
  }

  /** Follows redirects from `url` until the callback (or an error) is reached. */
  public async follow(url: string, redirectUri: string): Promise<AuthorizeOutcome> {
    let current = url;
    for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
      const got = await this.get(current);
      const location = got.headers.get('location');
      if (got.status < 300 || got.status >= 400 || !location) {
        // A page that carries an OAuth error still counts as the server's answer: the error page's query, or the body
        // (HTTP 400 `error=invalid_client_id&…` for a client_id or redirect_uri it cannot trust, or an error page).
        const here = readCallback(new URL(current), redirectUri, got.status);
        if (here?.kind === 'error') return here;
        const { answer } = got;
        if (answer.kind === 'oauth-error')
          return {
            kind: 'error',
            error: answer.error,
            errorDescription: answer.errorDescription,
            atCallback: false,
            status: got.status,
          };
        return { kind: 'interaction', page: classifyPage(got.text), status: got.status };
      }
      const next = new URL(location, current);
      const outcome = readCallback(next, redirectUri, got.status);
      if (outcome) return outcome;
      current = next.toString();
    }
    return { kind: 'interaction', page: 'other', status: 310 };
  }

  public authorize(baseUrl: string, request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    return this.follow(authorizeUrl(baseUrl, request), request.redirectUri);
  }
}
