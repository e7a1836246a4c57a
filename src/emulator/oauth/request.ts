/*
 * Validation of an authorization request, shared by the web server flow and the headless code_credentials flow.
 * Order matters: the client and its callback are checked first, and failures there never redirect to the client.
 */
import { oauthClient, orgOauthSettings, type OAuthClient } from '../clients.js';
import type { RequestContext } from '../http/context.js';
import type { EmulatorServices } from '../services.js';
import { methodSent, type MethodSent } from '../conformance/classify.js';
import { ERRORS, type OAuthError } from './errors.js';
import { challengeMethod, type ChallengeMethod } from './pkce.js';
import { redirectError, redirectErrorPage, untrustedAuthorizeError } from './respond.js';
import { grantedScopes } from './scopes.js';

export type AuthorizationRequest = {
  clientId: string;
  redirectUri: string;
  state?: string;
  scopes: string[];
  challenge?: string;
  challengeMethod?: ChallengeMethod;
  /** The `code_challenge_method` as the client sent it, for the conformance report. */
  methodSent?: MethodSent;
  prompt?: string;
};

type Validated = { client: OAuthClient; request: AuthorizationRequest };

/** The validated request, or undefined after the error response has been sent. */
export function validateAuthorization(
  services: EmulatorServices,
  ctx: RequestContext,
  params: URLSearchParams,
  responseTypeSupported: boolean,
): Validated | undefined {
  const client = oauthClient(services.store, params.get('client_id') ?? '');
  if (!client) return void untrustedAuthorizeError(ctx, services, ERRORS.clientIdInvalid);
  const redirectUri = params.get('redirect_uri') ?? '';
  if (!client.callbackUrls.includes(redirectUri))
    return void untrustedAuthorizeError(ctx, services, ERRORS.redirectMismatch);
  if (!client.enabled) return void redirectErrorPage(ctx, services.instanceUrl(), ERRORS.appBlocked);
  const state = params.get('state') ?? undefined;
  const fail = (err: OAuthError): undefined => void redirectError(ctx, redirectUri, err, state);
  if (!responseTypeSupported) return fail(ERRORS.responseTypeUnsupported);

  // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- an empty code_challenge is none
  const challenge = params.get('code_challenge') || undefined;
  const refusePkce = (err: OAuthError): undefined => {
    services.conformance.forRequest(ctx).authorizationRefused(client, params, redirectUri);
    return fail(err);
  };
  if (!challenge && client.pkceRequired) return refusePkce(ERRORS.missingChallenge);
  if (!challenge && orgOauthSettings(services.store).pkceRequired) {
    // The org-wide switch alone: reported as the generic approval error page, not the callback (behaviours row
    // pkce.org-wide-refusal, option orgPkceRefusal).
    if (services.behaviours.orgPkceRefusal === 'invalid-request') return refusePkce(ERRORS.missingChallenge);
    services.conformance.forRequest(ctx).authorizationRefused(client, params, redirectUri);
    return void redirectErrorPage(ctx, services.instanceUrl(), ERRORS.approvalErrorGeneric);
  }
  let method: ChallengeMethod | undefined;
  if (challenge) {
    const checked = challengeMethod(
      params.get('code_challenge_method'),
      challenge,
      services.behaviours.pkceChallengeCheck,
    );
    if (typeof checked !== 'string') return refusePkce(checked);
    method = checked;
  }
  const scopes = grantedScopes(client, params.get('scope'));
  // The whole authorization fails, on the error page (behaviours row scope.not-allowed).
  if (!scopes) return void redirectErrorPage(ctx, services.instanceUrl(), ERRORS.scopeNotAllowed);
  const request: AuthorizationRequest = {
    clientId: client.clientId,
    redirectUri,
    state,
    scopes,
    challenge,
    challengeMethod: method,
    methodSent: methodSent(params.get('code_challenge_method')),
    prompt: params.get('prompt') ?? undefined,
  };
  return { client, request };
}
