/*
 * Browser sessions from API sessions: `/secur/frontdoor.jsp?sid=<access token>&retURL=/x` (the classic way) and
 * `?otp=<one-time value>` from /services/oauth2/singleaccess (the single-access flow `sf org open` uses). A valid value
 * sets the `sid` session cookie and redirects to the relative retURL (or the single-access `redirect_uri`); anything
 * else goes to login.
 */
import { redirect, sendJson, type RequestContext } from '../http/context.js';
import { authenticate } from '../services.js';
import { loginUrl, safeRelative, LOGIN_PATH } from './login.js';
import type { OAuthRuntime } from './runtime.js';
import { startSession } from './sessions.js';

export const FRONTDOOR_PATH = '/secur/frontdoor.jsp';

/** How long a single-access value may wait to be used. Salesforce documents no figure; one minute is our choice. */
const OTP_TTL_MS = 60 * 1000;

export function frontdoor(rt: OAuthRuntime) {
  return (ctx: RequestContext): void => {
    const query = ctx.url.searchParams;
    const sid = query.get('sid');
    const otp = sid ? undefined : rt.otps.take(query.get('otp') ?? undefined);
    const target = safeRelative(query.get('retURL') ?? query.get('startURL')) ?? otp?.redirect;
    const userId = sid ? authenticate(rt.services, sid)?.user.id : otp?.userId;
    const user = userId ? rt.services.store.user(userId) : undefined;
    if (!user?.isActive) return redirect(ctx, loginUrl(target));
    redirect(ctx, target ?? LOGIN_PATH, { 'set-cookie': startSession(rt, user.id) });
  };
}

/**
 * GET or POST /services/oauth2/singleaccess with `Authorization: Bearer`, optional `redirect_uri` (a relative path, in
 * the query or the form): `{ frontdoor_uri }`. sfdx-core's `Org.getFrontDoorUrl()` (`sf org open`) calls it with GET and
 * notes it answers an expired token with 403, which it avoids by refreshing first; the Mobile SDK POSTs (behaviours
 * rows sf-cli.singleaccess-get, sf-cli.singleaccess-expired). The 403 body is our choice (inference).
 */
export function singleAccess(rt: OAuthRuntime) {
  return async (ctx: RequestContext): Promise<void> => {
    const params = await ctx.form();
    const auth = authenticate(rt.services, ctx.bearer());
    if (!auth) return sendJson(ctx, 403, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
    const otp = rt.otps.put({ userId: auth.user.id, redirect: safeRelative(params.get('redirect_uri')) }, OTP_TTL_MS);
    sendJson(ctx, 200, {
      frontdoor_uri: `${rt.services.instanceUrl()}${FRONTDOOR_PATH}?otp=${encodeURIComponent(otp)}`,
    });
  };
}
