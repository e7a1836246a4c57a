/*
 * A headless "browser" for the authorization endpoint: GET requests with a real cookie jar (tough-cookie), following
 * redirects by hand until one reaches the client's callback URL. Nothing listens at the callback: the code or the error
 * is read from the redirect's Location header. Stops at a page a person would have to act on (login, consent).
 */
import { CookieJar } from 'tough-cookie';
import { httpRequest, type HttpOptions } from './http.js';

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
  const params = new URLSearchParams({ response_type: responseType, client_id: request.clientId, redirect_uri: request.redirectUri });
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
  const params = new URLSearchParams(url.search);
  if (url.hash.length > 1) for (const [k, v] of new URLSearchParams(url.hash.slice(1))) if (!params.has(k)) params.set(k, v);
  const error = params.get('error');
  const state = params.get('state') ?? undefined;
  if (error) return { kind: 'error', error, errorDescription: params.get('error_description') ?? '', atCallback, state, status };
  if (!atCallback) return undefined;
  const code = params.get('code');
  if (code) return { kind: 'code', code, state, status };
  return undefined;
}

export function classifyPage(body: string): 'login' | 'consent' | 'other' {
  return /consent|allow access/i.test(body) ? 'consent' : /log ?in|sign ?in|password/i.test(body) ? 'login' : 'other';
}

export class CookieBrowser {
  public constructor(public readonly jar: CookieJar = new CookieJar(), private readonly http: HttpOptions = {}) {}

  public async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    const cookie = await this.jar.getCookieString(url);
    const res = await httpRequest(url, { redirect: 'manual', headers: cookie ? { ...headers, cookie } : headers }, this.http);
    for (const setCookie of res.headers.getSetCookie()) await this.jar.setCookie(setCookie, url, { ignoreError: true });
    return res;
  }

  /** Follows redirects from `url` until the callback (or an error) is reached. */
  public async follow(url: string, redirectUri: string): Promise<AuthorizeOutcome> {
    let current = url;
    for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
      const res = await this.get(current);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) {
        const body = await res.text().catch(() => '');
        // A page that carries an OAuth error (an error page of the server) still counts as the server's answer.
        const here = readCallback(new URL(current), redirectUri, res.status);
        if (here?.kind === 'error') return here;
        return { kind: 'interaction', page: classifyPage(body), status: res.status };
      }
      await res.arrayBuffer().catch(() => undefined);
      const next = new URL(location, current);
      const outcome = readCallback(next, redirectUri, res.status);
      if (outcome) return outcome;
      current = next.toString();
    }
    return { kind: 'interaction', page: 'other', status: 310 };
  }

  public authorize(baseUrl: string, request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    return this.follow(authorizeUrl(baseUrl, request), request.redirectUri);
  }
}
