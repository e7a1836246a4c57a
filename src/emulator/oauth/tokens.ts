/*
 * The token endpoint's success response, as jsforce's TokenResponse and @salesforce/core read it: no `expires_in`,
 * `issued_at` in epoch milliseconds as a string, and a `signature` over `id + issued_at`.
 */
import { createHmac } from 'node:crypto';
import type { OAuthClient } from '../clients.js';
import { sleep } from '../faults.js';
import { identityUrl, type EmulatorServices } from '../services.js';
import type { OAuthRuntime } from './runtime.js';
import { allowsRefresh } from './scopes.js';

export type TokenResponse = {
  access_token: string;
  refresh_token?: string;
  signature: string;
  scope: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  issued_at: string;
};

/** Salesforce keys the HMAC with the consumer secret. The emulator holds only the secret's SHA-256, so it keys with that. */
function signature(services: EmulatorServices, clientId: string, id: string, issuedAt: string): string {
  const key = services.store.state.consumerSecrets[clientId] ?? '';
  return createHmac('sha256', key)
    .update(id + issuedAt)
    .digest('base64');
}

export function tokenResponse(
  services: EmulatorServices,
  clientId: string,
  userId: string,
  scopes: string[],
  tokens: { accessToken: string; refreshToken?: string },
): TokenResponse {
  const id = identityUrl(services, userId);
  const issuedAt = String(services.store.clock());
  const body: TokenResponse = {
    access_token: tokens.accessToken,
    signature: signature(services, clientId, id, issuedAt),
    scope: scopes.join(' '),
    instance_url: services.instanceUrl(),
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  };
  if (tokens.refreshToken) body.refresh_token = tokens.refreshToken;
  return body;
}

/** A new approval: an access token, plus a refresh-token chain when the scopes allow one. */
export function issueForUser(
  services: EmulatorServices,
  client: OAuthClient,
  userId: string,
  scopes: string[],
  withRefresh: boolean,
): TokenResponse {
  const store = services.store;
  if (withRefresh && allowsRefresh(scopes)) {
    const { grant, refreshToken } = store.createGrant(client.clientId, client.label, userId, scopes);
    const accessToken = store.issueAccessToken(userId, client.clientId, scopes, grant.id);
    return tokenResponse(services, client.clientId, userId, scopes, { accessToken, refreshToken });
  }
  const accessToken = store.issueAccessToken(userId, client.clientId, scopes);
  return tokenResponse(services, client.clientId, userId, scopes, { accessToken });
}

/** Flows without a refresh token (client credentials, JWT bearer, password) never grant the refresh scopes. */
export const withoutRefreshScopes = (scopes: string[]): string[] => scopes.filter((s) => !allowsRefresh([s]));

/** The time the token endpoint takes for one request (latency model). */
export const working = (rt: OAuthRuntime): Promise<void> =>
  rt.services.latency.tokenMs > 0 ? sleep(rt.services.latency.tokenMs) : Promise.resolve();
