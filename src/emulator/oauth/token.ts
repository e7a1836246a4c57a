/*
 * POST /services/oauth2/token: applies token-stage faults, then hands the request to its grant type.
 */
import type { RequestContext } from '../http/context.js';
import { applyFault } from '../http/fault-response.js';
import { ERRORS } from './errors.js';
import { presentedClient } from './client-auth.js';
import { arrivalTime } from './in-flight.js';
import { authorizationCode } from './grants/authorization-code.js';
import { clientCredentials } from './grants/client-credentials.js';
import { JWT_BEARER, jwtBearer } from './grants/jwt-bearer.js';
import { password } from './grants/password.js';
import { refreshToken } from './grants/refresh-token.js';
import type { GrantHandler } from './grants/types.js';
import { sendOAuthError } from './respond.js';
import type { OAuthRuntime } from './runtime.js';

const GRANTS: Record<string, GrantHandler> = {
  authorization_code: authorizationCode,
  refresh_token: refreshToken,
  client_credentials: clientCredentials,
  password,
  [JWT_BEARER]: jwtBearer,
};

export function token(rt: OAuthRuntime) {
  return async (ctx: RequestContext): Promise<void> => {
    // Taken before the body is read: a duplicate refresh is judged by when it arrived (in-flight.ts).
    const meta = { arrivedAt: arrivalTime() };
    const form = await ctx.form();
    const grantType = form.get('grant_type') ?? '';
    const conformance = rt.services.conformance.forRequest(ctx);
    const clientId = grantType === 'refresh_token' ? presentedClient(ctx, form).clientId : undefined;
    conformance.refreshAttempt(clientId, form.get('refresh_token'));
    const fault = rt.services.faults.take('token', { method: ctx.method, path: ctx.path, grantType });
    if (fault && (await applyFault(ctx, fault)))
      return conformance.faultAnswered(clientId, grantType, form.get('refresh_token'), fault);
    const handler = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
    if (!handler) return sendOAuthError(ctx, ERRORS.grantTypeUnsupported);
    await handler(rt, ctx, form, meta);
  };
}
