/*
 * grant_type=password (username-password flow): blocked org-wide by `blockOAuthUnPwFlow` and never supported by
 * External Client Apps; Salesforce answers both like bad credentials. Never issues a refresh token.
 */
import { orgOauthSettings } from '../../clients.js';
import { sendJson } from '../../http/context.js';
import { sha256 } from '../../store/hash.js';
import { isPreAuthorized } from '../access.js';
import { findClient, presentedClient, secretAccepted } from '../client-auth.js';
import { ERRORS } from '../errors.js';
import { sendOAuthError } from '../respond.js';
import { issueForUser, withoutRefreshScopes, working } from '../tokens.js';
import type { GrantHandler } from './types.js';

export const password: GrantHandler = async (rt, ctx, form) => {
  await working(rt);
  const store = rt.services.store;
  const presented = presentedClient(ctx, form);
  const client = findClient(store, presented);
  if (!client) return sendOAuthError(ctx, ERRORS.clientIdInvalid);
  if (client.kind === 'ExternalClientApplication' || orgOauthSettings(store).usernamePasswordBlocked) {
    return sendOAuthError(ctx, ERRORS.authenticationFailure);
  }
  if (!secretAccepted(store, client, presented.secret, true))
    return sendOAuthError(ctx, ERRORS.clientCredentialsInvalid);
  const user = store.userByUsername(form.get('username') ?? '');
  const pw = form.get('password') ?? '';
  if (!user?.isActive || !user.passwordHash || user.passwordHash !== sha256(pw))
    return sendOAuthError(ctx, ERRORS.authenticationFailure);
  if (client.adminApprovedOnly && !isPreAuthorized(client, user)) return sendOAuthError(ctx, ERRORS.userNotApproved);
  sendJson(ctx, 200, issueForUser(rt.services, client, user.id, withoutRefreshScopes(client.scopes), false));
};
