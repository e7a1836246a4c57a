/*
 * How OAuth errors leave the emulator: JSON on the token endpoint, form-encoded on /revoke (behaviour
 * revokeErrorEncoding), query parameters on the client's callback, and, when the callback itself cannot be trusted, a
 * form-encoded HTTP 400 body or Salesforce's remote access error page (behaviour untrustedAuthorizeError).
 */
import { redirect, sendJson, type RequestContext } from '../http/context.js';
import type { EmulatorServices } from '../services.js';
import type { OAuthError } from './errors.js';

export const ERROR_PAGE_PATH = '/setup/secur/RemoteAccessErrorPage.apexp';

export function sendOAuthError(ctx: RequestContext, err: OAuthError, status = 400): void {
  sendJson(ctx, status, { error: err.error, error_description: err.description });
}

/**
 * An OAuth error as a form-encoded body, `error=…&error_description=…` with `%20` for spaces, as Salesforce answers
 * /revoke (omniphx/forrest#213) and authorize requests it cannot send back (wadewegner/Force.com-Toolkit-for-NET#244).
 * The content type is our guess (a browser shows the text as is); clients must not depend on it.
 */
export function sendFormError(ctx: RequestContext, err: OAuthError, status = 400): void {
  const body = `error=${encodeURIComponent(err.error)}&error_description=${encodeURIComponent(err.description)}`;
  ctx.res.writeHead(status, {
    'content-type': 'text/plain;charset=UTF-8',
    'cache-control': 'no-cache,must-revalidate,max-age=0,no-store,private',
  });
  ctx.res.end(body);
}

/** A /revoke error in the encoding the `revokeErrorEncoding` behaviour picks (Salesforce: form). */
export function sendRevokeError(ctx: RequestContext, services: EmulatorServices, err: OAuthError): void {
  if (services.behaviours.revokeErrorEncoding === 'json') return sendOAuthError(ctx, err);
  sendFormError(ctx, err);
}

/** The callback URL with parameters added (the callback may already have a query; custom schemes are fine). */
export function callbackUrl(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.href;
}

/** Web server flow errors go to the registered callback as `?error=…&error_description=…`, with `state` echoed. */
export function redirectError(ctx: RequestContext, redirectUri: string, err: OAuthError, state?: string): void {
  redirect(ctx, callbackUrl(redirectUri, { error: err.error, error_description: err.description, state }));
}

/**
 * An unknown client_id or an unregistered redirect_uri must not send the browser to the client: answered in the body
 * with HTTP 400 (behaviour untrustedAuthorizeError=body, the default) or by a redirect to RemoteAccessErrorPage.apexp
 * (=error-page).
 */
export function untrustedAuthorizeError(ctx: RequestContext, services: EmulatorServices, err: OAuthError): void {
  if (services.behaviours.untrustedAuthorizeError === 'body') return sendFormError(ctx, err);
  redirectErrorPage(ctx, services.instanceUrl(), err);
}

/** Sends the browser to Salesforce's remote access error page with the error in the query. */
export function redirectErrorPage(ctx: RequestContext, instanceUrl: string, err: OAuthError): void {
  const query = new URLSearchParams({ error: err.error, error_description: err.description });
  redirect(ctx, `${instanceUrl}${ERROR_PAGE_PATH}?${query.toString()}`);
}
