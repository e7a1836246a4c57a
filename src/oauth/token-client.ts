/*
 * A small OAuth token client for Salesforce's /services/oauth2 endpoints (and any server that uses the same paths). It
 * returns the server's answer as data (error code and description, or tokens) and never logs: callers decide what to
 * show, and tokens never reach output. A network failure throws a TransportError (see http.ts); transient trouble that
 * persists through the retries throws a TransientAnswer (see answer.ts).
 */
import { send } from './answer.js';
import type { HttpOptions } from './http.js';

export type TokenSuccess = {
  ok: true;
  status: number;
  accessToken: string;
  refreshToken?: string;
  scope?: string;
  instanceUrl?: string;
  id?: string;
};

export type TokenFailure = { ok: false; status: number; error: string; errorDescription: string };

export type TokenResult = TokenSuccess | TokenFailure;

export type ClientCredentials = { clientId: string; clientSecret?: string };

/** `error` of an answer that is not an OAuth error response (HTML error page, empty body, proxy error). */
export const INVALID_RESPONSE = 'invalid_response';

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/**
 * POSTs a form to the token endpoint. Error answers come back as data in any encoding (answer.ts); transient trouble
 * (429, 5xx, outage pages, unknown_error) is retried, and when it persists a TransientAnswer is thrown: it says nothing
 * about the client. Not idempotent: a code exchange or a refresh is re-sent only when the server did not process it.
 */
async function postForm(
  url: string,
  form: Record<string, string | undefined>,
  options: HttpOptions = {},
): Promise<TokenResult> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v !== undefined) body.set(k, v);
  const { answer, status } = await send(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
    },
    options,
    { idempotent: false },
  );
  if (answer.kind === 'oauth-error')
    return { ok: false, status, error: answer.error, errorDescription: answer.errorDescription };
  if (answer.kind !== 'success')
    return {
      ok: false,
      status,
      error: INVALID_RESPONSE,
      errorDescription: `${'reason' in answer ? answer.reason : `HTTP ${status}`}`,
    };
  const json = answer.fields;
  if (answer.encoding !== 'json' || typeof json.access_token !== 'string') {
    return {
      ok: false,
      status,
      error: INVALID_RESPONSE,
      errorDescription: `HTTP ${status} without an access token or an OAuth error code`,
    };
  }
  return {
    ok: true,
    status,
    accessToken: json.access_token,
    refreshToken: typeof json.refresh_token === 'string' ? json.refresh_token : undefined,
    scope: typeof json.scope === 'string' ? json.scope : undefined,
    instanceUrl: typeof json.instance_url === 'string' ? json.instance_url : undefined,
    id: typeof json.id === 'string' ? json.id : undefined,
  };
}

export function exchangeCode(
  loginUrl: string,
  client: ClientCredentials,
  params: { code: string; redirectUri: string; codeVerifier?: string },
  options?: HttpOptions,
): Promise<TokenResult> {
  return postForm(
    `${trimSlash(loginUrl)}/services/oauth2/token`,
    {
      grant_type: 'authorization_code',
      code: params.code,
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uri: params.redirectUri,
      code_verifier: params.codeVerifier,
    },
    options,
  );
}

export function refresh(
  loginUrl: string,
  client: ClientCredentials,
  refreshToken: string,
  options?: HttpOptions,
): Promise<TokenResult> {
  return postForm(
    `${trimSlash(loginUrl)}/services/oauth2/token`,
    {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    },
    options,
  );
}

export type RevokeOutcome =
  /** The server confirmed the revocation (HTTP 200). */
  | { outcome: 'revoked'; status: number }
  /** The server did not know the token (already revoked, rotated out or expired): nothing is left to revoke. */
  | { outcome: 'not-active'; status: number; error: string }
  /** Anything else: the token may still be live. */
  | { outcome: 'failed'; status: number; error: string };

/** The error codes Salesforce gives a token it no longer knows (RFC 7009 §2.2 says 200; Salesforce answers 400). */
const NOT_ACTIVE = new Set(['unsupported_token_type', 'invalid_token', 'invalid_request']);

/**
 * Revokes a token (RFC 7009 form `token=`). Salesforce needs no client authentication at /revoke; RFC 7009 servers
 * do, so the client id (and the secret of a confidential client, when known) is sent too. Salesforce answers errors
 * form-encoded (`error=unsupported_token_type&error_description=…`, omniphx/forrest#213), other servers JSON: both
 * are read. Revoking is idempotent, so transient trouble is retried; when it persists a TransientAnswer is thrown.
 */
export async function revokeToken(
  loginUrl: string,
  token: string,
  client?: ClientCredentials & { tokenTypeHint?: 'access_token' | 'refresh_token' },
  options?: HttpOptions,
): Promise<RevokeOutcome> {
  const url = `${trimSlash(loginUrl)}/services/oauth2/revoke`;
  const body = new URLSearchParams({ token });
  if (client?.tokenTypeHint) body.set('token_type_hint', client.tokenTypeHint);
  if (client?.clientId) body.set('client_id', client.clientId);
  if (client?.clientSecret) body.set('client_secret', client.clientSecret);
  const { answer, status } = await send(
    url,
    { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body },
    options ?? {},
    { idempotent: true },
  );
  if (answer.kind === 'success') return { outcome: 'revoked', status };
  if (answer.kind === 'oauth-error' && status === 400 && NOT_ACTIVE.has(answer.error))
    return { outcome: 'not-active', status, error: answer.error };
  return { outcome: 'failed', status, error: answer.kind === 'oauth-error' ? answer.error : `HTTP ${status}` };
}

/** Revokes a token; true when the server confirmed it. */
export async function revoke(loginUrl: string, token: string): Promise<boolean> {
  return (await revokeToken(loginUrl, token)).outcome === 'revoked';
}
