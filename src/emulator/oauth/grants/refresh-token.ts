/*
 * grant_type=refresh_token with Salesforce's Refresh Token Rotation semantics: a rotated-out token revokes its chain,
 * one request per refresh token at a time (in-flight.ts), and the refresh token policy (zero, lifetime, inactivity).
 */
import type { OAuthClient, RefreshPolicy } from '../../clients.js';
import { sendJson } from '../../http/context.js';
import { sha256 } from '../../store/hash.js';
import type { Grant } from '../../store/state.js';
import type { OrgStore } from '../../store/store.js';
import { findClient, presentedClient, secretAccepted } from '../client-auth.js';
import { ERRORS } from '../errors.js';
import { processingWindow } from '../in-flight.js';
import { sendOAuthError } from '../respond.js';
import { tokenResponse } from '../tokens.js';
import type { GrantHandler } from './types.js';

/** Whether the policy has expired the chain; evaluated only when the refresh token is used, as Salesforce does. */
export function policyExpired(policy: RefreshPolicy, grant: Grant, now: number): boolean {
  switch (policy.type) {
    case 'infinite':
      return false;
    case 'zero':
      return true;
    case 'lifetime':
      return now - Date.parse(grant.chainIssuedDate) > policy.seconds * 1000;
    case 'inactivity':
      return now - Date.parse(grant.lastUsedDate) > policy.seconds * 1000;
  }
}

/** The live chain of a raw refresh token of this client; a rotated-out token revokes its chain. */
function liveGrant(store: OrgStore, client: OAuthClient, raw: string): Grant | undefined {
  const found = store.findRefreshToken(raw);
  if (found?.grant.clientId !== client.clientId || found.grant.revoked) return undefined;
  if (!found.current) {
    store.revokeGrant(found.grant);
    return undefined;
  }
  return found.grant;
}

export const refreshToken: GrantHandler = async (rt, ctx, form, meta) => {
  const store = rt.services.store;
  const presented = presentedClient(ctx, form);
  const client = findClient(store, presented);
  if (!client) return sendOAuthError(ctx, ERRORS.clientIdInvalid);
  const conformance = rt.services.conformance.forRequest(ctx);
  conformance.clientAuthentication(client, presented.secret, 'refresh_token');
  if (!secretAccepted(store, client, presented.secret, client.secretRequiredForRefresh))
    return sendOAuthError(ctx, ERRORS.clientCredentialsInvalid);
  if (form.has('code_verifier')) {
    conformance.refreshWithVerifier(client);
    return sendOAuthError(ctx, ERRORS.verifierUnexpected);
  }

  const raw = form.get('refresh_token') ?? '';
  const key = sha256(raw);
  const duplicate = raw !== '' && rt.inflight.overlaps(key, meta.arrivedAt);
  if (raw) conformance.refreshPresented(client, raw, duplicate);
  // Judged before the token is looked up: the request being processed may already have rotated it out, and a
  // duplicate is not a reuse (it does not revoke the chain: behaviours row refresh.in-flight-duplicate).
  if (duplicate) return sendOAuthError(ctx, ERRORS.refreshInFlight);
  const rejected = (): void => {
    if (raw) conformance.refreshRejected(client, raw);
    sendOAuthError(ctx, ERRORS.refreshExpired);
  };
  const grant = raw ? liveGrant(store, client, raw) : undefined;
  if (!grant) return rejected();
  const done = rt.inflight.begin(key);
  try {
    await processingWindow(rt.services.latency.tokenMs);
    // The chain may have been revoked while this request was working.
    const current = liveGrant(store, client, raw);
    const user = current ? store.user(current.userId) : undefined;
    if (!current || !user?.isActive || policyExpired(client.refreshPolicy, current, store.clock())) return rejected();
    const next = store.useGrant(current, client.rotationEnabled);
    conformance.refreshSucceeded(client, raw, next !== undefined);
    const accessToken = store.issueAccessToken(user.id, client.clientId, current.scopes, current.id);
    sendJson(
      ctx,
      200,
      tokenResponse(rt.services, client.clientId, user.id, current.scopes, { accessToken, refreshToken: next }),
    );
  } finally {
    done();
  }
};
