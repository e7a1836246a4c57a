/*
 * GET|POST /services/oauth2/authorize, web server flow (response_type=code). Without a session the browser goes to
 * the login page and comes back here; with one, admin-approved apps check pre-authorization and self-authorized apps
 * ask for consent once. `prompt=login` is not enforced, so that a session made by frontdoor.jsp gets a code
 * headlessly; `prompt=consent` shows the consent page of a self-authorized app again.
 */
import { redirect, type RequestContext } from '../http/context.js';
import { isPreAuthorized, mayUseWithoutConsent } from './access.js';
import { showConsent } from './consent.js';
import { ERRORS } from './errors.js';
import { codeCredentials } from './headless.js';
import { redirectWithCode } from './issue-code.js';
import { loginUrl } from './login.js';
import { validateAuthorization } from './request.js';
import { redirectError } from './respond.js';
import type { OAuthRuntime } from './runtime.js';
import { sessionUser } from './sessions.js';

export const AUTHORIZE_PATH = '/services/oauth2/authorize';

export function authorize(rt: OAuthRuntime) {
  return async (ctx: RequestContext): Promise<void> => {
    const params = await ctx.form();
    if (params.get('response_type') === 'code_credentials') return codeCredentials(rt, ctx, params);
    const validated = validateAuthorization(rt.services, ctx, params, params.get('response_type') === 'code');
    if (!validated) return;
    const { client, request } = validated;
    const signedIn = sessionUser(rt, ctx);
    // Back to this URL after login; POSTed parameters travel in the query (none of them is a secret).
    if (!signedIn) return redirect(ctx, loginUrl(`${AUTHORIZE_PATH}?${params.toString()}`));
    const { user } = signedIn;
    if (client.adminApprovedOnly && !isPreAuthorized(client, user)) {
      return redirectError(ctx, request.redirectUri, ERRORS.notAdminApproved, request.state);
    }
    const approved = rt.services.store.hasApproved(user.id, client.clientId);
    const forceConsent = request.prompt?.split(' ').includes('consent') && !client.adminApprovedOnly;
    if (mayUseWithoutConsent(client, user, approved) && !forceConsent)
      return redirectWithCode(rt, ctx, request, user.id);
    showConsent(rt, ctx, client, request, signedIn);
  };
}
