/*
 * The happy end of an authorization: a fresh single-use code sent to the client's callback with `state` echoed.
 */
import { redirect, type RequestContext } from '../http/context.js';
import { CODE_LIFETIME_MS } from './codes.js';
import type { AuthorizationRequest } from './request.js';
import { callbackUrl } from './respond.js';
import type { OAuthRuntime } from './runtime.js';

export function redirectWithCode(
  rt: OAuthRuntime,
  ctx: RequestContext,
  request: AuthorizationRequest,
  userId: string,
  extra: Record<string, string> = {},
): void {
  const code = rt.codes.put(
    {
      clientId: request.clientId,
      userId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      challenge: request.challenge,
      challengeMethod: request.challengeMethod,
    },
    CODE_LIFETIME_MS,
  );
  rt.services.conformance.forRequest(ctx).authorized({
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    challenge: request.challenge,
    methodSent: request.methodSent ?? 'absent',
  });
  redirect(ctx, callbackUrl(request.redirectUri, { code, ...extra, state: request.state }));
}
