/*
 * grant_type=authorization_code: exchanges a single-use code for tokens, enforcing the client secret of confidential
 * clients, the redirect_uri of the authorize request and PKCE.
 */
import { sendJson } from '../../http/context.js';
import { findClient, presentedClient, secretAccepted } from '../client-auth.js';
import { ERRORS } from '../errors.js';
import { verifierError } from '../pkce.js';
import { sendOAuthError } from '../respond.js';
import { issueForUser, working } from '../tokens.js';
import type { GrantHandler } from './types.js';

export const authorizationCode: GrantHandler = async (rt, ctx, form) => {
  const store = rt.services.store;
  // Sleep first, so that everything below, including using up the code, happens without an await in between.
  await working(rt);
  const presented = presentedClient(ctx, form);
  const client = findClient(store, presented);
  if (!client) return sendOAuthError(ctx, ERRORS.clientIdInvalid);
  const conformance = rt.services.conformance.forRequest(ctx);
  conformance.clientAuthentication(client, presented.secret, 'authorization_code');
  const raw = form.get('code') ?? undefined;
  const code = rt.codes.get(raw);
  conformance.codeExchange(client, code?.clientId === client.clientId ? code : undefined, form.get('code_verifier'));
  if (!secretAccepted(store, client, presented.secret, !client.consumerSecretOptional))
    return sendOAuthError(ctx, ERRORS.clientCredentialsInvalid);

  if (!raw || code?.clientId !== client.clientId) return sendOAuthError(ctx, ERRORS.codeExpired);
  if ((form.get('redirect_uri') ?? '') !== code.redirectUri) return sendOAuthError(ctx, ERRORS.redirectMismatch);
  const pkce = verifierError(code.challenge, form.get('code_verifier'));
  if (pkce) return sendOAuthError(ctx, pkce);
  const user = store.user(code.userId);
  if (!user?.isActive) return sendOAuthError(ctx, ERRORS.codeExpired);

  // A code is used up only by a successful exchange; a failed attempt by its own client may be corrected and retried.
  rt.codes.delete(raw);
  sendJson(ctx, 200, issueForUser(rt.services, client, user.id, code.scopes, true));
};
