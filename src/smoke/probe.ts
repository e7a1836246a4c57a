/*
 * What the checks do on the wire, for one app: authorize (through the run's code source, with a fresh state that must
 * come back), exchange a code, refresh. Tokens go to the ledger the moment they exist; what the checks see is evidence.
 * An answer that is not an OAuth answer (a body that is not an OAuth error) throws ServerProblem, and transient trouble
 * (429, 5xx, outage pages) that outlasts the retries throws a TransientAnswer (oauth/answer.ts): neither says anything
 * about PKCE or rotation, so the check becomes an error (could not run) rather than a pass or a fail.
 */
import type { AuthorizeOutcome, AuthorizeRequest } from '../oauth/browser.js';
import type { ClientConfig } from '../oauth/client-config.js';
import { newState, type CodeSource } from '../oauth/code-source.js';
import type { HttpOptions } from '../oauth/http.js';
import type { Secret } from '../oauth/secret.js';
import { exchangeCode, INVALID_RESPONSE, refresh, type TokenResult, type TokenSuccess } from '../oauth/token-client.js';
import type { TokenLedger } from './ledger.js';
import type { Evidence } from './model.js';

export class ServerProblem extends Error {
  public constructor(
    message: string,
    public readonly evidence: Evidence,
  ) {
    super(message);
    this.name = 'ServerProblem';
  }
}

/** The app cannot be authorized at all (login or consent page, app access error): no check can run. */
export class AuthorizeBlocked extends Error {
  public constructor(
    message: string,
    public readonly evidence: Evidence,
    public readonly action: string,
  ) {
    super(message);
    this.name = 'AuthorizeBlocked';
  }
}

export type ProbeContext = {
  config: ClientConfig;
  secret?: Secret;
  source: CodeSource;
  ledger: TokenLedger;
  http: HttpOptions;
  /**
   * Told each successful code exchange once its tokens are in the ledger; throws to stop the run (a token of another
   * user than the one whose approvals were counted: signed-in-user.ts).
   */
  afterExchange?: (app: string, tokens: TokenSuccess) => Promise<void>;
};

export function tokenEvidence(result: TokenResult): Evidence {
  return result.ok
    ? { at: 'token', status: result.status }
    : { at: 'token', status: result.status, error: result.error, error_description: result.errorDescription };
}

export function authorizeEvidence(outcome: AuthorizeOutcome): Evidence {
  if (outcome.kind === 'error')
    return {
      at: 'authorize',
      status: outcome.status,
      error: outcome.error,
      error_description: outcome.errorDescription,
    };
  if (outcome.kind === 'code') return { at: 'authorize', status: outcome.status };
  return {
    at: 'authorize',
    status: outcome.status,
    error: `${outcome.page}_page`,
    error_description: `the server showed a ${outcome.page} page`,
  };
}

export const describe = (e: Evidence): string =>
  e.error
    ? `${e.error}${e.error_description ? ` (${e.error_description})` : ''}`
    : e.status
      ? `HTTP ${e.status}`
      : 'no answer';

function assertOAuthAnswer(result: TokenResult, what: string): TokenResult {
  if (!result.ok && (result.status >= 500 || result.error === INVALID_RESPONSE)) {
    throw new ServerProblem(
      `The token endpoint did not give an OAuth answer to ${what}: HTTP ${result.status}${result.errorDescription ? ` (${result.errorDescription})` : ''}.`,
      tokenEvidence(result),
    );
  }
  return result;
}

export type Authorized = { outcome: AuthorizeOutcome; request: AuthorizeRequest };

/** One authorize request; a code whose state does not match is refused (RFC 6749 §10.12). */
export async function authorize(
  ctx: ProbeContext,
  pkce: { challenge?: string; method?: string },
  scope?: string,
): Promise<AuthorizeOutcome> {
  const state = newState();
  const request: AuthorizeRequest = {
    clientId: ctx.config.clientId,
    redirectUri: ctx.config.redirectUri,
    state,
    scope,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: pkce.method,
  };
  const outcome = await ctx.source.authorize(request);
  if (outcome.kind === 'code') {
    ctx.ledger.remember(outcome.code);
    if (outcome.state !== state) {
      throw new ServerProblem(
        'The authorization response carried another state than the request: the code was not used.',
        {
          at: 'authorize',
          status: outcome.status,
          error: 'state_mismatch',
          error_description: 'the state parameter did not come back unchanged',
        },
      );
    }
  }
  return outcome;
}

/** What to do when the app cannot be authorized. */
export function blockedAction(outcome: AuthorizeOutcome, ctx: ProbeContext): AuthorizeBlocked {
  const evidence = authorizeEvidence(outcome);
  if (outcome.kind === 'interaction' && outcome.page === 'consent') {
    return new AuthorizeBlocked(
      `${ctx.config.app} asks the user for consent: no code without a person.`,
      evidence,
      'Approve the app once (run with --browser and allow access), or pre-authorize it for your profile or a permission set (admin-approved users), then run again.',
    );
  }
  if (outcome.kind === 'interaction') {
    return new AuthorizeBlocked(
      `The authorization request for ${ctx.config.app} stopped at a ${outcome.page} page.`,
      evidence,
      ctx.source.name === 'frontdoor'
        ? 'Log in to the org again (sf org login web) so that its session can open a browser session, or use --browser.'
        : 'Use --browser to sign in as a person, or a server that signs in without a page.',
    );
  }
  const error = outcome.kind === 'error' ? outcome.error : '';
  // Salesforce answers these two in the body (HTTP 400) or on RemoteAccessErrorPage.apexp, never at the callback.
  if (error === 'invalid_client_id') {
    return new AuthorizeBlocked(
      `The authorization request for ${ctx.config.app} was refused: the org does not know its consumer key: ${describe(evidence)}.`,
      evidence,
      "Check the consumer key (--client-id) is the app's, and that the app exists and is enabled in this org; a new app can take a few minutes to be usable.",
    );
  }
  if (error === 'redirect_uri_mismatch') {
    return new AuthorizeBlocked(
      `The authorization request for ${ctx.config.app} was refused: its callback URL ${ctx.config.redirectUri} is not registered: ${describe(evidence)}.`,
      evidence,
      "Pass one of the app's registered callback URLs (--callback-url), or add this one to the app.",
    );
  }
  if (error === 'invalid_scope') {
    // Salesforce fails the whole authorization for one scope the app does not allow (forcedotcom/mcp-hosted#47).
    return new AuthorizeBlocked(
      `The authorization request for ${ctx.config.app} was refused: the app does not allow a scope the run asked for: ${describe(evidence)}.`,
      evidence,
      "Add the scopes the check needs (API; Refresh Token for rtr verify) to the app's OAuth scopes, then run again.",
    );
  }
  return new AuthorizeBlocked(
    `The authorization request for ${ctx.config.app} was refused: ${describe(evidence)}.`,
    evidence,
    error === 'invalid_app_access'
      ? 'Pre-authorize the app for your profile or a permission set, or approve it once, then run again.'
      : 'Check the app is enabled and its consumer key and callback URL match (--client-id, --callback-url).',
  );
}

export async function exchange(
  ctx: ProbeContext,
  code: string,
  options: { verifier?: string; withSecret: boolean; what: string },
): Promise<TokenResult> {
  ctx.ledger.remember(options.verifier);
  const secret = options.withSecret ? ctx.secret : undefined;
  const result = assertOAuthAnswer(
    await exchangeCode(
      ctx.config.loginUrl,
      { clientId: ctx.config.clientId, clientSecret: secret?.reveal() },
      { code, redirectUri: ctx.config.redirectUri, codeVerifier: options.verifier },
      ctx.http,
    ),
    options.what,
  );
  if (result.ok) {
    ctx.ledger.record(
      ctx.config.app,
      ctx.config.loginUrl,
      { clientId: ctx.config.clientId, secret: ctx.secret },
      result,
      true,
    );
    await ctx.afterExchange?.(ctx.config.app, result);
  }
  return result;
}

export async function refreshWith(ctx: ProbeContext, refreshToken: string, what: string): Promise<TokenResult> {
  const secret = ctx.config.clientType === 'public' ? undefined : ctx.secret;
  const result = assertOAuthAnswer(
    await refresh(
      ctx.config.loginUrl,
      { clientId: ctx.config.clientId, clientSecret: secret?.reveal() },
      refreshToken,
      ctx.http,
    ),
    what,
  );
  if (result.ok)
    ctx.ledger.record(
      ctx.config.app,
      ctx.config.loginUrl,
      { clientId: ctx.config.clientId, secret: ctx.secret },
      result,
    );
  return result;
}

/** Whether the client is confidential: from its settings, else from whether a secret was given. */
export function isConfidential(ctx: ProbeContext): boolean {
  return ctx.config.clientType ? ctx.config.clientType === 'confidential' : ctx.secret !== undefined;
}
