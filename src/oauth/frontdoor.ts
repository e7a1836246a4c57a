/*
 * Gets an authorization code without a person, as `sf org open` gets a browser session: the user's access token becomes a
 * session cookie through /secur/frontdoor.jsp, and /services/oauth2/authorize then redirects to the app's callback with
 * a code for apps the user is pre-authorized for or already approved. Nothing listens at the callback: the code is read
 * from the redirect's Location header. Cookies live in a real cookie jar (tough-cookie).
 */
import { CookieJar } from 'tough-cookie';

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
  | { kind: 'code'; code: string; state?: string }
  | { kind: 'error'; error: string; errorDescription: string; atCallback: boolean }
  | { kind: 'interaction'; page: 'login' | 'consent' | 'other'; status: number };

const MAX_REDIRECTS = 10;

export class FrontdoorSession {
  private constructor(private readonly baseUrl: string, private readonly jar: CookieJar) {}

  /** Opens a browser session for the access token's user. */
  public static async open(instanceUrl: string, accessToken: string): Promise<FrontdoorSession> {
    const session = new FrontdoorSession(instanceUrl.replace(/\/$/, ''), new CookieJar());
    const url = `${session.baseUrl}/secur/frontdoor.jsp?sid=${encodeURIComponent(accessToken)}&retURL=${encodeURIComponent('/')}`;
    await session.get(url);
    return session;
  }

  public async authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    const params = new URLSearchParams({ response_type: 'code', client_id: request.clientId, redirect_uri: request.redirectUri });
    if (request.scope) params.set('scope', request.scope);
    if (request.state) params.set('state', request.state);
    if (request.codeChallenge) params.set('code_challenge', request.codeChallenge);
    if (request.codeChallengeMethod) params.set('code_challenge_method', request.codeChallengeMethod);
    let url = `${this.baseUrl}/services/oauth2/authorize?${params.toString()}`;
    for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
      const res = await this.get(url);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) {
        const body = res.status === 200 ? await res.text() : '';
        return { kind: 'interaction', page: /consent/i.test(body) ? 'consent' : /login/i.test(body) ? 'login' : 'other', status: res.status };
      }
      const next = new URL(location, url);
      const outcome = readCallback(next, request.redirectUri);
      if (outcome) return outcome;
      url = next.toString();
    }
    return { kind: 'interaction', page: 'other', status: 310 };
  }

  private async get(url: string): Promise<Response> {
    const cookie = await this.jar.getCookieString(url);
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const setCookie of res.headers.getSetCookie()) await this.jar.setCookie(setCookie, url, { ignoreError: true });
    if (res.status >= 300 && res.status < 400) await res.arrayBuffer();
    return res;
  }
}

function readCallback(url: URL, redirectUri: string): AuthorizeOutcome | undefined {
  const atCallback = url.toString().startsWith(redirectUri);
  const params = url.searchParams;
  const error = params.get('error');
  if (error) return { kind: 'error', error, errorDescription: params.get('error_description') ?? '', atCallback };
  if (!atCallback) return undefined;
  const code = params.get('code');
  if (code) return { kind: 'code', code, state: params.get('state') ?? undefined };
  return undefined;
}
