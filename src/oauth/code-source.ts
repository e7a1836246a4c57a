/*
 * Where authorization codes come from. Every strategy answers one authorize request with a code, an OAuth error, or a
 * page a person would have to act on:
 * - frontdoor (default): the target org's session becomes a browser session (singleaccess or frontdoor.jsp), then a
 *   cookie jar follows the redirects to the callback. The org's access token only ever goes to the org's own origin.
 * - redirect: the same cookie jar without a session, for a --login-url on another origin (a server that signs in
 *   without a page, such as a test peer); the org's token is never sent there.
 * - browser: a local server on the app's loopback callback and the system browser (a person signs in); `state` checked.
 * - code-credentials: the Experience Cloud headless flow, POST authorize with the user's credentials (--site-url).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  CookieBrowser,
  authorizeUrl,
  isCallback,
  readCallback,
  type AuthorizeOutcome,
  type AuthorizeRequest,
} from './browser.js';
import { CallbackServer, isLoopbackCallback } from './callback-server.js';
import { FrontdoorSession } from './frontdoor.js';
import { send } from './answer.js';
import { TransportError, type HttpOptions } from './http.js';
import type { Secret } from './secret.js';

export type CodeSourceName = 'frontdoor' | 'redirect' | 'browser' | 'code-credentials';

export type CodeSource = {
  readonly name: CodeSourceName;
  /** Answers one authorize request. `request.state` is set by the caller or here. */
  authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome>;
  close(): Promise<void>;
};

export class CodeSourceError extends Error {
  public constructor(
    message: string,
    public readonly reason: 'session' | 'callback' | 'browser' | 'credentials',
  ) {
    super(message);
    this.name = 'CodeSourceError';
  }
}

export const newState = (): string => randomBytes(12).toString('base64url');

/** frontdoor: one browser session per run, opened on first use from the org's current access token. */
export function frontdoorSource(
  instanceUrl: string,
  accessToken: () => Promise<string> | string,
  http: HttpOptions = {},
): CodeSource {
  let session: Promise<FrontdoorSession> | undefined;
  const open = async (): Promise<FrontdoorSession> => {
    const opened = await FrontdoorSession.open(instanceUrl, await accessToken(), http);
    if (!opened.signedIn) {
      throw new CodeSourceError(
        `The org's session could not be turned into a browser session at ${opened.baseUrl}/secur/frontdoor.jsp.`,
        'session',
      );
    }
    return opened;
  };
  return {
    name: 'frontdoor',
    async authorize(request): Promise<AuthorizeOutcome> {
      session ??= open();
      try {
        return await (await session).authorize(request);
      } catch (e) {
        // A session that could not be opened (refused, or an outage that outlasted the retries) is opened afresh next
        // time: a transient failure must not stick to the rest of the run.
        if (e instanceof CodeSourceError || e instanceof TransportError) session = undefined;
        throw e;
      }
    },
    close: () => Promise.resolve(),
  };
}

/**
 * redirect: follows redirects with a fresh cookie jar for every request, no session: concurrent requests never share
 * (and race on) one server-side session.
 */
export function redirectSource(loginUrl: string, http: HttpOptions = {}): CodeSource {
  return {
    name: 'redirect',
    authorize: (request) => new CookieBrowser(undefined, http).authorize(loginUrl, request),
    close: () => Promise.resolve(),
  };
}

export type Opener = (url: string) => Promise<void>;

/** Opens a URL in the system browser (open / xdg-open / start). Rejects when no opener could be started. */
export const systemOpener: Opener = (url) =>
  new Promise((resolve, reject) => {
    const [cmd, args] =
      process.platform === 'darwin'
        ? ['open', [url]]
        : process.platform === 'win32'
          ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
          : ['xdg-open', [url]];
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });

export type BrowserSourceOptions = {
  loginUrl: string;
  timeoutMs: number;
  opener?: Opener;
  /** Told the URL when the opener failed, so that a person can open it by hand. */
  onOpenFailed?: (url: string) => void;
  signal?: AbortSignal;
};

/**
 * One GET of the authorize URL without a session. Salesforce refuses an unknown client_id or an unregistered
 * redirect_uri before any login, in the body (HTTP 400, form-encoded) or on RemoteAccessErrorPage.apexp, and never at
 * the callback: the local server would wait in vain while the person reads the error. Undefined when the request
 * would go on to the login page (or the check itself could not be made: the browser then shows what is wrong).
 */
export async function untrustedAuthorizeError(
  url: string,
  redirectUri: string,
  http: HttpOptions,
): Promise<AuthorizeOutcome | undefined> {
  try {
    const got = await new CookieBrowser(undefined, http).get(url);
    const location = got.headers.get('location');
    if (location) {
      const outcome = readCallback(new URL(location, url), redirectUri, got.status);
      return outcome?.kind === 'error' && !outcome.atCallback ? outcome : undefined;
    }
    const { answer } = got;
    return answer.kind === 'oauth-error'
      ? {
          kind: 'error',
          error: answer.error,
          errorDescription: answer.errorDescription,
          atCallback: false,
          status: got.status,
        }
      : undefined;
  } catch {
    return undefined;
  }
}

/** browser: the system browser and a local callback server per loopback port. */
export function browserSource(options: BrowserSourceOptions): CodeSource {
  const servers = new Map<number, Promise<CallbackServer>>();
  const opener = options.opener ?? systemOpener;
  return {
    name: 'browser',
    async authorize(request): Promise<AuthorizeOutcome> {
      if (!isLoopbackCallback(request.redirectUri)) {
        throw new CodeSourceError(
          `--browser needs a callback on this computer (http://localhost:PORT/...); ${request.redirectUri} is not one.`,
          'callback',
        );
      }
      const refused = await untrustedAuthorizeError(authorizeUrl(options.loginUrl, request), request.redirectUri, {
        timeoutMs: options.timeoutMs,
        signal: options.signal,
      });
      if (refused) return refused;
      const url = new URL(request.redirectUri);
      const port = Number(url.port);
      let server = servers.get(port);
      if (!server) {
        server = CallbackServer.listen(request.redirectUri);
        servers.set(port, server);
      }
      let listening: CallbackServer;
      try {
        listening = await server;
      } catch (e) {
        servers.delete(port);
        throw new CodeSourceError(`Cannot listen on ${url.host} for the callback: ${(e as Error).message}`, 'callback');
      }
      const state = request.state ?? newState();
      const waiting = listening.wait(state, request.redirectUri, options.timeoutMs, options.signal);
      const target = authorizeUrl(options.loginUrl, { ...request, state });
      try {
        await opener(target);
      } catch {
        options.onOpenFailed?.(target);
      }
      try {
        return await waiting;
      } catch (e) {
        throw new CodeSourceError((e as Error).message, 'browser');
      }
    },
    async close(): Promise<void> {
      const all = [...servers.values()];
      servers.clear();
      await Promise.all(all.map(async (s) => (await s.catch(() => undefined))?.close()));
    },
  };
}

export type SiteCredentials = { username: string; password: Secret };

/**
 * code-credentials: POST {siteUrl}/services/oauth2/authorize with `Auth-Request-Type: Named-User` and HTTP Basic
 * credentials; the 302 Location carries the code (or the error).
 */
export function codeCredentialsSource(
  siteUrl: string,
  credentials: SiteCredentials,
  http: HttpOptions = {},
): CodeSource {
  const base = siteUrl.replace(/\/+$/, '');
  return {
    name: 'code-credentials',
    async authorize(request): Promise<AuthorizeOutcome> {
      const endpoint = `${base}/services/oauth2/authorize`;
      const params = new URL(authorizeUrl(base, request, 'code_credentials')).searchParams;
      const basic = Buffer.from(`${credentials.username}:${credentials.password.reveal()}`, 'utf8').toString('base64');
      // Issues a code: sent again only when the server says it did not process it (answer.ts).
      const res = await send(
        endpoint,
        {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'auth-request-type': 'Named-User',
            authorization: `Basic ${basic}`,
          },
          body: params,
        },
        http,
        { idempotent: false },
      );
      const location = res.headers.get('location');
      if (location) {
        const next = new URL(location, endpoint);
        const outcome = readCallback(next, request.redirectUri, res.status);
        if (outcome) return outcome;
        if (isCallback(next, request.redirectUri)) return { kind: 'interaction', page: 'other', status: res.status };
      }
      // The echo callback may answer with the parameters as JSON; errors come in any encoding.
      const { answer } = res;
      if (answer.kind === 'oauth-error')
        return {
          kind: 'error',
          error: answer.error,
          errorDescription: answer.errorDescription,
          atCallback: false,
          status: res.status,
        };
      if (answer.kind === 'success' && typeof answer.fields.code === 'string') {
        const state = answer.fields.state;
        return {
          kind: 'code',
          code: answer.fields.code,
          state: typeof state === 'string' ? state : undefined,
          status: res.status,
        };
      }
      return { kind: 'interaction', page: 'login', status: res.status };
    },
    close: () => Promise.resolve(),
  };
}
