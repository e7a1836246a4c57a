/*
 * POST /services/oauth2/introspect (RFC 7662): the status of an access or refresh token. The caller authenticates as
 * a client and sees only its own tokens unless the app has `isIntrospectAllTokens`; anything else is `{active:false}`.
 */
import { sendJson, type RequestContext } from '../http/context.js';
import { identityUrl } from '../services.js';
import { oauthClient } from '../clients.js';
import { findClient, presentedClient, secretAccepted } from './client-auth.js';
import { ERRORS } from './errors.js';
import { policyExpired } from './grants/refresh-token.js';
import { sendOAuthError } from './respond.js';
import type { OAuthRuntime } from './runtime.js';

type Found = {
  clientId: string;
  userId: string;
  scopes: string[];
  type: 'access_token' | 'refresh_token';
  iat: number;
  exp?: number;
};

function findToken(rt: OAuthRuntime, raw: string): Found | undefined {
  const store = rt.services.store;
  const access = store.accessToken(raw);
  if (access) {
    return {
      clientId: access.clientId,
      userId: access.userId,
      scopes: access.scopes,
      type: 'access_token',
      iat: access.issuedAt,
      exp: access.expiresAt,
    };
  }
  const refresh = store.findRefreshToken(raw);
  if (!refresh?.current || refresh.grant.revoked) return undefined;
  const { grant } = refresh;
  const policy = oauthClient(store, grant.clientId)?.refreshPolicy ?? { type: 'infinite' };
  if (policyExpired(policy, grant, store.clock())) return undefined;
  const exp = policy.type === 'lifetime' ? Date.parse(grant.chainIssuedDate) + policy.seconds * 1000 : undefined;
  return {
    clientId: grant.clientId,
    userId: grant.userId,
    scopes: grant.scopes,
    type: 'refresh_token',
    iat: Date.parse(grant.createdDate),
    exp,
  };
}

export function introspect(rt: OAuthRuntime) {
  return async (ctx: RequestContext): Promise<void> => {
    const store = rt.services.store;
    const form = await ctx.form();
    const presented = presentedClient(ctx, form);
    const client = findClient(store, presented);
    if (!client) return sendOAuthError(ctx, ERRORS.clientIdInvalid);
    if (!secretAccepted(store, client, presented.secret, !client.consumerSecretOptional))
      return sendOAuthError(ctx, ERRORS.clientCredentialsInvalid);
    const found = findToken(rt, form.get('token') ?? '');
    const user = found ? store.user(found.userId) : undefined;
    if (!found || !user?.isActive || (found.clientId !== client.clientId && !client.introspectAllTokens)) {
      return sendJson(ctx, 200, { active: false });
    }
    const seconds = (ms: number): number => Math.floor(ms / 1000);
    sendJson(ctx, 200, {
      active: true,
      scope: found.scopes.join(' '),
      client_id: found.clientId,
      username: user.username,
      sub: identityUrl(rt.services, user.id),
      token_type: found.type,
      ...(found.exp !== undefined ? { exp: seconds(found.exp) } : {}),
      iat: seconds(found.iat),
      nbf: seconds(found.iat),
    });
  };
}
