/*
 * Headless Authorization Code and Credentials flow (Experience Cloud): POST /services/oauth2/authorize with
 * `Auth-Request-Type: Named-User`, `Authorization: Basic base64(username:password)` and
 * `response_type=code_credentials`. Needs the org switch and the app switch. There is no page to consent on, so a
 * self-authorized app is treated as approved; admin-approved apps still need the user to be pre-authorized.
 * Error strings and the exact Location parameters are UNVERIFIED (see errors.ts).
 */
import { orgOauthSettings } from '../clients.js';
import type { RequestContext } from '../http/context.js';
import { sha256 } from '../store/hash.js';
import { makeId } from '../store/ids.js';
import { isPreAuthorized } from './access.js';
import { ERRORS } from './errors.js';
import { redirectWithCode } from './issue-code.js';
import { validateAuthorization } from './request.js';
import { redirectError } from './respond.js';
import type { OAuthRuntime } from './runtime.js';

/** Network (Experience Cloud site) key prefix, for `sfdc_community_id`. */
const NETWORK_PREFIX = '0DB';

function basicCredentials(ctx: RequestContext): { username: string; password: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(String(ctx.req.headers.authorization ?? ''));
  if (!match) return undefined;
  const decoded = Buffer.from(match[1].trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } : undefined;
}

export function codeCredentials(rt: OAuthRuntime, ctx: RequestContext, params: URLSearchParams): void {
  const store = rt.services.store;
  const validated = validateAuthorization(rt.services, ctx, params, true);
  if (!validated) return;
  const { client, request } = validated;
  const fail = (err: (typeof ERRORS)[keyof typeof ERRORS]): void =>
    redirectError(ctx, request.redirectUri, err, request.state);
  if (!orgOauthSettings(store).codeCredentialsAllowed || !client.codeCredentialsEnabled)
    return fail(ERRORS.codeCredentialsDisabled);
  const credentials = basicCredentials(ctx);
  const requestType = String(ctx.req.headers['auth-request-type'] ?? '');
  if (requestType.toLowerCase() !== 'named-user' || !credentials) return fail(ERRORS.codeCredentialsRequestInvalid);
  const user = store.userByUsername(credentials.username);
  if (!user?.isActive || !user.passwordHash || user.passwordHash !== sha256(credentials.password))
    return fail(ERRORS.codeCredentialsLoginFailed);
  if (client.adminApprovedOnly && !isPreAuthorized(client, user)) return fail(ERRORS.notAdminApproved);
  redirectWithCode(rt, ctx, request, user.id, {
    sfdc_community_url: rt.services.instanceUrl(),
    sfdc_community_id: makeId(NETWORK_PREFIX, 1),
  });
}
