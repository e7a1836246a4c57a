/*
 * How OAuth errors leave the emulator: JSON on the token-side endpoints, query parameters on the client's callback,
 * or Salesforce's remote access error page when the callback itself cannot be trusted.
 */
import { redirect, sendJson, type RequestContext } from '../http/context.js';
import type { OAuthError } from './errors.js';

export const ERROR_PAGE_PATH = '/setup/secur/RemoteAccessErrorPage.apexp';

export function sendOAuthError(ctx: RequestContext, err: OAuthError, status = 400): void {
  sendJson(ctx, status, { error: err.error, error_description: err.description });
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

/** An unknown client or an unregistered redirect_uri must not send the browser to the client. */
export function redirectErrorPage(ctx: RequestContext, instanceUrl: string, err: OAuthError): void {
  const query = new URLSearchParams({ error: err.error, error_description: err.description });
  redirect(ctx, `${instanceUrl}${ERROR_PAGE_PATH}?${query.toString()}`);
}
