/*
 * grant_type=client_credentials: the app acts as its configured run-as user. Always needs the consumer secret;
 * never issues a refresh token.
 */
import { sendJson } from '../../http/context.js';
import { findClient, presentedClient, secretAccepted } from '../client-auth.js';
import { ERRORS } from '../errors.js';
import { sendOAuthError } from '../respond.js';
import { issueForUser, withoutRefreshScopes, working } from '../tokens.js';
import type { GrantHandler } from './types.js';

export const clientCredentials: GrantHandler = async (rt, ctx, form) => {
  await working(rt);
  const store = rt.services.store;
  const presented = presentedClient(ctx, form);
  const client = findClient(store, presented);
  if (!client) return sendOAuthError(ctx, ERRORS.clientIdInvalid);
  if (!secretAccepted(store, client, presented.secret, true))
    return sendOAuthError(ctx, ERRORS.clientCredentialsInvalid);
  const user =
    client.clientCredentialsEnabled && client.clientCredentialsUser
      ? store.userByUsername(client.clientCredentialsUser)
      : undefined;
  if (!user?.isActive) return sendOAuthError(ctx, ERRORS.noClientCredentialsUser);
  sendJson(ctx, 200, issueForUser(rt.services, client, user.id, withoutRefreshScopes(client.scopes), false));
};
