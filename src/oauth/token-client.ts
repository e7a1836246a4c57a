/*
 * A small OAuth token client for Salesforce's /services/oauth2 endpoints. It returns the server's answer as data (error
 * code and description, or tokens) and never logs: callers decide what to show, and tokens never reach output.
 */
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

async function postForm(url: string, form: Record<string, string | undefined>): Promise<TokenResult> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v !== undefined) body.set(k, v);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { ok: false, status: res.status, error: 'invalid_response', errorDescription: `HTTP ${res.status} with a body that is not JSON` };
  }
  if (!res.ok || typeof json.access_token !== 'string') {
    return { ok: false, status: res.status, error: String(json.error ?? 'unknown_error'), errorDescription: String(json.error_description ?? '') };
  }
  return {
    ok: true,
    status: res.status,
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
  params: { code: string; redirectUri: string; codeVerifier?: string }
): Promise<TokenResult> {
  return postForm(`${loginUrl}/services/oauth2/token`, {
    grant_type: 'authorization_code',
    code: params.code,
    client_id: client.clientId,
    client_secret: client.clientSecret,
    redirect_uri: params.redirectUri,
    code_verifier: params.codeVerifier,
  });
}

export function refresh(loginUrl: string, client: ClientCredentials, refreshToken: string): Promise<TokenResult> {
  return postForm(`${loginUrl}/services/oauth2/token`, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: client.clientId,
    client_secret: client.clientSecret,
  });
}

/** Revokes a token; true when the server confirmed it. */
export async function revoke(loginUrl: string, token: string): Promise<boolean> {
  const res = await fetch(`${loginUrl}/services/oauth2/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  await res.arrayBuffer();
  return res.ok;
}
