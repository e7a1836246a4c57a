/*
 * THE catalog of OAuth error strings the emulator answers with, each with its evidence label from
 * /work/shared/reference/salesforce-oauth.md. Strings marked UNVERIFIED are our choice where no primary source exists:
 * change them here only. No message here may ever carry a token, secret, code or verifier.
 */
export type OAuthError = { readonly error: string; readonly description: string; readonly evidence: string };

const e = (error: string, description: string, evidence: string): OAuthError => ({ error, description, evidence });

export const ERRORS = {
  // ---- authorize -------------------------------------------------------------------------------------------------
  missingChallenge: e(
    'invalid_request',
    'missing required code challenge',
    '[observed] HappySoup.io#252, activepieces#15615',
  ),
  clientIdInvalid: e('invalid_client_id', 'client identifier invalid', '[observed] restforce#283'),
  redirectMismatch: e('redirect_uri_mismatch', 'redirect_uri must match configuration', '[official KB] 001122778'),
  accessDenied: e(
    'access_denied',
    'end-user denied authorization',
    '[official] flow-errors page (code); description as in the brief',
  ),
  notAdminApproved: e(
    'invalid_app_access',
    'user is not admin approved to access this app',
    '[observed] jetstream#656',
  ),
  /** UNVERIFIED: only under `pkceChallengeCheck=at-authorize`; by default the method is ignored (pkce.ts). */
  challengeMethodInvalid: e('invalid_request', 'invalid code challenge method', 'UNVERIFIED'),
  /** UNVERIFIED wording, only under `pkceChallengeCheck=at-authorize`; the web server flow doc says an invalid challenge fails with `invalid_request`. */
  challengeInvalid: e('invalid_request', 'invalid code challenge', 'UNVERIFIED (code: [official] web server flow doc)'),
  /** UNVERIFIED: commonly reported by users, not in the reference. */
  responseTypeUnsupported: e('unsupported_response_type', 'response type not supported', 'UNVERIFIED'),
  /** A requested scope the app does not allow fails the whole authorization, on the error page. */
  scopeNotAllowed: e(
    'invalid_scope',
    'the requested scope is not allowed',
    '[observed] forcedotcom/mcp-hosted#47 (query of RemoteAccessErrorPage.apexp)',
  ),
  /** The org-wide Require PKCE refusal (option orgPkceRefusal=approval-error-generic); page text as seen on real orgs. */
  approvalErrorGeneric: e(
    'OAUTH_APPROVAL_ERROR_GENERIC',
    'An unexpected error has occurred during authentication. Please try again.',
    '[observed] airbytehq/airbyte PR 85057 (org-wide PKCE), forcedotcom/mcp-hosted#47 (page text)',
  ),
  /** UNVERIFIED: a disabled External Client App (or blocked app). */
  appBlocked: e('OAUTH_APP_BLOCKED', 'this app is blocked by admin', 'UNVERIFIED'),
  /** UNVERIFIED: code_credentials when the org or the app has not enabled the flow. */
  codeCredentialsDisabled: e('unsupported_response_type', 'response type not supported', 'UNVERIFIED'),
  /** UNVERIFIED: code_credentials without `Auth-Request-Type: Named-User` or without a Basic header. */
  codeCredentialsRequestInvalid: e(
    'invalid_request',
    'invalid Auth-Request-Type or Authorization header',
    'UNVERIFIED',
  ),
  /** UNVERIFIED: code_credentials with bad username or password, or an inactive user. */
  codeCredentialsLoginFailed: e('access_denied', 'authentication failure', 'UNVERIFIED'),

  // ---- token -----------------------------------------------------------------------------------------------------
  grantTypeUnsupported: e('unsupported_grant_type', 'grant type not supported', '[observed] forcedotcom/cli#1661'),
  clientCredentialsInvalid: e(
    'invalid_client',
    'invalid client credentials',
    '[observed] SalesforceMobileSDK-iOS#3626',
  ),
  codeExpired: e('invalid_grant', 'expired authorization code', '[observed] omniphx/forrest#169'),
  verifierInvalid: e('invalid_grant', 'invalid code verifier', '[observed] forcedotcom/mcp-hosted#14'),
  /** UNVERIFIED description: a challenge was sent at authorize but no `code_verifier` at token (code [official]). */
  verifierMissing: e('invalid_grant', 'invalid code verifier', 'UNVERIFIED (code: [official] web server flow doc)'),
  /** UNVERIFIED error code (description [observed] sfdx-core#166). */
  verifierUnexpected: e('invalid_grant', 'unexpected code verifier', 'UNVERIFIED code, [observed] description'),
  refreshExpired: e(
    'invalid_grant',
    'expired access/refresh token',
    '[official] flow-errors page; [observed] airbyte#82783',
  ),
  refreshInFlight: e('invalid_grant', 'token request is already being processed', '[official] release note 252'),
  authenticationFailure: e('invalid_grant', 'authentication failure', '[observed] kafka-docker-playground#4178'),
  audienceInvalid: e('invalid_grant', 'Audience validation failed', '[official] flow-errors page'),
  /** UNVERIFIED: a malformed, expired, unsigned-by-the-certificate or wrongly issued JWT, or an app without certificate. */
  assertionInvalid: e('invalid_grant', 'invalid assertion', 'UNVERIFIED'),
  /** UNVERIFIED: JWT bearer for a user who is not pre-authorized (admin-approved app) or has not approved the app. */
  userNotApproved: e('invalid_grant', "user hasn't approved this consumer", 'UNVERIFIED'),
  /** UNVERIFIED: client_credentials when the app has not enabled it or has no active run-as user. */
  noClientCredentialsUser: e('invalid_grant', 'no client credentials user enabled', 'UNVERIFIED'),

  // ---- revoke ----------------------------------------------------------------------------------------------------
  /** Codes [official] mobile_sdk oauth_revoking_tokens.htm; description UNVERIFIED. */
  tokenTypeUnsupported: e(
    'unsupported_token_type',
    'this token type is not supported',
    '[official] code, UNVERIFIED description',
  ),
} as const satisfies Record<string, OAuthError>;

export type ErrorName = keyof typeof ERRORS;
