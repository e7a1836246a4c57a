/*
 * Gets an authorization code without a person, as `sf org open` gets a browser session: the user's access token becomes
 * a session cookie through /secur/frontdoor.jsp (or the one-time URL from POST /services/oauth2/singleaccess that newer
 * orgs use), and /services/oauth2/authorize then redirects to the app's callback with a code for apps the user is
 * pre-authorized for or already approved. Nothing listens at the callback: the code is read from the redirect's Location
 * header. The access token is only ever sent to the org's own instance URL.
 */
import { CookieJar } from 'tough-cookie';
import { CookieBrowser, type AuthorizeOutcome, type AuthorizeRequest } from './browser.js';
import { send } from './answer.js';
import type { HttpOptions } from './http.js';

export type { AuthorizeOutcome, AuthorizeRequest } from './browser.js';

export type FrontdoorMethod = 'singleaccess' | 'frontdoor';

export type FrontdoorOptions = HttpOptions & {
  /** Try POST /services/oauth2/singleaccess first (default true); falls back to frontdoor.jsp?sid=. */
  singleAccess?: boolean;
};

export class FrontdoorSession {
  private constructor(
    public readonly baseUrl: string,
    private readonly browser: CookieBrowser,
    /** How the session was opened. */
    public readonly method: FrontdoorMethod,
    /** False when the server sent the browser to its login page instead of starting a session. */
    public readonly signedIn: boolean,
  ) {}

  /** Opens a browser session for the access token's user. */
  public static async open(
    instanceUrl: string,
    accessToken: string,
    options: FrontdoorOptions = {},
  ): Promise<FrontdoorSession> {
    const baseUrl = instanceUrl.replace(/\/+$/, '');
    const browser = new CookieBrowser(new CookieJar(), options);
    if (options.singleAccess ?? true) {
      const url = await singleAccessUrl(baseUrl, accessToken, options);
      if (url) {
        const signedIn = await land(browser, url);
        if (signedIn) return new FrontdoorSession(baseUrl, browser, 'singleaccess', true);
      }
    }
    const url = `${baseUrl}/secur/frontdoor.jsp?sid=${encodeURIComponent(accessToken)}&retURL=${encodeURIComponent('/')}`;
    const signedIn = await land(browser, url);
    return new FrontdoorSession(baseUrl, browser, 'frontdoor', signedIn);
  }

  public authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    return this.browser.authorize(this.baseUrl, request);
  }
}

/** The one-time frontdoor URL of POST /services/oauth2/singleaccess, when the org offers it on its own origin. */
async function singleAccessUrl(
  baseUrl: string,
  accessToken: string,
  options: HttpOptions,
): Promise<string | undefined> {
  const endpoint = `${baseUrl}/services/oauth2/singleaccess`;
  try {
    // Asking twice only mints another one-time URL: safe to retry.
    const { answer } = await send(
      endpoint,
      { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
      options,
      { idempotent: true },
    );
    if (answer.kind !== 'success') return undefined;
    const uri = answer.fields.frontdoor_uri;
    if (typeof uri !== 'string') return undefined;
    // Cookies must land on the origin the authorize requests go to.
    return new URL(uri).origin === new URL(baseUrl).origin ? uri : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Visits a frontdoor URL; true when it started a session (a redirect that does not lead to the login page). A 503 page
 * is retried by the browser and, when it persists, thrown as a TransientAnswer: an outage is not a dead session.
 */
async function land(browser: CookieBrowser, url: string): Promise<boolean> {
  const res = await browser.get(url);
  const location = res.headers.get('location') ?? '';
  if (res.status < 300 || res.status >= 400) return res.status === 200 && res.headers.getSetCookie().length > 0;
  return !/[?&](ec=30[12]|startURL=)/i.test(location) && !/\/login/i.test(location);
}
